// Draws panels onto a Cairo context: the private half of render.cpp.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include <cairo.h>

#include "descent/plot/figure.hpp"
#include "descent/plot/layout.hpp"
#include "descent/plot/render.hpp"

namespace descent::plot::detail {

inline bool finite(const Point2& p) { return std::isfinite(p.x) && std::isfinite(p.y); }

inline Rect grown(const Rect& r, double margin) {
  return {r.x - margin, r.y - margin, r.w + 2 * margin, r.h + 2 * margin};
}

enum class Align { start, middle, end };

class Painter {
 public:
  Painter(cairo_t* cr, double scale, RenderReport& report) : cr_(cr), s_(scale), report_(report) {}

  void background(double width, double height);
  void figure_title(const std::string& title, double width);
  void panel(const Panel& panel, const PanelLayout& pl);

 private:
  void contour_fill(const ContourFill& fill, const PanelLayout& pl);
  void contour_lines(const Panel& panel, const PanelLayout& pl);
  void arrows(const Panel& panel, const PanelLayout& pl);
  void series(const Series& s, const PanelLayout& pl, bool halo_pass);
  void point(const PointMark& p, const PanelLayout& pl);
  void axes(const Panel& panel, const PanelLayout& pl);
  // Returns the bottom of the legend box (its top when there is no legend).
  double legend(const Panel& panel, const PanelLayout& pl);
  void colorbar(const Panel& panel, const PanelLayout& pl, double top);

  // A polyline in pixels, clipped to `clip` grown by a margin, broken at non-finite points.
  void stroke_pixels(const std::vector<Point2>& pixels, const Rect& clip);
  void marker(Marker kind, double x, double y, double radius, const Color& fill, const Color& edge);
  void set_color(const Color& c) { cairo_set_source_rgba(cr_, c.r, c.g, c.b, c.a); }

  // Text with its anchor at (x, y); "10^-3" style labels get a raised exponent when `rich`.
  void text(const std::string& s, double x, double y, double size, Align h, Align v, bool bold = false,
            bool rich = false, double angle = 0.0);
  double text_width(const std::string& s, double size, bool bold = false, bool rich = false);

  cairo_t* cr_;
  double s_;
  RenderReport& report_;
};

}  // namespace descent::plot::detail
