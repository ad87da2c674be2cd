// `descent minimize EXPR --at x=1,y=1 [--optimizer SPEC] [--schedule SPEC] [--steps N] [--tol T]
// [--ftol F] [--xtol X] [--max-time SECONDS] [--bounds 'x=0:1, y=-inf:2']
// [--maximize] [--trace] [--jit auto|on|off] [--json]`: runs the optim module's minimize driver on
// a formula or a built-in problem (`descent minimize rosenbrock`) and prints a step table or one
// JSON document.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "args.hpp"
#include "command.hpp"
#include "descent/io/output_path.hpp"
#include "descent/plot/race.hpp"
#include "descent/plot/render.hpp"
#include "descent/optim/curvature.hpp"
#include "descent/optim/minimize.hpp"
#include "descent/optim/objectives.hpp"
#include "descent/optim/problems.hpp"
#include "descent/symbolic/differentiate.hpp"
#include "descent/symbolic/formula.hpp"
#include "output.hpp"

namespace descent::cli {
namespace {

// The CLI's defaults for a formula (a named problem brings its own optimizer and step count):
// plain gradient descent with the course's lr, 100 steps.
constexpr const char* kDefaultOptimizer = "gd(lr=0.1)";
constexpr std::int64_t kDefaultSteps = 100;
// Human output prints every step of runs up to this many steps, else a sample of rows.
constexpr std::int64_t kFullTableSteps = 40;
// --trace prints every step (about 200 bytes of JSON each): beyond this, --plot draws the run.
constexpr std::int64_t kMaxTraceSteps = 1'000'000;

struct MinimizeArgs {
  std::string expression;
  std::string at;
  std::string optimizer;
  std::string schedule = "constant";
  std::int64_t steps = -1;
  double tol = 1e-8;
  double ftol = 0.0;      // 0: off
  double xtol = 0.0;      // 0: off
  double max_time = 0.0;  // seconds; 0: no limit
  bool maximize = false;
  bool trace = false;
  bool json = false;
  std::string plot;  // --plot FILE: the paths and convergence picture (plot module)
  std::string jit = "auto";  // native code for the formula: auto, on, off
  std::string bounds;        // --bounds x=0:1,y=-inf:2 (variables not named: no bound)
};

// What to minimize: the formula, its variables in --at's order, and the start.
struct Task {
  std::string formula;
  std::vector<std::string> variables;
  Vec start;
  std::string optimizer;
  std::int64_t steps = kDefaultSteps;
};

Task make_task(const MinimizeArgs& a) {
  Task task;
  task.formula = a.expression;
  task.optimizer = kDefaultOptimizer;
  const optim::Problem* problem = optim::find_problem(a.expression);
  if (problem) {
    task.formula = problem->formula;
    task.variables = problem->variables;
    task.start = problem->start;
    task.optimizer = problem->suggested_optimizer;
    task.steps = problem->suggested_steps;
  }
  if (!a.at.empty()) {
    const auto point = parse_point(a.at);
    task.variables.clear();
    task.start.resize(static_cast<Index>(point.size()));
    for (std::size_t i = 0; i < point.size(); ++i) {
      task.variables.push_back(point[i].name);
      task.start[static_cast<Index>(i)] = point[i].value;
    }
  } else if (!problem) {
    throw_usage("minimize: give the start point with --at (e.g. --at x=1,y=1), or name a "
                "built-in problem (see `descent problems`)");
  }
  if (!a.optimizer.empty()) task.optimizer = a.optimizer;
  if (a.steps >= 0) task.steps = a.steps;
  return task;
}

// --bounds over the task's variables; a start outside the box is projected onto it, with a note.
optim::Bounds make_bounds(const std::string& text, Task& task) {
  if (text.empty()) return {};
  optim::Bounds box = optim::unbounded(static_cast<Index>(task.variables.size()));
  for (const NamedRange& b : parse_bounds(text)) {
    const auto it = std::find(task.variables.begin(), task.variables.end(), b.name);
    if (it == task.variables.end()) {
      throw_usage("--bounds: '{}' is not a variable of the problem (its variables: {})", b.name,
                  fmt::join(task.variables, ", "));
    }
    const auto i = static_cast<Index>(it - task.variables.begin());
    box.lower[i] = b.lo;
    box.upper[i] = b.hi;
  }
  if (!optim::inside(box, task.start)) {
    Vec projected = task.start;
    optim::project(box, projected);
    for (std::size_t i = 0; i < task.variables.size(); ++i) {
      const auto k = static_cast<Index>(i);
      if (projected[k] == task.start[k]) continue;
      std::cerr << fmt::format("descent: note: the start {} = {} lies outside --bounds; starting "
                               "from {} = {}\n",
                               task.variables[i], fmt_num(task.start[k]), task.variables[i],
                               fmt_num(projected[k]));
    }
    task.start = projected;
  }
  return box;
}

// gd(lr=auto): lr = 1 / lambda_max at the start (optim/curvature.hpp), said in a note.
void resolve_auto_lr(Task& task) {
  if (task.optimizer.find("auto") == std::string::npos) return;
  const bool exact = task.variables.size() <= symbolic::kMaxHessianVariables;
  const auto resolved = optim::resolve_auto_lr(
      task.optimizer, optim::formula_objective(task.formula, task.variables, exact), task.start);
  if (resolved.note.empty()) return;
  std::cerr << "descent: note: " << resolved.note << '\n';
  task.optimizer = resolved.spec;
}

nlohmann::json bounds_json(const std::vector<std::string>& names, const optim::Bounds& box) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto k = static_cast<Index>(i);
    out[names[i]] = nlohmann::json::array({json_num(box.lower[k]), json_num(box.upper[k])});
  }
  return out;
}

