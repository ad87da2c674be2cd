// The frame, ticks, labels, titles and legend of a panel, and text drawing.
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "painter.hpp"

namespace descent::plot::detail {

namespace {

// "10^-3" -> {"10", "-3"}; anything else -> {text, ""}.
std::pair<std::string, std::string> split_power(const std::string& text) {
  const auto caret = text.find('^');
  if (caret == std::string::npos) return {text, ""};
  return {text.substr(0, caret), text.substr(caret + 1)};
}

}  // namespace

double Painter::text_width(const std::string& s, double size, bool bold, bool rich) {
  cairo_select_font_face(cr_, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  auto width = [&](const std::string& piece, double piece_size) {
    cairo_set_font_size(cr_, piece_size);
    cairo_text_extents_t extents;
    cairo_text_extents(cr_, piece.c_str(), &extents);
    return extents.x_advance;
  };
  if (!rich) return width(s, size);
  const auto [base, exponent] = split_power(s);
  return width(base, size) + (exponent.empty() ? 0.0 : width(exponent, 0.72 * size));
}

void Painter::text(const std::string& s, double x, double y, double size, Align h, Align v, bool bold,
                   bool rich, double angle) {
  if (s.empty()) return;
  const double w = text_width(s, size, bold, rich);
  // Cap height of sans-serif is about 0.72 em; anchor vertically on it.
  const double cap = 0.72 * size;
  const double dx = h == Align::start ? 0.0 : (h == Align::middle ? -w / 2 : -w);
  const double dy = v == Align::start ? cap : (v == Align::middle ? cap / 2 : 0.0);
  cairo_save(cr_);
  cairo_translate(cr_, x, y);
  cairo_rotate(cr_, angle);
  cairo_set_source_rgb(cr_, 0.1, 0.1, 0.1);
  const auto [base, exponent] = rich ? split_power(s) : std::pair<std::string, std::string>{s, ""};
  cairo_set_font_size(cr_, size);
  cairo_move_to(cr_, dx, dy);
  cairo_show_text(cr_, base.c_str());
  if (!exponent.empty()) {
    cairo_set_font_size(cr_, 0.72 * size);
    cairo_rel_move_to(cr_, 0.0, -0.42 * size);
    cairo_show_text(cr_, exponent.c_str());
  }
  cairo_restore(cr_);
}

void Painter::axes(const Panel& panel, const PanelLayout& pl) {
  const Rect& r = pl.plot;
  const double tick_size = 11.5 * s_;
  const double tick_len = 5.0 * s_;
  cairo_set_line_width(cr_, 1.0 * s_);
  // Light grid lines at the ticks (under nothing: drawn after the data but faint) only for
  // panels without a colour map.
  if (!panel.fill) {
    cairo_set_source_rgba(cr_, 0.0, 0.0, 0.0, 0.08);
    for (const auto& t : pl.x_ticks) {
      const double px = std::round(pl.px_x(t.value)) + 0.5;
      cairo_move_to(cr_, px, r.y);
      cairo_line_to(cr_, px, r.y + r.h);
    }
    for (const auto& t : pl.y_ticks) {
      const double py = std::round(pl.px_y(t.value)) + 0.5;
      cairo_move_to(cr_, r.x, py);
      cairo_line_to(cr_, r.x + r.w, py);
    }
    cairo_stroke(cr_);
  }
  cairo_set_source_rgb(cr_, 0.2, 0.2, 0.2);
  cairo_rectangle(cr_, r.x, r.y, r.w, r.h);
  cairo_stroke(cr_);
  ++report_.shapes;
  for (const auto& t : pl.x_ticks) {
    const double px = pl.px_x(t.value);
    if (px < r.x - 0.5 || px > r.x + r.w + 0.5) continue;
    cairo_move_to(cr_, px, r.y + r.h);
    cairo_line_to(cr_, px, r.y + r.h + tick_len);
    cairo_stroke(cr_);
    report_.texts.push_back("tick: " + t.label);
    text(t.label, px, r.y + r.h + tick_len + 3.0 * s_, tick_size, Align::middle, Align::start, false, true);
  }
  for (const auto& t : pl.y_ticks) {
    const double py = pl.px_y(t.value);
    if (py < r.y - 0.5 || py > r.y + r.h + 0.5) continue;
    cairo_move_to(cr_, r.x - tick_len, py);
    cairo_line_to(cr_, r.x, py);
    cairo_stroke(cr_);
    report_.texts.push_back("tick: " + t.label);
    text(t.label, r.x - tick_len - 3.0 * s_, py, tick_size, Align::end, Align::middle, false, true);
  }
  if (!panel.x.label.empty()) {
    report_.texts.push_back("xlabel: " + panel.x.label);
    text(panel.x.label, r.x + r.w / 2, r.y + r.h + tick_len + 20.0 * s_, 13.0 * s_, Align::middle,
         Align::start);
  }
  if (!panel.y.label.empty()) {
    double widest = 0.0;
    for (const auto& t : pl.y_ticks) widest = std::max(widest, text_width(t.label, tick_size, false, true));
    const double size = 13.0 * s_;
    const double x = std::max(r.x - tick_len - widest - 10.0 * s_, pl.outer.x + size);
    report_.texts.push_back("ylabel: " + panel.y.label);
    text(panel.y.label, x, r.y + r.h / 2, size, Align::middle, Align::end, false, false, -std::numbers::pi / 2);
  }
  if (!panel.title.empty()) {
    report_.texts.push_back("title: " + panel.title);
    // Long titles shrink to the panel's width (down to 9 px) rather than run off the page.
    double size = 14.0 * s_;
    const double room = pl.outer.w - 8.0 * s_;
    const double width = text_width(panel.title, size, true);
    if (width > room) size = std::max(9.0 * s_, size * room / width);
    const double half = std::min(text_width(panel.title, size, true), room) / 2;
    const double cx = std::clamp(r.x + r.w / 2, pl.outer.x + 4.0 * s_ + half, pl.outer.x + pl.outer.w - 4.0 * s_ - half);
    text(panel.title, cx, r.y - 9.0 * s_, size, Align::middle, Align::end, true);
  }
}

double Painter::legend(const Panel& panel, const PanelLayout& pl) {
  struct Entry {
    std::string label;
    const Series* series = nullptr;
    const PointMark* point = nullptr;
  };
  std::vector<Entry> entries;
  for (const auto& s : panel.series) {
    if (!s.label.empty()) entries.push_back({s.label, &s, nullptr});
  }
  for (const auto& p : panel.points) {
    if (!p.label.empty()) entries.push_back({p.label, nullptr, &p});
  }
  if (entries.empty() || panel.legend == LegendPlace::none) return pl.legend.y;

  const double size = 11.5 * s_;
  const double row = 17.0 * s_;
  const double pad = 6.0 * s_;
  const double sample = 26.0 * s_;
  double text_w = 0.0;
  for (const auto& e : entries) text_w = std::max(text_w, text_width(e.label, size));
  const double box_w = pad * 3 + sample + text_w;
  const double box_h = pad * 2 + row * static_cast<double>(entries.size());
  const Rect& r = pl.plot;
  const double m = 8.0 * s_;
  const std::array<Rect, 4> corners{{
      {r.x + r.w - box_w - m, r.y + m, box_w, box_h},  // upper right
      {r.x + m, r.y + m, box_w, box_h},                // upper left
      {r.x + m, r.y + r.h - box_h - m, box_w, box_h},  // lower left
      {r.x + r.w - box_w - m, r.y + r.h - box_h - m, box_w, box_h},  // lower right
  }};
  std::size_t choice = 0;
  switch (panel.legend) {
    case LegendPlace::upper_left: choice = 1; break;
    case LegendPlace::lower_left: choice = 2; break;
    case LegendPlace::lower_right: choice = 3; break;
    case LegendPlace::best: {
      // The corner that hides the fewest samples of the drawn data (paths sampled every few px).
      std::array<std::size_t, 4> hits{};
      auto count = [&](const Point2& p) {
        for (std::size_t c = 0; c < 4; ++c) hits[c] += grown(corners[c], 4.0 * s_).contains(p.x, p.y) ? 1 : 0;
      };
      for (const auto& s : panel.series) {
        Point2 prev{NAN, NAN};
        for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
          const Point2 p = pl.to_pixel(s.x[i], s.y[i]);
          if (finite(p) && finite(prev)) {
            const double len = std::hypot(p.x - prev.x, p.y - prev.y);
            const int pieces = static_cast<int>(std::min(len / (4.0 * s_), 400.0));
            for (int k = 1; k < pieces; ++k) {
              const double t = static_cast<double>(k) / pieces;
              count({prev.x + t * (p.x - prev.x), prev.y + t * (p.y - prev.y)});
            }
          }
          if (finite(p)) count(p);
          prev = p;
        }
      }
      for (const auto& p : panel.points) {
        for (int k = 0; k < 20; ++k) count(pl.to_pixel(p.x, p.y));  // never hide a marked point
      }
      choice = static_cast<std::size_t>(std::min_element(hits.begin(), hits.end()) - hits.begin());
      break;
    }
    default: break;
  }
  const Rect box = panel.legend == LegendPlace::outside ? Rect{pl.legend.x, pl.legend.y, box_w, box_h}
                                                        : corners[choice];
  cairo_set_source_rgba(cr_, 1.0, 1.0, 1.0, 0.88);
  cairo_rectangle(cr_, box.x, box.y, box.w, box.h);
  cairo_fill_preserve(cr_);
  cairo_set_source_rgba(cr_, 0.0, 0.0, 0.0, 0.35);
  cairo_set_line_width(cr_, 0.8 * s_);
  cairo_stroke(cr_);
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const Entry& e = entries[k];
    const double cy = box.y + pad + row * (static_cast<double>(k) + 0.5);
    const double x0 = box.x + pad;
    if (e.series != nullptr) {
      const Series& s = *e.series;
      if (s.line_width > 0.0) {
        set_color(s.color);
        cairo_set_line_width(cr_, s.line_width * s_);
        if (s.dashed) {
          const std::array<double, 2> dash{6.0 * s_, 4.0 * s_};
          cairo_set_dash(cr_, dash.data(), 2, 0.0);
        }
        cairo_move_to(cr_, x0, cy);
        cairo_line_to(cr_, x0 + sample, cy);
        cairo_stroke(cr_);
        cairo_set_dash(cr_, nullptr, 0, 0.0);
      }
      if (s.marker != Marker::none) {
        marker(s.marker, x0 + sample / 2, cy, s.marker_size * s_, s.color, s.halo ? kWhite : s.color);
      }
    } else {
      const PointMark& p = *e.point;
      marker(p.marker, x0 + sample / 2, cy, std::min(p.size, 6.0) * s_, p.fill, p.edge);
    }
    report_.texts.push_back("legend: " + e.label);
    report_.legend.push_back(e.label);
    text(e.label, x0 + sample + pad, cy, size, Align::start, Align::middle);
  }
  return box.y + box.h;
}

