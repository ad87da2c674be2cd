// The scene graph of a picture: a Figure holds Panels (axes), each a list of items in data
// coordinates (lines, markers, filled contours, contour lines, arrows). Nothing here draws;
// render.hpp turns a Figure into SVG, PNG or PDF, and layout.hpp maps data to pixels, so tests
// can inspect exactly what is drawn. Example: Figure fig; Panel& p = fig.add_panel("f(x)");
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "descent/plot/color.hpp"
#include "descent/plot/contour.hpp"

namespace descent::plot {

enum class Marker { none, circle, square, triangle, diamond, star, cross };

// A polyline through (x[i], y[i]) and/or a marker at each point. Non-finite points break the
// line. An empty label keeps the series out of the legend.
struct Series {
  std::vector<double> x{};
  std::vector<double> y{};
  Color color = kBlack;
  double line_width = 1.6;  // 0: markers only
  bool dashed = false;
  bool halo = false;        // a white outline under the line, so it reads on a colour map
  Marker marker = Marker::none;
  double marker_size = 3.5;  // radius in px
  std::string label{};
};

// One marked point (a start, a known minimizer).
struct PointMark {
  double x = 0.0;
  double y = 0.0;
  Marker marker = Marker::circle;
  Color fill = kWhite;
  Color edge = kBlack;
  double size = 6.0;  // radius in px
  std::string label{};  // legend entry when non-empty
};

// An arrow from (x, y) by (dx, dy), both in data units.
struct Arrow {
  double x = 0.0;
  double y = 0.0;
  double dx = 0.0;
  double dy = 0.0;
};

// Filled bands between consecutive levels of a grid, coloured by viridis (band index / bands),
// lightened towards white by `lighten` so paths drawn on top stay readable.
struct ContourFill {
  Grid grid{};
  std::vector<double> levels{};
  double lighten = 0.2;
};

// The iso-lines of one level, already traced (marching squares).
struct ContourLine {
  double level = 0.0;
  std::vector<Polyline> lines{};
};

struct Axis {
  std::string label{};
  double lo = std::numeric_limits<double>::quiet_NaN();  // NaN: from the data
  double hi = std::numeric_limits<double>::quiet_NaN();
  bool log = false;

  bool fixed() const { return lo == lo && hi == hi; }
};

// Where the legend goes: inside the plot area (best: the corner hiding the least data), or
// outside, right of the plot area (room is reserved for it), or nowhere.
enum class LegendPlace { best, upper_right, upper_left, lower_left, lower_right, outside, none };

struct Panel {
  std::string title{};
  Axis x{};
  Axis y{};
  bool equal_aspect = false;  // one data unit is as long on x as on y (contour plots)
  std::optional<ContourFill> fill{};
  std::string colorbar{};  // non-empty: a colour bar of the fill's levels, titled by this text,
                           // drawn in the outside legend's column
  std::vector<ContourLine> contours{};
  Color contour_color{1.0, 1.0, 1.0, 0.55};
  std::vector<Arrow> arrows{};
  Color arrow_color{0.1, 0.1, 0.1, 0.55};
  std::vector<Series> series{};
  std::vector<PointMark> points{};
  LegendPlace legend = LegendPlace::best;

  Series& add_series(Series s) { return series.emplace_back(std::move(s)); }
  // Labels of the legend entries in drawing order (series first, then points).
  std::vector<std::string> legend_labels() const;
};

// The largest width or height save() draws (render.cpp refuses a bigger surface).
inline constexpr int kMaxPixels = 20000;

struct Figure {
  int width = 800;
  int height = 600;
  std::string title{};  // above all panels; empty for none
  std::size_t columns = 1;
  std::vector<Panel> panels{};

  Panel& add_panel(std::string panel_title = {});
};

}  // namespace descent::plot