std::vector<std::string> row_cells(const TracePoint& p) {
  std::vector<std::string> cells{std::to_string(p.step)};
  for (Index i = 0; i < p.x.size(); ++i) cells.push_back(fmt_num(p.x[i], 8));
  cells.push_back(fmt_num(p.f, 8));
  cells.push_back(fmt_num(p.grad_norm, 4));
  cells.push_back(fmt_num(p.lr, 4));
  return cells;
}

void print_json(const Task& task, const optim::Optimizer& optimizer,
                const optim::Schedule& schedule, const RunSummary& s, const optim::Bounds& box) {
  nlohmann::json doc = apps::run_json(task.variables, optimizer, schedule, s);
  doc["expression"] = task.formula;
  doc["variables"] = task.variables;
  if (!box.empty()) doc["bounds"] = bounds_json(task.variables, box);
  std::cout << doc.dump(2) << '\n';
}

void print_human(const Task& task, const optim::Optimizer& optimizer,
                 const optim::Schedule& schedule, const std::vector<TracePoint>& rows,
                 const RunSummary& s) {
  std::cout << "minimize f = " << task.formula << "\nwith " << optimizer.spec();
  if (schedule.spec() != "constant") std::cout << ", schedule " << schedule.spec();
  std::cout << "\n\n";
  std::vector<std::string> header{"step"};
  for (const auto& v : task.variables) header.push_back(v);
  for (const char* h : {"f", "|grad|", "lr"}) header.push_back(h);
  Table table(header);
  // One "..." where the rows stop being consecutive steps.
  bool gap_marked = false;
  std::int64_t previous = -1;
  for (const auto& row : rows) {
    if (!gap_marked && previous >= 0 && row.step > previous + 1) {
      table.add_row({"..."});
      gap_marked = true;
    }
    table.add_row(row_cells(row));
    previous = row.step;
  }
  table.print(std::cout);
  std::cout << '\n' << s.message << '\n';
  std::string x;
  for (std::size_t i = 0; i < task.variables.size(); ++i) {
    x += fmt::format("{}{} = {}", i ? ", " : "", task.variables[i],
                     fmt_num(s.x[static_cast<Index>(i)], 8));
  }
  std::cout << "result: " << x << ", f = " << fmt_num(s.f, 10) << " after " << s.steps
            << " steps (" << s.evaluations << " evaluations)\n";
}

