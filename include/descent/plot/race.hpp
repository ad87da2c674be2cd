// What `descent plot` and `descent minimize --plot` draw: a formula or built-in problem, each
// optimizer run from the same start with its trace, and the picture of their paths.
// Example: auto r = race({.expr = "rosenbrock", .optimizers = {"adam(lr=0.1)", "lbfgs"}}); save(r.figure, "r.png");
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "descent/core/run_summary.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/plot/charts.hpp"
#include "descent/plot/figure.hpp"

namespace descent::plot {

// A function to optimize and draw: a built-in problem (by name) or a formula.
struct Target {
  std::string title;                   // the problem's name and formula, or the formula
  std::string formula;
  std::vector<std::string> variables;  // the order of x
  Vec start;                           // from --at, else the problem's start
  std::vector<Vec> minimizers;         // known for problems
  optim::Objective objective;          // exact f, gradient and Hessian
  std::int64_t suggested_steps = 100;
};

// Resolves EXPR: a problem name (rosenbrock, ...) or a formula whose variables are the names
// of `at`, in that order. `at` may be empty for a problem (its standard start); otherwise every
// variable must be given (bad_usage "variable 'z' has no value"). A start where f or its gradient
// is not finite is a bad_input error naming the part (symbolic/domain.hpp).
Target resolve_target(const std::string& expr, const std::vector<std::pair<std::string, double>>& at);

// The FunctionView of a target (its formula compiled once, batched).
FunctionView function_view(const Target& target);

// Points kept of each path (optim::MinimizeOptions::trace_limit): far more than a picture
// shows, and memory bounded for any number of steps.
inline constexpr std::size_t kPathPoints = 10000;

struct RaceOptions {
  std::string expr;
  std::vector<std::pair<std::string, double>> at{};
  std::vector<std::string> optimizers{};  // specs as typed; empty: gd
  std::string schedule{};                 // empty: constant lr
  std::int64_t steps =
      -1;  // in [0, optim::kMaxSteps]; -1: 100 for formulas, a problem's suggestion
  double tol = 1e-8;
  PathsOptions paths{};
  int width = 800;
  int height = 600;
};

struct RaceResult {
  Target target;
  std::vector<LabeledRun> runs;  // one per optimizer, labelled by its spec as typed
  Figure figure;
};

// Runs every optimizer from the start (optim::minimize with a trace) and draws their paths.
// Throws descent::Error (bad_usage) for more than two variables, bad specs, bad ranges.
RaceResult race(const RaceOptions& options);

// The figure of one minimize run (paths and convergence), written to `path`.
void save_minimize_plot(const std::string& path, const Target& target, const LabeledRun& run,
                        const PathsOptions& options = {}, int width = 1200, int height = 560);

// The same for the minimize command's own task: `expr` as typed (a problem name gives the
// title and the minimizers), the formula and variables it resolved to.
void save_minimize_plot(const std::string& path, const std::string& expr, const std::string& formula,
                        const std::vector<std::string>& variables, const LabeledRun& run);

}  // namespace descent::plot
