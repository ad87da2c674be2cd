// A gradient checker (in the spirit of Ceres's GradientChecker): compares a user's gradient with
// central differences, coordinate by coordinate, and gives a verdict against a tolerance.
// Example: auto report = check_gradient(f, user_grad, x); if (!report.ok) std::cerr <<
// report.summary();
#pragma once

#include <string>
#include <vector>

#include "descent/core/types.hpp"
#include "descent/numdiff/numdiff.hpp"

namespace descent::numdiff {

struct GradientCheckOptions {
  // A coordinate fails when its relative error exceeds this.
  double tolerance = 1e-6;
  // relative error = |user - numerical| / max(|user|, |numerical|, floor). The floor makes the
  // test absolute for entries smaller than it: near a minimum the true gradient is ~0 and central
  // differences leave ~1e-9 of truncation error, which must not count as a 100% error.
  double floor = 1.0;
  DiffOptions diff{};
};

struct CoordinateCheck {
  Index index = 0;
  double user = 0.0;       // the gradient being checked
  double numerical = 0.0;  // the finite-difference estimate
  double abs_error = 0.0;
  double rel_error = 0.0;
  bool ok = true;
};

struct GradientCheckReport {
  std::vector<CoordinateCheck> coordinates{};  // one per coordinate, in order
  Index worst = -1;  // index of the largest relative error (-1 when n = 0)
  double max_abs_error = 0.0;
  double max_rel_error = 0.0;
  double tolerance = 0.0;  // the tolerance the verdict used
  bool ok = true;          // every coordinate within tolerance (and all finite)

  // Human-readable verdict, e.g. "gradient check failed: worst coordinate 2 (user 4, numerical
  // 3.999, rel. error 2.5e-4 > 1e-6)"; names[i] replaces "coordinate i" when given.
  std::string summary(const std::vector<std::string>& names = {}) const;
};

// Compares a user gradient with a numerical one computed from f at x.
GradientCheckReport check_gradient(const ScalarFunction& f, const Vec& user_grad, const Vec& x,
                                   const GradientCheckOptions& options = {});

// The same comparison for two gradients already computed (e.g. symbolic vs autodiff).
GradientCheckReport compare_gradients(const Vec& user_grad, const Vec& numerical_grad,
                                      const GradientCheckOptions& options = {});

}  // namespace descent::numdiff