void Painter::colorbar(const Panel& panel, const PanelLayout& pl, double top) {
  const auto& levels = panel.fill->levels;
  if (levels.empty()) return;
  const double size = 11.0 * s_;
  const double title_y = top + 22.0 * s_;
  const double y0 = title_y + 10.0 * s_;
  const double y1 = pl.plot.y + pl.plot.h;
  if (y1 - y0 < 60.0 * s_) return;  // no room under the legend
  const double x0 = pl.legend.x + 4.0 * s_;
  const double bar_w = 14.0 * s_;
  report_.texts.push_back("colorbar: " + panel.colorbar);
  text(panel.colorbar, x0, title_y, size, Align::start, Align::end);
  // Bands bottom (lowest) to top, equally tall whatever the level spacing; edges labelled.
  const std::size_t bands = levels.size() + 1;
  const double band_h = (y1 - y0) / static_cast<double>(bands);
  for (std::size_t b = 0; b < bands; ++b) {
    set_color(viridis(static_cast<double>(b) / static_cast<double>(levels.size())).mix(kWhite, panel.fill->lighten));
    cairo_rectangle(cr_, x0, y1 - band_h * static_cast<double>(b + 1), bar_w, band_h + 0.5);
    cairo_fill(cr_);
  }
  cairo_set_source_rgb(cr_, 0.2, 0.2, 0.2);
  cairo_set_line_width(cr_, 0.8 * s_);
  cairo_rectangle(cr_, x0, y0, bar_w, y1 - y0);
  cairo_stroke(cr_);
  ++report_.shapes;
  // About one label per 28 px.
  const std::size_t every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(28.0 * s_ / band_h)));
  for (std::size_t k = 0; k < levels.size(); k += every) {
    const double y = y1 - band_h * static_cast<double>(k + 1);
    cairo_move_to(cr_, x0 + bar_w, y);
    cairo_line_to(cr_, x0 + bar_w + 3.0 * s_, y);
    cairo_stroke(cr_);
    text(fmt::format("{:.3g}", levels[k]), x0 + bar_w + 5.0 * s_, y, size * 0.95, Align::start, Align::middle);
  }
}

}  // namespace descent::plot::detail
