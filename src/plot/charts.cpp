#include "descent/plot/charts.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "descent/core/error.hpp"
#include "descent/plot/layout.hpp"

namespace descent::plot {

BatchFn batch_fn(symbolic::Program program) {
  auto shared = std::make_shared<symbolic::Program>(std::move(program));
  return [shared](const double* points, std::size_t n, double* out, double* grads) {
    shared->values(points, n, out, grads);
  };
}

namespace {

constexpr Color kGold{1.0, 0.82, 0.1, 1.0};

// The points of a run: its trace, or just the last point when no trace was kept.
std::vector<Vec> run_points(const RunSummary& summary) {
  std::vector<Vec> points;
  for (const auto& t : summary.trace) points.push_back(t.x);
  if (points.empty() && summary.x.size() > 0) points.push_back(summary.x);
  return points;
}

bool finite_vec(const Vec& v) { return v.size() > 0 && v.allFinite(); }

struct Box {
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo;
  double y_lo = x_lo, y_hi = -x_lo;
  void add(const Vec& p) {
    x_lo = std::min(x_lo, p[0]);
    x_hi = std::max(x_hi, p[0]);
    const double y = p.size() > 1 ? p[1] : p[0];
    y_lo = std::min(y_lo, y);
    y_hi = std::max(y_hi, y);
  }
  bool empty() const { return !(x_lo <= x_hi); }
};

// Widens [lo, hi] by margin * extent on each side; a degenerate extent grows to 1 (or |lo|/2).
void pad(double& lo, double& hi, double margin) {
  double extent = hi - lo;
  if (!(extent > 0.0)) {
    const double half = std::max(0.5, std::abs(lo) * 0.25);
    lo -= half;
    hi += half;
    extent = hi - lo;
  }
  lo -= margin * extent;
  hi += margin * extent;
}

// Samples the panel's contours on the grid and stores fill and lines.
void add_contours(Panel& panel, const FunctionView& view, const Range2& r, const PathsOptions& options) {
  const std::size_t n = std::clamp<std::size_t>(options.resolution, 8, 2000);
  Grid grid = Grid::sample(
      [&](const double* points, std::size_t count, double* out) { view.f(points, count, out, nullptr); },
      r.x_lo, r.x_hi, r.y_lo, r.y_hi, n, n);
  std::vector<double> levels = contour_levels(grid.values, options.levels, options.scale);
  if (options.contour_lines) {
    for (double level : levels) panel.contours.push_back({level, trace_contour(grid, level)});
  }
  panel.fill = ContourFill{std::move(grid), std::move(levels)};
}

// The negative gradient on a coarse grid; lengths compressed (square root of the magnitude
// relative to the largest) so both the steep walls and the flat valley show a direction.
void add_arrows(Panel& panel, const FunctionView& view, const Range2& r) {
  constexpr std::size_t kCells = 16;
  std::vector<double> points;
  for (std::size_t j = 0; j < kCells; ++j) {
    for (std::size_t i = 0; i < kCells; ++i) {
      points.push_back(r.x_lo + (r.x_hi - r.x_lo) * (static_cast<double>(i) + 0.5) / kCells);
      points.push_back(r.y_lo + (r.y_hi - r.y_lo) * (static_cast<double>(j) + 0.5) / kCells);
    }
  }
  const std::size_t n = kCells * kCells;
  std::vector<double> values(n), grads(2 * n);
  view.f(points.data(), n, values.data(), grads.data());
  const double cx = (r.x_hi - r.x_lo) / kCells;
  const double cy = (r.y_hi - r.y_lo) / kCells;
  double largest = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    const double len = std::hypot(grads[2 * k] / cx, grads[2 * k + 1] / cy);
    if (std::isfinite(len)) largest = std::max(largest, len);
  }
  if (!(largest > 0.0)) return;
  for (std::size_t k = 0; k < n; ++k) {
    const double gx = -grads[2 * k] / cx, gy = -grads[2 * k + 1] / cy;  // in cells
    const double len = std::hypot(gx, gy);
    if (!std::isfinite(len) || len <= 0.0) continue;
    const double cells = 0.8 * std::max(std::sqrt(len / largest), 0.25);
    panel.arrows.push_back({points[2 * k], points[2 * k + 1], gx / len * cells * cx, gy / len * cells * cy});
  }
}

// The start marker: one labelled "start" when all runs share it.
void add_starts(Panel& panel, const std::vector<LabeledRun>& runs, bool one_dimensional) {
  std::vector<PointMark> starts;
  for (const auto& run : runs) {
    if (run.summary.trace.empty()) continue;
    const auto& t = run.summary.trace.front();
    if (!finite_vec(t.x)) continue;
    PointMark mark{t.x[0], one_dimensional ? t.f : (t.x.size() > 1 ? t.x[1] : 0.0), Marker::circle,
                   kWhite, kBlack, 5.5, ""};
    const bool seen = std::any_of(starts.begin(), starts.end(),
                                  [&](const PointMark& p) { return p.x == mark.x && p.y == mark.y; });
    if (!seen) starts.push_back(mark);
  }
  if (starts.size() == 1) starts.front().label = "start";
  for (auto& s : starts) panel.points.push_back(s);
}

}  // namespace

