#include "descent/numdiff/numdiff.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace descent::numdiff {
namespace {

double default_step(Scheme scheme) {
  constexpr double kEps = std::numeric_limits<double>::epsilon();
  return scheme == Scheme::central ? std::cbrt(kEps) : std::sqrt(kEps);
}

}  // namespace

double step_for(double xi, const DiffOptions& options) {
  const double base = options.step > 0.0 ? options.step : default_step(options.scheme);
  const double h = base * std::max(1.0, std::abs(xi));
  // (x + h) - x is exactly representable, so x + h and x - h are at the distance we divide by.
  volatile double shifted = xi + h;
  return shifted - xi;
}

double derivative(const std::function<double(double)>& f, double x, const DiffOptions& options) {
  const double h = step_for(x, options);
  if (options.scheme == Scheme::forward) return (f(x + h) - f(x)) / h;
  return (f(x + h) - f(x - h)) / (2.0 * h);
}

Vec gradient(const ScalarFunction& f, const Vec& x, const DiffOptions& options) {
  const Index n = x.size();
  Vec grad(n);
  Vec probe = x;
  const double fx = options.scheme == Scheme::forward ? f(x) : 0.0;
  for (Index i = 0; i < n; ++i) {
    const double h = step_for(x[i], options);
    probe[i] = x[i] + h;
    const double f_plus = f(probe);
    if (options.scheme == Scheme::forward) {
      grad[i] = (f_plus - fx) / h;
    } else {
      probe[i] = x[i] - h;
      grad[i] = (f_plus - f(probe)) / (2.0 * h);
    }
    probe[i] = x[i];
  }
  return grad;
}

Mat hessian(const GradientFunction& grad, const Vec& x, const DiffOptions& options) {
  const Index n = x.size();
  Mat hess(n, n);
  Vec probe = x;
  Vec g_plus(n), g_minus(n);
  if (options.scheme == Scheme::forward) grad(x, g_minus);
  for (Index j = 0; j < n; ++j) {
    const double h = step_for(x[j], options);
    probe[j] = x[j] + h;
    grad(probe, g_plus);
    if (options.scheme == Scheme::forward) {
      hess.col(j) = (g_plus - g_minus) / h;
    } else {
      probe[j] = x[j] - h;
      grad(probe, g_minus);
      hess.col(j) = (g_plus - g_minus) / (2.0 * h);
    }
    probe[j] = x[j];
  }
  return 0.5 * (hess + hess.transpose());
}

Mat hessian_from_values(const ScalarFunction& f, const Vec& x, const DiffOptions& options) {
  // The inner gradient uses the default step; the outer a larger one (eps^(1/4) for central), so
  // the two rounding errors do not compound.
  DiffOptions outer = options;
  if (outer.step <= 0.0) {
    outer.step = options.scheme == Scheme::central ? 1e-4 : 1e-5;
  }
  auto grad = [&](const Vec& at, Vec& g) { g = gradient(f, at, options); };
  return hessian(grad, x, outer);
}

}  // namespace descent::numdiff
