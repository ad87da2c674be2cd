// Colours for pictures: an RGBA value, the viridis colour map, and a categorical palette whose
// colours stand out on viridis. Example: Color c = viridis(0.5); Color path = palette(2);
#pragma once

#include <cstddef>
#include <string>

namespace descent::plot {

struct Color {
  double r = 0.0;
  double g = 0.0;
  double b = 0.0;
  double a = 1.0;

  Color with_alpha(double alpha) const { return {r, g, b, alpha}; }
  // Linear blend towards `other` by t in [0, 1].
  Color mix(const Color& other, double t) const;
  std::string hex() const;  // "#rrggbb"
};

inline constexpr Color kBlack{0.0, 0.0, 0.0, 1.0};
inline constexpr Color kWhite{1.0, 1.0, 1.0, 1.0};
inline constexpr Color kGrey{0.45, 0.45, 0.45, 1.0};

// Viridis (matplotlib's perceptually uniform map), t clamped to [0, 1]: dark purple -> yellow.
Color viridis(double t);

// The i-th colour of a categorical palette (cycles): red, orange, magenta, black, cyan, brown,
// white-ish grey... chosen to read on both white and viridis backgrounds.
Color palette(std::size_t i);

}  // namespace descent::plot
