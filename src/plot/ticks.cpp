#include "descent/plot/ticks.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace descent::plot {

double nice_step(double lo, double hi, int target) {
  const double span = hi - lo;
  if (!(span > 0.0) || !std::isfinite(span)) return 1.0;
  const double raw = span / std::max(target, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  // Round the fraction to the nearest of 1, 2, 5, 10 (geometric midpoints).
  double nice = 10.0;
  if (fraction < std::sqrt(2.0)) {
    nice = 1.0;
  } else if (fraction < std::sqrt(10.0)) {
    nice = 2.0;
  } else if (fraction < std::sqrt(50.0)) {
    nice = 5.0;
  }
  return nice * magnitude;
}

std::string tick_label(double value, double step) {
  if (std::abs(value) < step * 1e-9) value = 0.0;
  const double magnitude = std::max(std::abs(value), step);
  if (magnitude >= 1e6 || magnitude < 1e-4) {
    std::string text = fmt::format("{:.3g}", value);
    return text == "-0" ? "0" : text;
  }
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text.find_first_not_of("-0.") == std::string::npos && text.front() == '-') text.erase(0, 1);
  return text;
}

std::vector<Tick> linear_ticks(double lo, double hi, int target) {
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {{lo, tick_label(lo, 1.0)}};
  const double step = nice_step(lo, hi, target);
  const double tolerance = step * 1e-6;
  std::vector<Tick> ticks;
  for (double k = std::ceil((lo - tolerance) / step); k * step <= hi + tolerance; k += 1.0) {
    const double value = k * step;
    ticks.push_back({value, tick_label(value, step)});
    if (ticks.size() > 100) break;
  }
  return ticks;
}

std::vector<Tick> log_ticks(double lo, double hi) {
  std::vector<Tick> ticks;
  if (!(lo > 0.0) || !(hi > lo) || !std::isfinite(hi)) return ticks;
  const double k_lo = std::ceil(std::log10(lo) - 1e-9);
  const double k_hi = std::floor(std::log10(hi) + 1e-9);
  const double decades = std::log10(hi) - std::log10(lo);
  // Show at most about eight powers of ten.
  const int stride = std::max(1, static_cast<int>(std::ceil((k_hi - k_lo + 1.0) / 8.0)));
  for (double k = k_lo; k <= k_hi; k += 1.0) {
    if (static_cast<long>(k - k_lo) % stride != 0) continue;
    ticks.push_back({std::pow(10.0, k), fmt::format("10^{}", static_cast<long>(k))});
  }
  if (decades < 3.0) {
    for (double k = std::floor(std::log10(lo)); k <= k_hi; k += 1.0) {
      for (double m : {2.0, 5.0}) {
        const double value = m * std::pow(10.0, k);
        if (value >= lo * (1 - 1e-9) && value <= hi * (1 + 1e-9)) {
          ticks.push_back({value, fmt::format("{:g}", value)});
        }
      }
    }
    std::sort(ticks.begin(), ticks.end(), [](const Tick& a, const Tick& b) { return a.value < b.value; });
  }
  if (ticks.size() < 3) {
    // Less than a decade: plain 1-2-5 ticks read better than one lonely power of ten.
    ticks.clear();
    for (const auto& t : linear_ticks(lo, hi, 5)) {
      if (t.value > 0.0) ticks.push_back(t);
    }
  }
  return ticks;
}

void nice_limits(double& lo, double& hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return;
  if (!(hi > lo)) {
    const double pad = lo == 0.0 ? 1.0 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double step = nice_step(lo, hi, target);
  lo = std::floor(lo / step + 1e-9) * step;
  hi = std::ceil(hi / step - 1e-9) * step;
}

}  // namespace descent::plot
