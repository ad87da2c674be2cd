#include "descent/numdiff/gradient_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "descent/core/error.hpp"

namespace descent::numdiff {

GradientCheckReport compare_gradients(const Vec& user_grad, const Vec& numerical_grad,
                                      const GradientCheckOptions& options) {
  if (user_grad.size() != numerical_grad.size()) {
    throw_usage("gradient check: the gradient has {} entries, the point {}", user_grad.size(),
                numerical_grad.size());
  }
  GradientCheckReport report;
  report.tolerance = options.tolerance;
  for (Index i = 0; i < user_grad.size(); ++i) {
    CoordinateCheck c;
    c.index = i;
    c.user = user_grad[i];
    c.numerical = numerical_grad[i];
    c.abs_error = std::abs(c.user - c.numerical);
    const double scale = std::max({std::abs(c.user), std::abs(c.numerical), options.floor});
    c.rel_error = c.abs_error / scale;
    // Written so that NaN anywhere fails; a value that is not finite is infinitely wrong (a NaN
    // error would compare as "no worse" and could report a largest error of 0).
    c.ok = std::isfinite(c.user) && std::isfinite(c.numerical) && c.rel_error <= options.tolerance;
    if (!std::isfinite(c.user) || !std::isfinite(c.numerical)) {
      c.abs_error = c.rel_error = std::numeric_limits<double>::infinity();
    }
    if (!c.ok) report.ok = false;
    const bool worse = report.worst < 0 || !(c.rel_error <= report.max_rel_error);
    if (worse) {
      report.worst = i;
      report.max_rel_error = c.rel_error;
    }
    report.max_abs_error = std::max(report.max_abs_error, c.abs_error);
    report.coordinates.push_back(c);
  }
  return report;
}

GradientCheckReport check_gradient(const ScalarFunction& f, const Vec& user_grad, const Vec& x,
                                   const GradientCheckOptions& options) {
  return compare_gradients(user_grad, gradient(f, x, options.diff), options);
}

std::string GradientCheckReport::summary(const std::vector<std::string>& names) const {
  if (worst < 0) return "gradient check passed (no coordinates)";
  const CoordinateCheck& c = coordinates[static_cast<std::size_t>(worst)];
  const std::string name = static_cast<std::size_t>(worst) < names.size()
                               ? names[static_cast<std::size_t>(worst)]
                               : fmt::format("coordinate {}", worst);
  return fmt::format(
      "gradient check {}: worst {} (user {:.10g}, numerical {:.10g}, rel. error "
      "{:.2e} {} {:.0e})",
      ok ? "passed" : "failed", name, c.user, c.numerical, c.rel_error, c.ok ? "<=" : ">",
      tolerance);
}

}  // namespace descent::numdiff