int run_minimize(const MinimizeArgs& a) {
  Task task = make_task(a);
  const optim::Bounds box = make_bounds(a.bounds, task);
  if (a.trace && task.steps > kMaxTraceSteps) {
    throw_usage(
        "--trace prints every step, at most {} steps (got --steps {}); --plot draws "
        "longer runs",
        kMaxTraceSteps, task.steps);
  }
  if (!a.plot.empty()) plot::format_from_path(a.plot);  // a bad extension fails before the run
  io::check_output_path({"--plot", a.plot}, {});
  resolve_auto_lr(task);
  auto optimizer = optim::make_optimizer(task.optimizer);
  auto schedule = optim::make_schedule(a.schedule, optimizer->lr(), task.steps);
  const optim::Jit jit = a.jit == "on" ? optim::Jit::on
                        : a.jit == "off" ? optim::Jit::off
                                         : optim::Jit::automatic;
  const optim::Objective objective = optim::formula_objective(
      task.formula, task.variables, optimizer->needs_hessian(), jit, task.steps + 1);
  // A start where f or its gradient is not finite is refused (exit 2), not run to a "diverged".
  symbolic::require_defined(symbolic::parse_formula(task.formula), task.variables,
                            std::span<const double>(task.start.data(), task.variables.size()),
                            /*derivatives=*/true);

  // Rows for the human table: every step of short runs, else the first ten and about forty
  // more, sampled evenly (the last row comes from the summary).
  std::vector<TracePoint> rows;
  const std::int64_t stride = task.steps <= kFullTableSteps ? 1 : std::max<std::int64_t>(1, task.steps / 40);
  const bool progress = !a.json && stderr_is_terminal() && task.steps >= 100000;
  optim::MinimizeOptions options{.steps = task.steps,
                                 .tol = a.tol,
                                 .ftol = a.ftol,
                                 .xtol = a.xtol,
                                 .max_time = a.max_time,
                                 .maximize = a.maximize,
                                 .trace = a.trace || !a.plot.empty(),
                                 .trace_limit = a.trace ? 0 : plot::kPathPoints,
                                 .bounds = box};
  if (!a.json) {
    options.on_step = [&](const optim::StepInfo& info) {
      if (info.step < 10 || info.step % stride == 0) {
        rows.push_back({info.step, info.x, info.f, info.grad_norm, info.lr});
      }
      if (progress && info.step % (task.steps / 100) == 0) {
        std::fprintf(stderr, "\r%3d%%", static_cast<int>(100 * info.step / task.steps));
      }
      return true;
    };
  }
  // The summary (with its trace when asked) stays available for output below.
  RunSummary summary = optim::minimize(objective, task.start, *optimizer, schedule.get(), options);
  if (progress) std::fprintf(stderr, "\r    \r");
  std::optional<Error> plot_error;
  if (!a.plot.empty()) {
    plot_error = try_write([&] {
      plot::save_minimize_plot(a.plot, a.expression, task.formula, task.variables,
                               {task.optimizer, summary});
    });
    if (!a.trace) summary.trace.clear();  // traced for the picture only
  }

  if (a.json) {
    print_json(task, *optimizer, *schedule, summary, box);
  } else {
    if (rows.empty() || rows.back().step != summary.steps) {
      const double lr = summary.trace.empty() ? optimizer->lr() : summary.trace.back().lr;
      rows.push_back({summary.steps, summary.x, summary.f, summary.grad_norm, lr});
    }
    print_human(task, *optimizer, *schedule, rows, summary);
  }
  return report_errors({plot_error}, summary.reason == StopReason::diverged ? 3 : 0);
}

RunFn setup(CLI::App& sub) {
  auto a = std::make_shared<MinimizeArgs>();
  sub.add_option("EXPR", a->expression, "formula to minimize, or a built-in problem name")
      ->required();
  sub.add_option("--at", a->at, "start point, e.g. x=1,y=1 (default for a problem: its start)");
  sub.add_option("--optimizer", a->optimizer,
                 fmt::format("optimizer spec, e.g. 'adam(lr=0.01)' (default {}; a problem's "
                             "own for a problem)",
                             kDefaultOptimizer));
  sub.add_option("--schedule", a->schedule, "lr schedule spec, e.g. 'cosine(t_max=100)'");
  sub.add_option("--steps", a->steps,
                 fmt::format("optimizer updates at most (default {})", kDefaultSteps))
      ->check(integer_in(0, optim::kMaxSteps));
  sub.add_option("--tol", a->tol, "stop when |grad| <= tol (default 1e-8)")
      ->check(number_in(0, INFINITY));
  sub.add_option("--ftol", a->ftol,
                 "stop when a step from x_k changes f by at most ftol * max(|f_k|, |f_k+1|, 1) "
                 "(default 0: off)")
      ->check(number_in(0, INFINITY));
  sub.add_option("--xtol", a->xtol,
                 "stop when a step from x_k moves x by at most xtol * (xtol + |x_k|) (2-norms; "
                 "default 0: off)")
      ->check(number_in(0, INFINITY));
  sub.add_option("--max-time", a->max_time,
                 "stop before the next step once the run has taken this many seconds (default 0: "
                 "no limit); exit 0, reason time_limit")
      ->check(number_in(0, INFINITY));
  sub.add_option("--bounds", a->bounds,
                 "box constraints, e.g. 'x=0:1, y=-inf:2' (every step is projected onto the box; "
                 "|grad| is the projected gradient's; lbfgsb uses them in its model)");
  sub.add_flag("--maximize", a->maximize, "ascend instead");
  sub.add_flag("--trace", a->trace, "include every step in the JSON output");
  sub.add_flag("--json", a->json, "print one JSON document");
  sub.add_option("--plot", a->plot, "also draw the path and convergence to FILE (.svg, .png, .pdf)");
  sub.add_option("--jit", a->jit,
                 "compile the formula to native code (libgccjit): auto (default: when the run is "
                 "long enough to repay the ~tens of ms compile), on, off; same numbers either way")
      ->check(CLI::IsMember({"auto", "on", "off"}));
  return [a] { return run_minimize(*a); };
}

const bool kRegistered = register_command(
    {"minimize", "run an optimizer on a formula or a built-in problem", 30, setup});

}  // namespace
}  // namespace descent::cli
