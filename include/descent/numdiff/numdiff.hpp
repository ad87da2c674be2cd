// Finite differences: gradients of any f: R^n -> R, Hessians from differences of a gradient.
// Central by default (error O(h^2)), forward as an option (O(h), half the evaluations).
// Example: Vec g = descent::numdiff::gradient([](const Vec& x) { return x.squaredNorm(); }, x);
#pragma once

#include <functional>

#include "descent/core/types.hpp"

namespace descent::numdiff {

using ScalarFunction = std::function<double(const Vec& x)>;
using GradientFunction = std::function<void(const Vec& x, Vec& grad)>;

enum class Scheme { central, forward };

// Step per coordinate: h_i = step * max(1, |x_i|), then h_i = (x_i + h_i) - x_i so that the step
// is exactly representable. step = 0 picks the rounding/truncation balance for the scheme:
// cbrt(eps) ~ 6e-6 for central, sqrt(eps) ~ 1.5e-8 for forward.
struct DiffOptions {
  Scheme scheme = Scheme::central;
  double step = 0.0;
};

// The step DiffOptions gives for coordinate value xi.
double step_for(double xi, const DiffOptions& options = {});

// f'(x) of a function of one variable.
double derivative(const std::function<double(double)>& f, double x,
                  const DiffOptions& options = {});

// grad f(x): 2n evaluations of f (central) or n + 1 (forward).
Vec gradient(const ScalarFunction& f, const Vec& x, const DiffOptions& options = {});

// The Hessian from differences of an exact gradient: column j = (g(x + h e_j) - g(x - h e_j)) / 2h
// (or the forward difference), then symmetrized (H + H^T) / 2.
Mat hessian(const GradientFunction& grad, const Vec& x, const DiffOptions& options = {});

// The Hessian from values only: the gradient by differences, differenced again (less accurate,
// ~1e-5 relative; for checks).
Mat hessian_from_values(const ScalarFunction& f, const Vec& x, const DiffOptions& options = {});

}  // namespace descent::numdiff
