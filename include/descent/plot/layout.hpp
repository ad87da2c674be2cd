// Where things land on the page: each panel's rectangle, its plot area, its resolved axis ranges
// and the data -> pixel map (y grows downward in pixels). Rendering and tests share it.
// Example: auto fl = layout(fig); Point2 px = fl.panels[0].to_pixel(1.0, 2.0);
#pragma once

#include <vector>

#include "descent/plot/contour.hpp"
#include "descent/plot/figure.hpp"
#include "descent/plot/ticks.hpp"

namespace descent::plot {

struct Rect {
  double x = 0.0;
  double y = 0.0;
  double w = 0.0;
  double h = 0.0;

  bool contains(double px, double py) const { return px >= x && px <= x + w && py >= y && py <= y + h; }
};

struct PanelLayout {
  Rect outer{};  // the panel's share of the figure
  Rect plot{};    // the framed plot area inside it
  Rect legend{};  // reserved right of the plot for LegendPlace::outside (w = 0 otherwise)
  double x_lo = 0.0, x_hi = 1.0, y_lo = 0.0, y_hi = 1.0;  // resolved data ranges
  bool x_log = false, y_log = false;
  std::vector<Tick> x_ticks{};
  std::vector<Tick> y_ticks{};

  // Data -> pixel; log axes map log10 of the value (non-positive values go far off the area).
  Point2 to_pixel(double x, double y) const;
  double px_x(double x) const;
  double px_y(double y) const;
};

struct FigureLayout {
  double scale = 1.0;  // text and line scale for the figure size (1 at 800 x 600)
  std::vector<PanelLayout> panels{};
};

// Resolves ranges (fixed ones as given; others from the finite data, widened to nice ticks)
// and places panels in `columns` columns below the figure title.
FigureLayout layout(const Figure& figure);

}  // namespace descent::plot