Range2 range_from_runs(const std::vector<LabeledRun>& runs, const std::vector<Vec>& minimizers,
                       double margin) {
  constexpr std::size_t kEarly = 4;   // points per run that define the neighbourhood
  constexpr double kRunaway = 3.0;    // points beyond this many extents are left out
  Box base;
  for (const auto& m : minimizers) {
    if (finite_vec(m)) base.add(m);
  }
  for (const auto& run : runs) {
    const auto points = run_points(run.summary);
    for (std::size_t k = 0; k < std::min(points.size(), kEarly); ++k) {
      if (finite_vec(points[k])) base.add(points[k]);
    }
  }
  if (base.empty()) return {};
  const double ex = std::max(base.x_hi - base.x_lo, 1e-9), ey = std::max(base.y_hi - base.y_lo, 1e-9);
  const double e = std::max(ex, ey);
  Box box = base;
  for (const auto& run : runs) {
    for (const auto& p : run_points(run.summary)) {
      if (!finite_vec(p)) continue;
      const double y = p.size() > 1 ? p[1] : p[0];
      if (p[0] < base.x_lo - kRunaway * e || p[0] > base.x_hi + kRunaway * e ||
          y < base.y_lo - kRunaway * e || y > base.y_hi + kRunaway * e) {
        continue;
      }
      box.add(p);
    }
  }
  Range2 r{box.x_lo, box.x_hi, box.y_lo, box.y_hi};
  pad(r.x_lo, r.x_hi, margin);
  pad(r.y_lo, r.y_hi, margin);
  return r;
}

Panel contour_panel(const FunctionView& view, const std::vector<LabeledRun>& runs,
                    const PathsOptions& options) {
  if (view.variables.size() != 2) {
    throw_usage("a contour plot needs two variables; this function has {}", view.variables.size());
  }
  Range2 r = options.range ? *options.range : range_from_runs(runs, view.minimizers);
  if (!options.range && options.aspect > 0.0) {
    const double w = r.x_hi - r.x_lo, h = r.y_hi - r.y_lo;
    if (h / w < options.aspect) {
      const double grow = (options.aspect * w - h) / 2.0;
      r.y_lo -= grow;
      r.y_hi += grow;
    } else {
      const double grow = (h / options.aspect - w) / 2.0;
      r.x_lo -= grow;
      r.x_hi += grow;
    }
  }
  Panel panel;
  panel.title = view.title;
  panel.x = {view.variables[0], r.x_lo, r.x_hi, false};
  panel.y = {view.variables[1], r.y_lo, r.y_hi, false};
  panel.equal_aspect = true;
  panel.legend = LegendPlace::outside;  // paths fill the corners of a contour plot
  panel.colorbar = "f(" + view.variables[0] + ", " + view.variables[1] + ")";
  add_contours(panel, view, r, options);
  if (options.arrows) add_arrows(panel, view, r);
  // Optimizers often share a route (Rosenbrock's valley): each path is drawn a little wider than
  // the one drawn after it, so one that is covered still shows as a coloured band along its route.
  const std::size_t n = runs.size();
  const double widen = n > 1 ? std::min(0.8, 3.2 / static_cast<double>(n - 1)) : 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    Series s{.color = palette(i), .line_width = 1.8 + widen * static_cast<double>(n - 1 - i),
             .halo = i == 0, .marker = Marker::circle, .marker_size = 2.4, .label = runs[i].label};
    for (const auto& p : run_points(runs[i].summary)) {
      s.x.push_back(p.size() > 0 ? p[0] : NAN);
      s.y.push_back(p.size() > 1 ? p[1] : NAN);
    }
    panel.add_series(std::move(s));
  }
  add_starts(panel, runs, false);
  bool first = true;
  for (const auto& m : view.minimizers) {
    if (m.size() != 2) continue;
    panel.points.push_back({m[0], m[1], Marker::star, kGold, kBlack, 7.5, first ? "minimum" : ""});
    first = false;
  }
  return panel;
}

