// Charts built from results: optimizer paths over the contours of f (two variables) or along
// the curve f(x) (one variable), convergence per step, training history per epoch.
// Example: Figure fig = paths_figure(view, {{"adam", summary}}, {}); save(fig, "race.png");
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "descent/core/run_summary.hpp"
#include "descent/core/types.hpp"
#include "descent/plot/contour.hpp"
#include "descent/plot/figure.hpp"
#include "descent/symbolic/program.hpp"

namespace descent::plot {

// f over dim variables, batched: points is n x dim row-major; writes n values and, when grads is
// not null, n x dim gradients. (symbolic::Program::values has this shape.)
using BatchFn = std::function<void(const double* points, std::size_t n, double* out, double* grads)>;

// A BatchFn over a compiled formula (the program must have been compiled with gradients for
// arrows). The returned function owns its copy of the program.
BatchFn batch_fn(symbolic::Program program);

// The function being optimized, as the charts need it.
struct FunctionView {
  BatchFn f{};
  std::vector<std::string> variables{};  // 1 or 2 names, in the order of x
  std::string title{};                   // the formula or problem name
  std::vector<Vec> minimizers{};       // drawn as stars when known
};

// One optimizer's run: its label (the spec) and the summary with its trace.
struct LabeledRun {
  std::string label{};
  RunSummary summary{};
};

struct Range2 {
  double x_lo = -1.0, x_hi = 1.0, y_lo = -1.0, y_hi = 1.0;
};

struct PathsOptions {
  std::optional<Range2> range{};  // 2-D: x and y range; 1-D: x range only (y from the curve)
  std::size_t levels = 20;
  LevelScale scale = LevelScale::automatic;
  bool arrows = false;          // the negative gradient on a coarse grid
  std::size_t resolution = 200; // grid nodes per axis for the contours
  bool contour_lines = true;
  double aspect = 0.0;          // > 0: the plot area's height / width; an automatic 2-D range
                                // grows in one direction to match, so the picture fills the area
};

// The range that shows every finite point of every trace (and the minimizers), with a margin of
// `margin` of the extent on each side; degenerate extents grow to 1. Points that ran away
// (further than 1e3 times the extent of the first few steps) are left out so a diverging path
// does not hide the others.
Range2 range_from_runs(const std::vector<LabeledRun>& runs, const std::vector<Vec>& minimizers,
                       double margin = 0.12);

// Contours of f with each run's path (markers, distinct colours, labelled), the start, the
// minimizer, and optionally gradient arrows. Needs two variables.
Panel contour_panel(const FunctionView& view, const std::vector<LabeledRun>& runs,
                    const PathsOptions& options);

// The curve f(x) with each run's iterates as points on it, joined in order. Needs one variable.
Panel curve_panel(const FunctionView& view, const std::vector<LabeledRun>& runs,
                  const PathsOptions& options);

// f and ||grad f|| per step (log scale when positive; f - min f otherwise) for one or more runs.
Panel convergence_panel(const std::vector<LabeledRun>& runs);

// contour_panel or curve_panel by the number of variables, in a figure of the given size.
// Throws descent::Error (bad_usage) for more than two variables.
Figure paths_figure(const FunctionView& view, const std::vector<LabeledRun>& runs,
                    const PathsOptions& options, int width = 800, int height = 600);

// The picture of `descent minimize --plot`: paths on the left, convergence on the right.
Figure minimize_figure(const FunctionView& view, const LabeledRun& run, const PathsOptions& options,
                       int width = 1200, int height = 560);

// One epoch of training as the charts need it (NaN for values not measured).
struct EpochPoint {
  double epoch = 0.0;
  double train_loss = 0.0;
  double test_loss = 0.0;
  double test_metric = 0.0;  // accuracy (classification) or R^2 (regression)
};

// Train and test loss per epoch (log scale) and the test metric per epoch, side by side.
Figure training_figure(const std::vector<EpochPoint>& epochs, const std::string& title,
                       const std::string& metric_name = "test accuracy", int width = 1000,
                       int height = 450);

}  // namespace descent::plot
