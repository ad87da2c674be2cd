#include "descent/plot/layout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace descent::plot {

double PanelLayout::px_x(double x) const {
  const double u = x_log ? (std::log10(x) - std::log10(x_lo)) / (std::log10(x_hi) - std::log10(x_lo))
                         : (x - x_lo) / (x_hi - x_lo);
  if (std::isnan(u)) return u;
  return plot.x + (std::isfinite(u) ? u : (u > 0 ? 1e6 : -1e6)) * plot.w;
}

double PanelLayout::px_y(double y) const {
  const double v = y_log ? (std::log10(y) - std::log10(y_lo)) / (std::log10(y_hi) - std::log10(y_lo))
                         : (y - y_lo) / (y_hi - y_lo);
  if (std::isnan(v)) return v;
  return plot.y + plot.h - (std::isfinite(v) ? v : (v > 0 ? 1e6 : -1e6)) * plot.h;
}

Point2 PanelLayout::to_pixel(double x, double y) const { return {px_x(x), px_y(y)}; }

namespace {

struct Extent {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v, bool log) {
    if (!std::isfinite(v) || (log && v <= 0.0)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

// The range of one axis: fixed when given, else the data's, widened to nice limits.
void resolve_axis(const Axis& axis, Extent data, bool is_x, double& lo, double& hi) {
  if (axis.fixed()) {
    lo = axis.lo;
    hi = axis.hi;
    return;
  }
  if (data.empty()) data = axis.log ? Extent{1.0, 10.0} : Extent{0.0, 1.0};
  lo = data.lo;
  hi = data.hi;
  if (axis.log) {
    if (hi / lo < 10.0) {
      lo /= 1.15;
      hi *= 1.15;
    } else {
      lo = std::pow(10.0, std::floor(std::log10(lo) + 1e-9));
      hi = std::pow(10.0, std::ceil(std::log10(hi) - 1e-9));
    }
    return;
  }
  if (is_x && hi > lo) return;  // steps and epochs: exactly the data
  nice_limits(lo, hi);
}

double max_label_chars(const std::vector<Tick>& ticks) {
  std::size_t chars = 1;
  for (const auto& t : ticks) chars = std::max(chars, t.label.size());
  return static_cast<double>(chars);
}

}  // namespace

FigureLayout layout(const Figure& figure) {
  FigureLayout result;
  const double w = figure.width;
  const double h = figure.height;
  result.scale = std::clamp(std::min(w / 800.0, h / 600.0), 0.75, 2.5);
  const double s = result.scale;
  const double top = figure.title.empty() ? 0.0 : 30.0 * s;
  const std::size_t n = std::max<std::size_t>(figure.panels.size(), 1);
  const std::size_t columns = std::clamp<std::size_t>(figure.columns, 1, n);
  const std::size_t rows = (n + columns - 1) / columns;
  const double cell_w = w / static_cast<double>(columns);
  const double cell_h = (h - top) / static_cast<double>(rows);

  for (std::size_t k = 0; k < figure.panels.size(); ++k) {
    const Panel& panel = figure.panels[k];
    PanelLayout pl;
    pl.outer = {cell_w * static_cast<double>(k % columns), top + cell_h * static_cast<double>(k / columns),
                cell_w, cell_h};
    pl.x_log = panel.x.log;
    pl.y_log = panel.y.log;

    Extent ex, ey;
    for (const auto& series : panel.series) {
      for (std::size_t i = 0; i < std::min(series.x.size(), series.y.size()); ++i) {
        if (!std::isfinite(series.x[i]) || !std::isfinite(series.y[i])) continue;
        ex.add(series.x[i], pl.x_log);
        ey.add(series.y[i], pl.y_log);
      }
    }
    for (const auto& p : panel.points) {
      ex.add(p.x, pl.x_log);
      ey.add(p.y, pl.y_log);
    }
    resolve_axis(panel.x, ex, true, pl.x_lo, pl.x_hi);
    resolve_axis(panel.y, ey, false, pl.y_lo, pl.y_hi);
    pl.x_ticks = pl.x_log ? log_ticks(pl.x_lo, pl.x_hi) : linear_ticks(pl.x_lo, pl.x_hi, 7);
    pl.y_ticks = pl.y_log ? log_ticks(pl.y_lo, pl.y_hi) : linear_ticks(pl.y_lo, pl.y_hi, 6);

    // Margins: room for tick labels (about 0.6 em per character at 12 px) and axis labels.
    const double left = (18.0 + 7.5 * max_label_chars(pl.y_ticks) + (panel.y.label.empty() ? 0 : 20.0)) * s;
    const double bottom = (30.0 + (panel.x.label.empty() ? 0 : 20.0)) * s;
    const double head = (panel.title.empty() ? 14.0 : 34.0) * s;
    double right = 18.0 * s;
    double legend_w = 0.0;
    if (panel.legend == LegendPlace::outside) {
      // About 0.58 em per character of 11.5 px text, plus the sample line and padding.
      std::size_t chars = 0;
      for (const auto& label : panel.legend_labels()) chars = std::max(chars, label.size());
      legend_w = chars == 0 ? 0.0 : std::min((6.7 * static_cast<double>(chars) + 50.0) * s, 0.45 * pl.outer.w);
      if (panel.fill && !panel.colorbar.empty()) legend_w = std::max(legend_w, 110.0 * s);
      right += legend_w;
    }
    pl.plot = {pl.outer.x + left, pl.outer.y + head, std::max(pl.outer.w - left - right, 10.0),
               std::max(pl.outer.h - head - bottom, 10.0)};

    if (panel.equal_aspect && !pl.x_log && !pl.y_log) {
      // One data unit equally long on both axes, if that leaves a usable area (aspect within 1:3).
      const double data_aspect = (pl.y_hi - pl.y_lo) / (pl.x_hi - pl.x_lo);
      const double area_aspect = pl.plot.h / pl.plot.w;
      const double ratio = data_aspect / area_aspect;
      if (ratio > 1.0 / 3.0 && ratio < 3.0) {
        if (ratio > 1.0) {
          const double new_w = pl.plot.w / ratio;
          pl.plot.x += (pl.plot.w - new_w) / 2.0 * (legend_w > 0.0 ? 0.5 : 1.0);
          pl.plot.w = new_w;
        } else {
          const double new_h = pl.plot.h * ratio;
          pl.plot.y += (pl.plot.h - new_h) / 2.0;
          pl.plot.h = new_h;
        }
      }
    }
    if (legend_w > 0.0) pl.legend = {pl.plot.x + pl.plot.w + 10.0 * s, pl.plot.y, legend_w - 10.0 * s, pl.plot.h};
    result.panels.push_back(std::move(pl));
  }
  return result;
}

}  // namespace descent::plot
