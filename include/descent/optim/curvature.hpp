// Curvature of an objective at a point: the largest Hessian eigenvalues by Lanczos iteration
// (with full reorthogonalization) on Hessian-vector products, the smallest one and the condition
// number where Lanczos has them converged (always on small problems, whose Krylov space fills
// the whole space), and the largest step plain gradient descent can take there, 2 / lambda_max.
// Example: Curvature c = curvature(hessian_product(objective, x), x.size(), {.top = 3});
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "descent/core/types.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::optim {

// out = H v (out is sized like v by the caller).
using HessianProduct = std::function<void(const Vec& v, Vec& out)>;

// The most Lanczos iterations (each one Hessian-vector product and O(n k) reorthogonalization)
// and the most eigenvalues asked for.
inline constexpr std::int64_t kMaxLanczosIterations = 1000;
inline constexpr std::int64_t kMaxCurvatureTop = 100;
// The Lanczos basis holds n x iterations numbers: past this many (800 MB) the iterations are
// cut to fit (at least top + 1; bad_usage when even those do not fit).
inline constexpr std::int64_t kMaxLanczosValues = 100'000'000;

struct CurvatureOptions {
  std::int64_t top = 3;  // the largest eigenvalues wanted, [1, kMaxCurvatureTop]
  std::int64_t iterations =
      0;                   // Lanczos iterations, [0, kMaxLanczosIterations]; 0: min(n, 2 top + 30)
  double tol = 1e-8;       // a Ritz value is converged when its residual <= tol * |lambda_max|
  std::uint64_t seed = 0;  // of the random start vector
};

struct Curvature {
  std::vector<double> top;          // the largest eigenvalues, descending
  std::vector<bool> converged;      // per entry of top: residual below tol
  std::optional<double> smallest;   // when converged (always when iterations reach n)
  std::optional<double> condition;  // lambda_max / lambda_min when both are known and > 0
  double lambda_max = 0.0;
  double max_stable_lr = 0.0;   // 2 / lambda_max (infinity when lambda_max <= 0)
  std::int64_t iterations = 0;  // Lanczos iterations done (= Hessian-vector products)
};

// Lanczos on `product` over n variables. Throws bad_usage for options out of range and
// bad_input when a product is not finite.
Curvature curvature(const HessianProduct& product, Index n, const CurvatureOptions& options = {});

// H v from the objective at x: the exact Hessian when objective.hessian is set (formed once),
// else a central difference of the gradient along v, (g(x + h v) - g(x - h v)) / 2h with
// h = eps^(1/3) max(1, |x|) / |v| (two gradients per product; about 1e-10 relative error).
// exact (when given) says which was chosen.
HessianProduct hessian_product(const Objective& objective, const Vec& x, bool* exact = nullptr);

// The learning rate gd(lr=auto) takes: 1 / lambda_max at the start (half the largest stable
// step, 2 / lambda_max). Throws bad_input when lambda_max <= 0 (no curvature to set a step by).
double auto_lr(const Objective& objective, const Vec& x0, double* lambda_max = nullptr);

// For a spec with lr=auto (gd, sgd, momentum only): the spec with lr replaced by auto_lr at x0,
// and the note saying so; a spec without lr=auto comes back as it is with an empty note.
struct AutoLrSpec {
  std::string spec;
  std::string note;
};
AutoLrSpec resolve_auto_lr(const std::string& spec, const Objective& objective, const Vec& x0);

}  // namespace descent::optim
