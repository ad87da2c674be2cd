// Axis ticks: "nice" 1-2-5 steps on a linear axis, decades (with 2 and 5 when few) on a log
// axis, and their labels. Example: auto ticks = linear_ticks(-2.0, 3.0);  // -2, -1, 0, 1, 2, 3
#pragma once

#include <string>
#include <vector>

namespace descent::plot {

struct Tick {
  double value = 0.0;
  std::string label{};  // "0.5", "-2", "1e+06"; on log axes powers of ten read "10^-3"
};

// The 1-2-5 step (times a power of ten) that puts about `target` ticks in [lo, hi].
double nice_step(double lo, double hi, int target = 6);

// Ticks at multiples of nice_step inside [lo, hi] (inclusive up to rounding), labelled with just
// enough decimals for the step. lo < hi required; otherwise a single tick at lo.
std::vector<Tick> linear_ticks(double lo, double hi, int target = 6);

// Ticks for a log10 axis over [lo, hi] (both > 0): every power of ten inside (thinned when
// there are many), plus 2x and 5x when the range spans fewer than three decades.
std::vector<Tick> log_ticks(double lo, double hi);

// [lo, hi] widened outward to multiples of the nice step (linear) so data never touches the frame.
void nice_limits(double& lo, double& hi, int target = 6);

// Formats a tick value with `decimals` digits after the point, or in e-notation for very large
// and very small magnitudes; never prints "-0".
std::string tick_label(double value, double step);

}  // namespace descent::plot
