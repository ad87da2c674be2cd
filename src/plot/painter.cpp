#include "painter.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace descent::plot::detail {

namespace {

constexpr double kPi = std::numbers::pi;

// Liang-Barsky: clips segment a-b to the rectangle; false when nothing is left.
bool clip_segment(Point2& a, Point2& b, const Rect& r) {
  double t0 = 0.0, t1 = 1.0;
  const double dx = b.x - a.x, dy = b.y - a.y;
  const std::array<double, 4> p{-dx, dx, -dy, dy};
  const std::array<double, 4> q{a.x - r.x, r.x + r.w - a.x, a.y - r.y, r.y + r.h - a.y};
  for (int k = 0; k < 4; ++k) {
    if (p[k] == 0.0) {
      if (q[k] < 0.0) return false;
      continue;
    }
    const double t = q[k] / p[k];
    if (p[k] < 0.0) {
      t0 = std::max(t0, t);
    } else {
      t1 = std::min(t1, t);
    }
    if (t0 > t1) return false;
  }
  const Point2 start{a.x + t0 * dx, a.y + t0 * dy};
  b = {a.x + t1 * dx, a.y + t1 * dy};
  a = start;
  return true;
}

}  // namespace

void Painter::background(double width, double height) {
  cairo_set_source_rgb(cr_, 1.0, 1.0, 1.0);
  cairo_rectangle(cr_, 0, 0, width, height);
  cairo_fill(cr_);
}

void Painter::figure_title(const std::string& title, double width) {
  if (title.empty()) return;
  report_.texts.push_back("figure: " + title);
  text(title, width / 2.0, 8.0 * s_, 16.0 * s_, Align::middle, Align::start, true);
}

void Painter::panel(const Panel& panel, const PanelLayout& pl) {
  cairo_save(cr_);
  cairo_rectangle(cr_, pl.plot.x, pl.plot.y, pl.plot.w, pl.plot.h);
  cairo_clip(cr_);
  if (panel.fill) contour_fill(*panel.fill, pl);
  contour_lines(panel, pl);
  arrows(panel, pl);
  // Every halo first, then every line: a later path's halo never hides an earlier path.
  for (const auto& s : panel.series) series(s, pl, true);
  for (const auto& s : panel.series) series(s, pl, false);
  for (const auto& p : panel.points) point(p, pl);
  cairo_restore(cr_);
  axes(panel, pl);
  const double below_legend = legend(panel, pl);
  if (panel.fill && !panel.colorbar.empty() && pl.legend.w > 0.0) colorbar(panel, pl, below_legend);
}

void Painter::contour_fill(const ContourFill& fill, const PanelLayout& pl) {
  const int w = std::max(1, static_cast<int>(std::ceil(pl.plot.w)));
  const int h = std::max(1, static_cast<int>(std::ceil(pl.plot.h)));
  cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  const int stride = cairo_image_surface_get_stride(image);
  unsigned char* data = cairo_image_surface_get_data(image);
  const double bands = static_cast<double>(std::max<std::size_t>(fill.levels.size(), 1));
  auto pack = [](const Color& c) {
    auto byte = [](double v) { return static_cast<std::uint32_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255)); };
    return (byte(c.r) << 16) | (byte(c.g) << 8) | byte(c.b);
  };
  std::vector<std::uint32_t> band_colors;
  for (std::size_t b = 0; b <= fill.levels.size(); ++b) {
    band_colors.push_back(pack(viridis(static_cast<double>(b) / bands).mix(kWhite, fill.lighten)));
  }
  const std::uint32_t missing = pack({0.85, 0.85, 0.85, 1.0});
  for (int row = 0; row < h; ++row) {
    auto* line = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(row) * stride);
    const double y = pl.y_hi - (row + 0.5) / pl.plot.h * (pl.y_hi - pl.y_lo);
    for (int col = 0; col < w; ++col) {
      const double x = pl.x_lo + (col + 0.5) / pl.plot.w * (pl.x_hi - pl.x_lo);
      const double v = fill.grid.interpolate(x, y);
      if (!std::isfinite(v)) {
        line[col] = missing;
        continue;
      }
      const auto band = std::upper_bound(fill.levels.begin(), fill.levels.end(), v) - fill.levels.begin();
      line[col] = band_colors[static_cast<std::size_t>(band)];
    }
  }
  cairo_surface_mark_dirty(image);
  cairo_set_source_surface(cr_, image, pl.plot.x, pl.plot.y);
  cairo_paint(cr_);
  cairo_surface_destroy(image);
  ++report_.shapes;
}

