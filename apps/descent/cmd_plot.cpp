// `descent plot EXPR --at ... --optimizer SPEC [--optimizer SPEC ...] --out FILE`: runs each
// optimizer from the same start and draws their paths over the contours of f (two variables)
// or along the curve f(x) (one); exit 3 when a run diverged (the picture is still drawn).
// Example: descent plot rosenbrock --optimizer adam(lr=0.1) --out r.png
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "args.hpp"
#include "command.hpp"
#include "descent/core/error.hpp"
#include "descent/io/output_path.hpp"
#include "descent/optim/minimize.hpp"
#include "descent/plot/race.hpp"
#include "descent/plot/render.hpp"
#include "output.hpp"

namespace descent::cli {
namespace {

struct PlotOptions {
  std::string expression;
  std::string at;
  std::vector<std::string> optimizers;
  std::string schedule;
  std::int64_t steps = -1;  // -1: the default
  double tol = 1e-8;
  std::string range;
  bool arrows = false;
  std::size_t levels = 20;
  std::string out;
  int width = 800;
  int height = 600;
  bool json = false;
};

// --range x=a:b[,y=c:d] in the target's variable order.
plot::Range2 to_range(const std::string& text, const std::vector<std::string>& variables) {
  const auto ranges = parse_ranges(text);
  plot::Range2 r;
  std::vector<bool> given(variables.size(), false);
  for (const auto& piece : ranges) {
    const auto it = std::find(variables.begin(), variables.end(), piece.name);
    if (it == variables.end()) {
      throw_usage("--range names '{}', which is not a variable of the function ({})", piece.name,
                  fmt::join(variables, ", "));
    }
    const auto k = static_cast<std::size_t>(it - variables.begin());
    given[k] = true;
    (k == 0 ? r.x_lo : r.y_lo) = piece.lo;
    (k == 0 ? r.x_hi : r.y_hi) = piece.hi;
  }
  for (std::size_t k = 0; k < variables.size(); ++k) {
    if (!given[k]) throw_usage("--range gives no range for '{}'", variables[k]);
  }
  return r;
}

// 3 when a run diverged (its f is not finite: not a result, as in `descent minimize`), else 0.
int exit_status(const plot::RaceResult& result) {
  for (const auto& run : result.runs) {
    if (run.summary.reason == StopReason::diverged) return 3;
  }
  return 0;
}

int run_plot(const PlotOptions& o) {
  plot::format_from_path(o.out);  // an unknown extension is an error before any work
  io::check_output_path({"--out", o.out}, {});
  if (o.width < 16 || o.height < 16) throw_usage("--width and --height must be at least 16 px");
  if (o.levels < 1 || o.levels > 200) throw_usage("--levels must lie in [1, 200], got {}", o.levels);
  plot::RaceOptions options{.expr = o.expression, .optimizers = o.optimizers, .schedule = o.schedule,
                            .steps = o.steps, .tol = o.tol, .width = o.width, .height = o.height};
  if (!o.at.empty()) {
    for (const auto& p : parse_point(o.at)) options.at.emplace_back(p.name, p.value);
  }
  options.paths.arrows = o.arrows;
  options.paths.levels = o.levels;
  if (!o.range.empty()) {
    // Resolve the variables first so the range can be put in their order.
    const plot::Target target = plot::resolve_target(o.expression, options.at);
    options.paths.range = to_range(o.range, target.variables);
  }
  const plot::RaceResult result = plot::race(options);
  const auto write_error = try_write([&] { plot::save(result.figure, o.out); });

  const auto& vars = result.target.variables;
  const plot::Panel& panel = result.figure.panels.front();
  if (o.json) {
    nlohmann::json doc{{"file", o.out}, {"expression", o.expression}, {"variables", vars}};
    doc["range"] = nlohmann::json::object();
    doc["range"][vars[0]] = {json_num(panel.x.lo), json_num(panel.x.hi)};
    if (vars.size() > 1) doc["range"][vars[1]] = {json_num(panel.y.lo), json_num(panel.y.hi)};
    doc["start"] = apps::point_json(vars, result.target.start);
    doc["optimizers"] = nlohmann::json::array();
    for (const auto& run : result.runs) {
      doc["optimizers"].push_back({{"spec", run.label},
                                   {"x", apps::point_json(vars, run.summary.x)},
                                   {"f", json_num(run.summary.f)},
                                   {"steps", run.summary.steps},
                                   {"reason", std::string(to_string(run.summary.reason))}});
    }
    std::cout << doc.dump(2) << '\n';
    return report_errors({write_error}, exit_status(result));
  }
  Table table({"optimizer", "steps", "f", "reason"});
  for (const auto& run : result.runs) {
    table.add_row({run.label, fmt::format("{}", run.summary.steps), fmt_num(run.summary.f),
                   std::string(to_string(run.summary.reason))});
  }
  table.print(std::cout);
  if (write_error) return report_errors({write_error}, 0);
  std::cout << "wrote " << o.out << '\n';
  return exit_status(result);
}

RunFn setup(CLI::App& sub) {
  auto o = std::make_shared<PlotOptions>();
  sub.add_option("EXPR", o->expression, "formula of one or two variables, or a problem name (rosenbrock)")
      ->required();
  sub.add_option("--at", o->at, "the start, e.g. x=-1.5,y=2 (a problem's standard start when omitted)");
  sub.add_option("--optimizer", o->optimizers, "optimizer spec; repeat to race several (default gd)");
  sub.add_option("--schedule", o->schedule, "learning-rate schedule spec, e.g. exp_decay(lambda=0.01)");
  sub.add_option("--steps", o->steps,
                 "optimizer updates per run (default 100; a problem's suggestion)")
      ->check(integer_in(1, optim::kMaxSteps));
  sub.add_option("--tol", o->tol, "stop when ||grad|| <= tol (default 1e-8)")
      ->check(number_in(0, INFINITY));
  sub.add_option("--range", o->range, "axes, e.g. x=-2:2,y=-1:3 (default: around the paths)");
  sub.add_flag("--arrows", o->arrows, "draw the negative gradient on a coarse grid");
  sub.add_option("--levels", o->levels, "number of contour levels (default 20)")
      ->check(integer_in(1, 200));
  sub.add_option("--out", o->out, "picture file: .svg, .png or .pdf")->required();
  sub.add_option("--width", o->width, "picture width in px (default 800)")
      ->check(integer_in(16, plot::kMaxPixels));
  sub.add_option("--height", o->height, "picture height in px (default 600)")
      ->check(integer_in(16, plot::kMaxPixels));
  sub.add_flag("--json", o->json, "print one JSON document (file, range, each optimizer's result)");
  return [o] { return run_plot(*o); };
}

const bool kRegistered = register_command(
    {"plot", "race optimizers over the contours of a formula and draw their paths", 45, setup});

}  // namespace
}  // namespace descent::cli