Panel curve_panel(const FunctionView& view, const std::vector<LabeledRun>& runs,
                  const PathsOptions& options) {
  if (view.variables.size() != 1) {
    throw_usage("a curve plot needs one variable; this function has {}", view.variables.size());
  }
  const Range2 r = options.range ? *options.range : range_from_runs(runs, view.minimizers);
  Panel panel;
  panel.title = view.title;
  panel.x = {view.variables[0], r.x_lo, r.x_hi, false};
  panel.y.label = "f(" + view.variables[0] + ")";
  constexpr std::size_t kSamples = 400;
  Series curve{.color = {0.35, 0.35, 0.35, 1.0}, .line_width = 2.0};
  std::vector<double> xs(kSamples), fs(kSamples);
  for (std::size_t k = 0; k < kSamples; ++k) {
    xs[k] = r.x_lo + (r.x_hi - r.x_lo) * static_cast<double>(k) / (kSamples - 1);
  }
  view.f(xs.data(), kSamples, fs.data(), nullptr);
  curve.x = xs;
  curve.y = fs;
  panel.add_series(std::move(curve));
  for (std::size_t i = 0; i < runs.size(); ++i) {
    Series s{.color = palette(i), .line_width = 1.2, .marker = Marker::circle, .marker_size = 3.2,
             .label = runs[i].label};
    for (const auto& t : runs[i].summary.trace) {
      s.x.push_back(t.x.size() > 0 ? t.x[0] : NAN);
      s.y.push_back(t.f);
    }
    panel.add_series(std::move(s));
  }
  add_starts(panel, runs, true);
  bool first = true;
  for (const auto& m : view.minimizers) {
    if (m.size() != 1) continue;
    const double x = m[0];
    double f = 0.0;
    view.f(&x, 1, &f, nullptr);
    panel.points.push_back({x, f, Marker::star, kGold, kBlack, 7.5, first ? "minimum" : ""});
    first = false;
  }
  return panel;
}

Panel convergence_panel(const std::vector<LabeledRun>& runs) {
  Panel panel;
  panel.title = "convergence";
  panel.x.label = "step";
  panel.y.log = true;
  bool shifted = false;
  for (const auto& run : runs) {
    for (const auto& t : run.summary.trace) shifted = shifted || !(t.f > 0.0);
  }
  panel.y.label = shifted ? "f - min f  and  |grad f|" : "f  and  |grad f|";
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& trace = runs[i].summary.trace;
    double f_min = std::numeric_limits<double>::infinity();
    for (const auto& t : trace) {
      if (std::isfinite(t.f)) f_min = std::min(f_min, t.f);
    }
    const std::string suffix = runs.size() > 1 ? "  " + runs[i].label : "";
    Series f{.color = palette(i), .line_width = 1.8, .label = (shifted ? "f - min f" : "f") + suffix};
    Series g{.color = palette(i), .line_width = 1.4, .dashed = true, .label = "|grad f|" + suffix};
    for (const auto& t : trace) {
      const double step = static_cast<double>(t.step);
      f.x.push_back(step);
      f.y.push_back(shifted ? t.f - f_min : t.f);
      g.x.push_back(step);
      g.y.push_back(t.grad_norm);
    }
    if (trace.size() <= 40) {
      f.marker = Marker::circle;
      f.marker_size = 2.2;
    }
    panel.add_series(std::move(f));
    panel.add_series(std::move(g));
  }
  return panel;
}