void Painter::contour_lines(const Panel& panel, const PanelLayout& pl) {
  if (panel.contours.empty()) return;
  set_color(panel.contour_color);
  cairo_set_line_width(cr_, 0.8 * s_);
  cairo_set_line_join(cr_, CAIRO_LINE_JOIN_ROUND);
  for (const auto& level : panel.contours) {
    for (const auto& line : level.lines) {
      std::vector<Point2> pixels;
      pixels.reserve(line.size());
      for (const auto& p : line) pixels.push_back(pl.to_pixel(p.x, p.y));
      stroke_pixels(pixels, pl.plot);
    }
  }
}

void Painter::arrows(const Panel& panel, const PanelLayout& pl) {
  set_color(panel.arrow_color);
  cairo_set_line_width(cr_, 1.1 * s_);
  cairo_set_line_cap(cr_, CAIRO_LINE_CAP_ROUND);
  for (const auto& a : panel.arrows) {
    const Point2 p0 = pl.to_pixel(a.x, a.y);
    const Point2 p1 = pl.to_pixel(a.x + a.dx, a.y + a.dy);
    const double len = std::hypot(p1.x - p0.x, p1.y - p0.y);
    if (!(len > 1.0) || !finite(p0) || !finite(p1)) continue;
    const double head = std::min(0.4 * len, 6.0 * s_);
    const double angle = std::atan2(p1.y - p0.y, p1.x - p0.x);
    cairo_move_to(cr_, p0.x, p0.y);
    cairo_line_to(cr_, p1.x, p1.y);
    cairo_stroke(cr_);
    cairo_move_to(cr_, p1.x, p1.y);
    cairo_line_to(cr_, p1.x - head * std::cos(angle - 0.45), p1.y - head * std::sin(angle - 0.45));
    cairo_line_to(cr_, p1.x - head * std::cos(angle + 0.45), p1.y - head * std::sin(angle + 0.45));
    cairo_close_path(cr_);
    cairo_fill(cr_);
    ++report_.shapes;
  }
  cairo_set_line_cap(cr_, CAIRO_LINE_CAP_BUTT);
}

void Painter::stroke_pixels(const std::vector<Point2>& pixels, const Rect& clip) {
  const Rect box = grown(clip, 20.0 * s_);
  bool open = false;
  for (std::size_t i = 0; i + 1 < pixels.size(); ++i) {
    Point2 a = pixels[i], b = pixels[i + 1];
    if (!finite(a) || !finite(b)) {
      open = false;
      continue;
    }
    const Point2 a0 = a;
    if (!clip_segment(a, b, box)) {
      open = false;
      continue;
    }
    if (!open || a.x != a0.x || a.y != a0.y) cairo_move_to(cr_, a.x, a.y);
    cairo_line_to(cr_, b.x, b.y);
    open = b.x == pixels[i + 1].x && b.y == pixels[i + 1].y;
  }
  cairo_stroke(cr_);
  ++report_.shapes;
}

