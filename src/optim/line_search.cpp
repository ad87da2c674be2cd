// The line searches' non-template part: torch's cubic interpolation (built with
// -ffp-contract=off, see CMakeLists.txt).
#include "line_search.hpp"

namespace descent::optim::detail {

double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2,
                         const double* bounds) {
  double lo = x1 <= x2 ? x1 : x2;
  double hi = x1 <= x2 ? x2 : x1;
  if (bounds) {
    lo = bounds[0];
    hi = bounds[1];
  }
  const double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
  const double d2_square = d1 * d1 - g1 * g2;
  if (d2_square >= 0) {
    const double d2 = std::sqrt(d2_square);
    double min_pos;
    if (x1 <= x2) {
      min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2));
    } else {
      min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    }
    return std::min(std::max(min_pos, lo), hi);
  }
  return (lo + hi) / 2.;
}

}  // namespace descent::optim::detail
