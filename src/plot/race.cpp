#include "descent/plot/race.hpp"

#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/error.hpp"
#include "descent/optim/minimize.hpp"
#include "descent/optim/problems.hpp"
#include "descent/optim/schedule.hpp"
#include "descent/plot/render.hpp"
#include "descent/symbolic/formula.hpp"

namespace descent::plot {

namespace {

// f, gradient and Hessian of a formula through one compiled program (shared, not thread-safe,
// as the minimize driver is single-threaded).
optim::Objective formula_objective(const std::string& formula, const std::vector<std::string>& variables) {
  auto program = std::make_shared<symbolic::Program>(
      symbolic::compile_formula(formula, variables, symbolic::Program::Derivatives::hessian));
  optim::Objective objective;
  objective.value_grad = [program](const Vec& x, Vec* grad) {
    if (grad == nullptr) return program->value(x.data());
    return program->value_grad(x.data(), grad->data());
  };
  objective.hessian = [program](const Vec& x, Mat& hessian) {
    const auto n = static_cast<Index>(program->dim());
    Vec grad(n);
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> h(n, n);
    program->value_grad_hessian(x.data(), grad.data(), h.data());
    hessian = h;
  };
  return objective;
}

// A run from a point where f or its gradient is not finite has no path to draw: refused
// (bad_input naming the part, as `descent grad` does).
void require_defined_at_start(const Target& target) {
  symbolic::require_defined(symbolic::parse_formula(target.formula), target.variables,
                            std::span<const double>(target.start.data(), target.variables.size()),
                            /*derivatives=*/true);
}

}  // namespace

Target resolve_target(const std::string& expr, const std::vector<std::pair<std::string, double>>& at) {
  Target target;
  if (const optim::Problem* problem = optim::find_problem(expr)) {
    target.title = fmt::format("{}: {}", problem->name, problem->formula);
    target.formula = problem->formula;
    target.variables = problem->variables;
    target.start = problem->start;
    target.minimizers = problem->minimizers;
    target.objective = problem->objective;
    target.suggested_steps = problem->suggested_steps;
    if (!at.empty()) {
      if (at.size() != target.variables.size()) {
        throw_usage("{} has variables {}; the start point gives {} values", problem->name,
                    fmt::join(target.variables, ", "), at.size());
      }
      for (std::size_t i = 0; i < at.size(); ++i) {
        const auto it = std::find(target.variables.begin(), target.variables.end(), at[i].first);
        if (it == target.variables.end()) {
          throw_usage("{} has no variable '{}'; its variables are {}", problem->name, at[i].first,
                      fmt::join(target.variables, ", "));
        }
        target.start[it - target.variables.begin()] = at[i].second;
      }
      require_defined_at_start(target);
    }
    return target;
  }
  if (at.empty()) throw_usage("give the start point (e.g. x=1, y=1), or name a built-in problem");
  target.title = expr;
  target.formula = expr;
  target.start.resize(static_cast<Index>(at.size()));
  for (std::size_t i = 0; i < at.size(); ++i) {
    target.variables.push_back(at[i].first);
    target.start[static_cast<Index>(i)] = at[i].second;
  }
  target.objective = formula_objective(expr, target.variables);
  require_defined_at_start(target);
  return target;
}

FunctionView function_view(const Target& target) {
  return {batch_fn(symbolic::compile_formula(target.formula, target.variables)), target.variables, target.title,
          target.minimizers};
}

RaceResult race(const RaceOptions& options) {
  RaceResult result;
  result.target = resolve_target(options.expr, options.at);
  const Target& target = result.target;
  if (target.variables.size() > 2) {
    throw_usage("can only plot functions of one or two variables; {} has {} ({})", options.expr,
                target.variables.size(), fmt::join(target.variables, ", "));
  }
  if (options.paths.range) {
    const Range2& r = *options.paths.range;
    if (!(r.x_lo < r.x_hi) || (target.variables.size() == 2 && !(r.y_lo < r.y_hi))) {
      throw_usage("range needs lo < hi for every variable");
    }
  }
  const std::vector<std::string> specs = options.optimizers.empty() ? std::vector<std::string>{"gd"} : options.optimizers;
  const std::int64_t steps = options.steps >= 0 ? options.steps : target.suggested_steps;
  // Build every optimizer first, so a bad spec fails before any work.
  std::vector<std::unique_ptr<optim::Optimizer>> optimizers;
  for (const auto& spec : specs) optimizers.push_back(optim::make_optimizer(spec));
  for (std::size_t i = 0; i < specs.size(); ++i) {
    std::unique_ptr<optim::Schedule> schedule;
    if (!options.schedule.empty()) schedule = optim::make_schedule(options.schedule, optimizers[i]->lr(), steps);
    RunSummary summary = optim::minimize(
        target.objective, target.start, *optimizers[i], schedule.get(),
        {.steps = steps, .tol = options.tol, .trace = true, .trace_limit = kPathPoints});
    result.runs.push_back({specs[i], std::move(summary)});
  }
  result.figure = paths_figure(function_view(target), result.runs, options.paths, options.width, options.height);
  return result;
}

void save_minimize_plot(const std::string& path, const Target& target, const LabeledRun& run,
                        const PathsOptions& options, int width, int height) {
  format_from_path(path);  // an unknown extension fails before drawing
  if (target.variables.size() > 2) {
    // No picture of the function: the convergence panel alone.
    Figure figure{.width = width, .height = height, .title = target.title};
    figure.panels.push_back(convergence_panel({run}));
    save(figure, path);
    return;
  }
  Figure figure = minimize_figure(function_view(target), run, options, width, height);
  save(figure, path);
}

void save_minimize_plot(const std::string& path, const std::string& expr, const std::string& formula,
                        const std::vector<std::string>& variables, const LabeledRun& run) {
  Target target;
  target.title = formula;
  target.formula = formula;
  target.variables = variables;
  if (const optim::Problem* problem = optim::find_problem(expr)) {
    target.title = fmt::format("{}: {}", problem->name, problem->formula);
    if (problem->variables == variables) target.minimizers = problem->minimizers;
  }
  save_minimize_plot(path, target, run);
}

}  // namespace descent::plot