void Painter::series(const Series& s, const PanelLayout& pl, bool halo_pass) {
  std::vector<Point2> pixels;
  const std::size_t n = std::min(s.x.size(), s.y.size());
  pixels.reserve(n);
  for (std::size_t i = 0; i < n; ++i) pixels.push_back(pl.to_pixel(s.x[i], s.y[i]));
  cairo_set_line_join(cr_, CAIRO_LINE_JOIN_ROUND);
  if (halo_pass) {
    if (s.halo && s.line_width > 0.0) {
      cairo_set_source_rgba(cr_, 1.0, 1.0, 1.0, 0.75);
      cairo_set_line_width(cr_, (s.line_width + 2.2) * s_);
      stroke_pixels(pixels, pl.plot);
    }
    return;
  }
  if (s.line_width > 0.0) {
    set_color(s.color);
    cairo_set_line_width(cr_, s.line_width * s_);
    if (s.dashed) {
      const std::array<double, 2> dash{6.0 * s_, 4.0 * s_};
      cairo_set_dash(cr_, dash.data(), 2, 0.0);
    }
    stroke_pixels(pixels, pl.plot);
    cairo_set_dash(cr_, nullptr, 0, 0.0);
  }
  if (s.marker == Marker::none) return;
  // Markers on long paths would merge into a band: show at most about 120, evenly spread.
  const std::size_t stride = std::max<std::size_t>(1, n / 120);
  const Rect box = grown(pl.plot, 10.0);
  for (std::size_t i = 0; i < n; i += stride) {
    if (!finite(pixels[i]) || !box.contains(pixels[i].x, pixels[i].y)) continue;
    marker(s.marker, pixels[i].x, pixels[i].y, s.marker_size * s_, s.color, s.halo ? kWhite : s.color);
  }
}

void Painter::point(const PointMark& p, const PanelLayout& pl) {
  const Point2 px = pl.to_pixel(p.x, p.y);
  if (!finite(px)) return;
  marker(p.marker, px.x, px.y, p.size * s_, p.fill, p.edge);
}

void Painter::marker(Marker kind, double x, double y, double r, const Color& fill, const Color& edge) {
  cairo_new_path(cr_);
  switch (kind) {
    case Marker::none: return;
    case Marker::circle: cairo_arc(cr_, x, y, r, 0, 2 * kPi); break;
    case Marker::square: cairo_rectangle(cr_, x - 0.85 * r, y - 0.85 * r, 1.7 * r, 1.7 * r); break;
    case Marker::triangle:
      cairo_move_to(cr_, x, y - 1.15 * r);
      cairo_line_to(cr_, x + r, y + 0.75 * r);
      cairo_line_to(cr_, x - r, y + 0.75 * r);
      cairo_close_path(cr_);
      break;
    case Marker::diamond:
      cairo_move_to(cr_, x, y - 1.2 * r);
      cairo_line_to(cr_, x + r, y);
      cairo_line_to(cr_, x, y + 1.2 * r);
      cairo_line_to(cr_, x - r, y);
      cairo_close_path(cr_);
      break;
    case Marker::star:
      for (int k = 0; k < 10; ++k) {
        const double radius = (k % 2 == 0) ? 1.3 * r : 0.55 * r;
        const double angle = -kPi / 2 + k * kPi / 5;
        if (k == 0) {
          cairo_move_to(cr_, x + radius * std::cos(angle), y + radius * std::sin(angle));
        } else {
          cairo_line_to(cr_, x + radius * std::cos(angle), y + radius * std::sin(angle));
        }
      }
      cairo_close_path(cr_);
      break;
    case Marker::cross:
      cairo_move_to(cr_, x - r, y - r);
      cairo_line_to(cr_, x + r, y + r);
      cairo_move_to(cr_, x + r, y - r);
      cairo_line_to(cr_, x - r, y + r);
      set_color(edge);
      cairo_set_line_width(cr_, 1.6 * s_);
      cairo_stroke(cr_);
      ++report_.shapes;
      return;
  }
  set_color(fill);
  cairo_fill_preserve(cr_);
  set_color(edge);
  cairo_set_line_width(cr_, 1.0 * s_);
  cairo_stroke(cr_);
  ++report_.shapes;
}

}  // namespace descent::plot::detail
