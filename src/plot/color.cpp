#include "descent/plot/color.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

namespace descent::plot {

Color Color::mix(const Color& other, double t) const {
  return {r + (other.r - r) * t, g + (other.g - g) * t, b + (other.b - b) * t, a + (other.a - a) * t};
}

std::string Color::hex() const {
  auto byte = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0)); };
  return fmt::format("#{:02x}{:02x}{:02x}", byte(r), byte(g), byte(b));
}

Color viridis(double t) {
  // 17 samples of matplotlib's viridis at t = 0, 1/16, ..., 1, linearly interpolated.
  static constexpr std::array<std::array<double, 3>, 17> kStops{{
      {0.267004, 0.004874, 0.329415}, {0.282327, 0.094955, 0.417331}, {0.278826, 0.175490, 0.483397},
      {0.258965, 0.251537, 0.524736}, {0.229739, 0.322361, 0.545706}, {0.199430, 0.387607, 0.554642},
      {0.172719, 0.448791, 0.557885}, {0.149039, 0.508051, 0.557250}, {0.127568, 0.566949, 0.550556},
      {0.120638, 0.625828, 0.533488}, {0.157851, 0.683765, 0.501686}, {0.246070, 0.738910, 0.452024},
      {0.369214, 0.788888, 0.382914}, {0.515992, 0.831158, 0.294279}, {0.678489, 0.863742, 0.189503},
      {0.845561, 0.887322, 0.099702}, {0.993248, 0.906157, 0.143936},
  }};
  if (!std::isfinite(t)) t = 0.0;
  const double u = std::clamp(t, 0.0, 1.0) * static_cast<double>(kStops.size() - 1);
  const auto i = std::min(static_cast<std::size_t>(u), kStops.size() - 2);
  const double w = u - static_cast<double>(i);
  const auto& lo = kStops[i];
  const auto& hi = kStops[i + 1];
  return {lo[0] + (hi[0] - lo[0]) * w, lo[1] + (hi[1] - lo[1]) * w, lo[2] + (hi[2] - lo[2]) * w, 1.0};
}

Color palette(std::size_t i) {
  static constexpr std::array<Color, 8> kColors{{
      {0.84, 0.15, 0.16, 1.0},  // red
      {1.00, 0.50, 0.05, 1.0},  // orange
      {0.89, 0.29, 0.76, 1.0},  // magenta
      {0.10, 0.10, 0.10, 1.0},  // near black
      {0.09, 0.75, 0.81, 1.0},  // cyan
      {0.55, 0.34, 0.29, 1.0},  // brown
      {0.12, 0.47, 0.71, 1.0},  // blue
      {0.58, 0.40, 0.74, 1.0},  // purple
  }};
  return kColors[i % kColors.size()];
}

}  // namespace descent::plot
