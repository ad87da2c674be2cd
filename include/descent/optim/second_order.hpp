// Rules that re-evaluate the objective inside a step: L-BFGS (a port of torch/optim/lbfgs.py,
// strong Wolfe line search included), plain Newton with the exact Hessian, and gradient descent
// with a backtracking Armijo line search. Example: auto opt = make_lbfgs({.line_search_fn = "strong_wolfe"});
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "descent/optim/optimizer.hpp"

namespace descent::optim {

// Limits (bad_usage beyond them). history_size: past a few hundred pairs L-BFGS gains nothing
// and each pair holds 2n numbers (torch's default is 100). Newton: a dense Hessian and an
// O(n^3) factorization per step. Backtracking: shrink^1000 underflows any step to 0.
inline constexpr std::int64_t kMaxLbfgsHistory = 10000;
inline constexpr std::int64_t kMaxNewtonVariables = 1000;
inline constexpr std::int64_t kMaxBacktracks = 1000;

// torch.optim.LBFGS. One step() is one call of PyTorch's step(closure): up to max_iter inner
// iterations and max_eval evaluations. maximize (ours; torch has none) minimizes -f.
struct LbfgsOptions {
  double lr = 1.0;
  std::int64_t max_iter = 20;
  std::int64_t max_eval = -1;  // -1: max_iter * 5 / 4 (PyTorch's default)
  double tolerance_grad = 1e-7;
  double tolerance_change = 1e-9;
  std::int64_t history_size = 100;      // [1, kMaxLbfgsHistory]
  std::string line_search_fn = "none";  // "none" or "strong_wolfe" (c1 = 1e-4, c2 = 0.9, 25 tries)
  bool maximize = false;
};

// Plain Newton, as in the course:  x <- x - lr * (H + damping * I)^{-1} g  with the exact Hessian.
// It can climb on a nonconvex function (it seeks any stationary point). A singular system stops
// the run (Optimizer::failure()) instead of producing NaN. At most kMaxNewtonVariables
// variables (step() throws bad_usage beyond).
struct NewtonOptions {
  double lr = 1.0;
  double damping = 0.0;  // >= 0
  bool maximize = false;
};

// Gradient descent with backtracking (Armijo) line search, spec gd(line_search=armijo):
// t = lr; while f(x - t g) > f(x) - c1 * t * ||g||^2: t = shrink * t (at most max_backtracks
// times, else the run stops with "line search failed"); x <- x - t g.
struct ArmijoOptions {
  double lr = 1.0;  // the initial step tried at every iteration
  double c1 = 1e-4;  // (0, 1)
  double shrink = 0.5;  // (0, 1)
  std::int64_t max_backtracks = 50;  // [1, kMaxBacktracks]
  bool maximize = false;
};

std::unique_ptr<Optimizer> make_lbfgs(const LbfgsOptions& options);
std::unique_ptr<Optimizer> make_newton(const NewtonOptions& options);
std::unique_ptr<Optimizer> make_armijo_gd(const ArmijoOptions& options);

}  // namespace descent::optim
