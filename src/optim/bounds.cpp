// Box constraints: checks, projection, the projected gradient (include/descent/optim/bounds.hpp).
#include "descent/optim/bounds.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "descent/core/error.hpp"

namespace descent::optim {

Bounds unbounded(Index n) {
  const double inf = std::numeric_limits<double>::infinity();
  return {Vec::Constant(n, -inf), Vec::Constant(n, inf)};
}

void check_bounds(const Bounds& bounds, Index n) {
  if (bounds.lower.size() != n || bounds.upper.size() != n) {
    throw_usage("bounds: {} lower and {} upper bounds for {} variables; give one pair per variable",
                bounds.lower.size(), bounds.upper.size(), n);
  }
  for (Index i = 0; i < n; ++i) {
    const double lo = bounds.lower[i];
    const double hi = bounds.upper[i];
    if (std::isnan(lo) || std::isnan(hi)) {
      throw_usage("bounds: coordinate {} has a NaN bound ({}:{})", i, lo, hi);
    }
    if (!(lo <= hi)) {
      throw_usage("bounds: coordinate {} has lower {} > upper {}; the box is empty", i, lo, hi);
    }
    if (lo == std::numeric_limits<double>::infinity() ||
        hi == -std::numeric_limits<double>::infinity()) {
      throw_usage(
          "bounds: coordinate {} has bounds {}:{}; lower must be below +inf and upper "
          "above -inf",
          i, lo, hi);
    }
  }
}

bool inside(const Bounds& bounds, const Vec& x) {
  for (Index i = 0; i < x.size(); ++i) {
    if (!(x[i] >= bounds.lower[i] && x[i] <= bounds.upper[i])) return false;
  }
  return true;
}

void project(const Bounds& bounds, Vec& x) {
  for (Index i = 0; i < x.size(); ++i) x[i] = std::clamp(x[i], bounds.lower[i], bounds.upper[i]);
}

double projected_grad_norm(const Bounds& bounds, const Vec& x, const Vec& grad, bool ascend) {
  double sum = 0.0;
  for (Index i = 0; i < x.size(); ++i) {
    const double down = ascend ? -grad[i] : grad[i];  // the rule moves along -down
    const bool blocked =
        (x[i] <= bounds.lower[i] && down > 0) || (x[i] >= bounds.upper[i] && down < 0);
    if (!blocked) sum += grad[i] * grad[i];
  }
  return std::sqrt(sum);
}

double max_feasible_step(const Bounds& bounds, const Vec& x, const Vec& d, double t_max) {
  double t = t_max;
  for (Index i = 0; i < x.size(); ++i) {
    if (d[i] < 0 && std::isfinite(bounds.lower[i])) {
      t = std::min(t, (bounds.lower[i] - x[i]) / d[i]);
    } else if (d[i] > 0 && std::isfinite(bounds.upper[i])) {
      t = std::min(t, (bounds.upper[i] - x[i]) / d[i]);
    }
  }
  return std::max(t, 0.0);
}

}  // namespace descent::optim