Figure paths_figure(const FunctionView& view, const std::vector<LabeledRun>& runs,
                    const PathsOptions& options, int width, int height) {
  Figure figure{.width = width, .height = height};
  if (view.variables.size() == 1) {
    figure.panels.push_back(curve_panel(view, runs, options));
  } else if (view.variables.size() == 2) {
    PathsOptions fitted = options;
    if (!options.range && options.aspect <= 0.0) {
      // A coarse first draft gives the plot area's shape; the real range then fills it.
      PathsOptions draft = options;
      draft.resolution = 8;
      draft.arrows = false;
      Figure probe = figure;
      probe.panels.push_back(contour_panel(view, runs, draft));
      probe.panels.back().equal_aspect = false;
      const Rect area = layout(probe).panels.front().plot;
      fitted.aspect = area.h / area.w;
    }
    figure.panels.push_back(contour_panel(view, runs, fitted));
  } else {
    throw_usage("can only plot functions of one or two variables; this one has {} ({})",
                view.variables.size(), fmt::join(view.variables, ", "));
  }
  return figure;
}

Figure minimize_figure(const FunctionView& view, const LabeledRun& run, const PathsOptions& options,
                       int width, int height) {
  // Drawn as if alone in its half, so an automatic range fits the half's shape.
  Figure figure = paths_figure(view, {run}, options, width / 2, height);
  figure.width = width;
  figure.columns = 2;
  figure.panels.push_back(convergence_panel({run}));
  return figure;
}

Figure training_figure(const std::vector<EpochPoint>& epochs, const std::string& title,
                       const std::string& metric_name, int width, int height) {
  Figure figure{.width = width, .height = height, .title = title, .columns = 2};
  const bool markers = epochs.size() <= 40;
  Panel& loss = figure.add_panel("loss");
  loss.x.label = "epoch";
  loss.y.label = "loss";
  // Log scale when the losses are positive and span more than a decade or so.
  bool positive = true;
  double lo = INFINITY, hi = 0.0;
  for (const auto& e : epochs) {
    positive = positive && !(e.train_loss <= 0.0) && !(e.test_loss <= 0.0);
    for (double v : {e.train_loss, e.test_loss}) {
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  loss.y.log = positive && hi > 20.0 * lo;
  Series train{.color = palette(6), .line_width = 1.8, .marker = markers ? Marker::circle : Marker::none,
               .marker_size = 2.4, .label = "train loss"};
  Series test{.color = palette(0), .line_width = 1.8, .dashed = true,
              .marker = markers ? Marker::square : Marker::none, .marker_size = 2.4, .label = "test loss"};
  Panel& metric = figure.add_panel(metric_name);
  metric.x.label = "epoch";
  metric.y.label = metric_name;
  Series m{.color = palette(1), .line_width = 1.8, .marker = markers ? Marker::circle : Marker::none,
           .marker_size = 2.4, .label = metric_name};
  for (const auto& e : epochs) {
    train.x.push_back(e.epoch);
    train.y.push_back(e.train_loss);
    test.x.push_back(e.epoch);
    test.y.push_back(e.test_loss);
    m.x.push_back(e.epoch);
    m.y.push_back(e.test_metric);
  }
  figure.panels[0].add_series(std::move(train));
  figure.panels[0].add_series(std::move(test));
  figure.panels[1].add_series(std::move(m));
  figure.panels[1].legend = LegendPlace::lower_right;
  return figure;
}

}  // namespace descent::plot
