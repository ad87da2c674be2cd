#include "serve/api.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <iterator>
#include <memory>
#include <span>
#include <string_view>

#include "common/run_json.hpp"
#include "descent/core/error.hpp"
#include "descent/optim/minimize.hpp"
#include "descent/optim/objectives.hpp"
#include "descent/optim/problems.hpp"
#include "descent/optim/schedule.hpp"
#include "descent/plot/charts.hpp"
#include "descent/plot/color.hpp"
#include "descent/plot/contour.hpp"
#include "descent/plot/figure.hpp"
#include "descent/plot/race.hpp"
#include "descent/symbolic/formula.hpp"

namespace descent::serve {
namespace {

// Grid values for the page as a JSON array: 6 significant digits (what a picture and a tooltip
// need; a third of the bytes of full precision), null where not finite. Written directly:
// building 80,000 JSON values one by one costs more than computing them.
std::string short_array(const std::vector<double>& values) {
  std::string out;
  out.reserve(values.size() * 12 + 2);
  out.push_back('[');
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (k) out.push_back(',');
    if (std::isfinite(values[k])) {
      fmt::format_to(std::back_inserter(out), "{:.6g}", values[k]);
    } else {
      out += "null";
    }
  }
  out.push_back(']');
  return out;
}

// Replaces the JSON string "@key" in `text` (a placeholder no formula can hold: '@' is no
// character of the formula language) by `raw`.
void splice(std::string& text, std::string_view key, const std::string& raw) {
  const std::string placeholder = fmt::format("\"@{}\"", key);
  const auto at = text.find(placeholder);
  if (at != std::string::npos) text.replace(at, placeholder.size(), raw);
}

[[noreturn]] void bad(const std::string& message) { throw ApiError(400, message); }

const nlohmann::json& field(const nlohmann::json& request, const char* key) {
  static const nlohmann::json kNull;
  if (!request.is_object()) bad("the request body must be a JSON object");
  const auto it = request.find(key);
  return it == request.end() ? kNull : *it;
}

std::string text_field(const nlohmann::json& request, const char* key, std::size_t max_chars,
                       const std::string& fallback) {
  const auto& v = field(request, key);
  if (v.is_null()) return fallback;
  if (!v.is_string()) bad(fmt::format("'{}' must be a string", key));
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() > max_chars) {
    throw ApiError(413,
                   fmt::format("'{}' has {} characters; at most {}", key, s.size(), max_chars));
  }
  return s;
}

double number_field(const nlohmann::json& request, const char* key, double fallback) {
  const auto& v = field(request, key);
  if (v.is_null()) return fallback;
  if (!v.is_number() || !std::isfinite(v.get<double>())) {
    bad(fmt::format("'{}' must be a finite number", key));
  }
  return v.get<double>();
}

std::int64_t count_field(const nlohmann::json& request, const char* key, std::int64_t fallback,
                         std::int64_t lo, std::int64_t hi) {
  const auto& v = field(request, key);
  if (v.is_null()) return fallback;
  if (!v.is_number_integer()) bad(fmt::format("'{}' must be an integer", key));
  const auto n = v.get<std::int64_t>();
  if (n < lo) bad(fmt::format("'{}' = {}; must be at least {}", key, n, lo));
  if (n > hi) throw ApiError(413, fmt::format("'{}' = {}; at most {}", key, n, hi));
  return n;
}

// The function a request names: a built-in problem or a formula, its variables (the problem's,
// or the formula's in order of appearance) and a problem's start.
struct Function {
  std::string formula;
  std::vector<std::string> variables;
  Vec start;
};

Function resolve(const nlohmann::json& request, const Limits& limits) {
  const std::string expr = text_field(request, "expr", limits.max_formula_chars, "");
  if (expr.empty()) bad("'expr' is missing: a formula such as x^2 + y^2, or a problem name");
  if (const optim::Problem* p = optim::find_problem(expr))
    return {p->formula, p->variables, p->start};
  Function fn{expr, symbolic::variables(symbolic::parse(expr)), {}};
  if (fn.variables.empty() || fn.variables.size() > 2) {
    bad(fmt::format("the page draws functions of 1 or 2 variables; {} has {}{}{}", expr,
                    fn.variables.size(), fn.variables.empty() ? "" : ": ",
                    fmt::join(fn.variables, ", ")));
  }
  return fn;
}

std::array<double, 4> range_field(const nlohmann::json& request) {
  const auto& v = field(request, "range");
  if (v.is_null()) return {-2.0, 2.0, -2.0, 2.0};
  if (!v.is_array() || v.size() != 4) bad("'range' must be [x_lo, x_hi, y_lo, y_hi]");
  std::array<double, 4> r{};
  for (std::size_t i = 0; i < 4; ++i) {
    if (!v[i].is_number() || !std::isfinite(v[i].get<double>()))
      bad("'range' holds finite numbers");
    r[i] = v[i].get<double>();
  }
  constexpr double kMaxAbs = 1e9;  // beyond it a pixel's step is lost in rounding
  for (double x : r) {
    if (std::abs(x) > kMaxAbs) bad(fmt::format("'range' values lie within +-{:g}", kMaxAbs));
  }
  if (!(r[0] < r[1]) || !(r[2] < r[3])) bad("'range' needs x_lo < x_hi and y_lo < y_hi");
  return r;
}

Vec start_field(const nlohmann::json& request, const Function& fn) {
  const auto& v = field(request, "at");
  if (v.is_null()) {
    if (fn.start.size() == 0) bad("'at' is missing: the start point, one number per variable");
    return fn.start;
  }
  if (!v.is_array() || v.size() != fn.variables.size()) {
    bad(fmt::format("'at' must hold {} numbers ({})", fn.variables.size(),
                    fmt::join(fn.variables, ", ")));
  }
  Vec x(static_cast<Index>(v.size()));
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_number() || !std::isfinite(v[i].get<double>())) bad("'at' holds finite numbers");
    x[static_cast<Index>(i)] = v[i].get<double>();
  }
  return x;
}

std::vector<std::string> optimizers_field(const nlohmann::json& request, const Limits& limits) {
  const auto& v = field(request, "optimizers");
  if (v.is_null()) return {"gd(lr=0.1)"};
  if (!v.is_array() || v.empty())
    bad("'optimizers' must be a list of specs such as \"adam(lr=0.1)\"");
  if (v.size() > limits.max_optimizers) {
    throw ApiError(413, fmt::format("{} optimizers; at most {}", v.size(), limits.max_optimizers));
  }
  std::vector<std::string> specs;
  for (const auto& s : v) {
    if (!s.is_string()) bad("'optimizers' holds spec strings");
    if (s.get_ref<const std::string&>().size() > limits.max_spec_chars) {
      throw ApiError(
          413, fmt::format("an optimizer spec has at most {} characters", limits.max_spec_chars));
    }
    specs.push_back(s.get<std::string>());
  }
  return specs;
}

void contour_fill(nlohmann::json& doc, const std::vector<double>& values, std::size_t level_count) {
  // The PNG plots' fill: band b (values between levels b-1 and b) in viridis(b / levels),
  // lightened towards white by the figure's default (plot/figure.hpp, ContourFill::lighten).
  const std::vector<double> levels = plot::contour_levels(values, level_count);
  const double lighten = plot::ContourFill{}.lighten;
  nlohmann::json colors = nlohmann::json::array();
  const double bands = static_cast<double>(std::max<std::size_t>(levels.size(), 1));
  for (std::size_t b = 0; b <= levels.size(); ++b) {
    colors.push_back(
        plot::viridis(static_cast<double>(b) / bands).mix(plot::kWhite, lighten).hex());
  }
  doc["levels"] = levels;
  doc["colors"] = colors;
  doc["missing"] = plot::Color{0.85, 0.85, 0.85, 1.0}.hex();
}

}  // namespace

nlohmann::json error_json(int status, const std::string& message) {
  return {{"error", message}, {"status", status}};
}

nlohmann::json problems_json() {
  auto doc = nlohmann::json::array();
  for (const auto& p : optim::problems()) {
    auto minimizers = nlohmann::json::array();
    for (const auto& m : p.minimizers)
      minimizers.push_back(std::vector<double>(m.begin(), m.end()));
    doc.push_back({{"name", p.name},
                   {"description", p.description},
                   {"formula", p.formula},
                   {"variables", p.variables},
                   {"start", std::vector<double>(p.start.begin(), p.start.end())},
                   {"minimizers", minimizers},
                   {"minimum", p.minimum},
                   {"optimizer", p.suggested_optimizer},
                   {"steps", p.suggested_steps}});
  }
  return {{"problems", doc}};
}

std::string contour_json(const nlohmann::json& request, const Limits& limits) {
  const Function fn = resolve(request, limits);
  const auto range = range_field(request);
  const auto n = static_cast<std::size_t>(
      count_field(request, "resolution", 200, 2, static_cast<std::int64_t>(limits.max_resolution)));
  const auto level_count = static_cast<std::size_t>(
      count_field(request, "levels", 20, 1, static_cast<std::int64_t>(limits.max_levels)));
  const plot::BatchFn f = plot::batch_fn(symbolic::compile_formula(fn.formula, fn.variables));
  const std::size_t dim = fn.variables.size();
  const std::size_t nodes = dim == 2 ? n * n : n;
  std::vector<double> points(nodes * dim), values(nodes), grads(nodes * dim);
  for (std::size_t k = 0; k < nodes; ++k) {
    const std::size_t i = k % n, j = k / n;
    points[k * dim] =
        range[0] + (range[1] - range[0]) * static_cast<double>(i) / static_cast<double>(n - 1);
    if (dim == 2) {
      points[k * dim + 1] =
          range[2] + (range[3] - range[2]) * static_cast<double>(j) / static_cast<double>(n - 1);
    }
  }
  f(points.data(), nodes, values.data(), grads.data());
  std::vector<double> grad_norm(nodes);
  for (std::size_t k = 0; k < nodes; ++k) {
    double g2 = 0.0;
    for (std::size_t d = 0; d < dim; ++d) g2 += grads[k * dim + d] * grads[k * dim + d];
    grad_norm[k] = std::sqrt(g2);
  }
  // The paths' colours, as the PNG plots draw them.
  nlohmann::json palette = nlohmann::json::array();
  for (std::size_t i = 0; i < 8; ++i) palette.push_back(plot::palette(i).hex());
  nlohmann::json doc{{"expression", fn.formula}, {"variables", fn.variables}, {"palette", palette}};
  if (dim == 1) {
    nlohmann::json xs = nlohmann::json::array();
    for (std::size_t k = 0; k < nodes; ++k) xs.push_back(points[k]);
    doc["curve"] = {{"x", xs}, {"f", "@f"}, {"grad_norm", "@g"}};
  } else {
    contour_fill(doc, values, level_count);
    doc["grid"] = {{"nx", n},          {"ny", n},          {"x_lo", range[0]}, {"x_hi", range[1]},
                   {"y_lo", range[2]}, {"y_hi", range[3]}, {"values", "@f"},   {"grad_norm", "@g"}};
  }
  std::string text = doc.dump();
  splice(text, "f", short_array(values));
  splice(text, "g", short_array(grad_norm));
  return text;
}

nlohmann::json race_json(const nlohmann::json& request, const Limits& limits,
                         const std::atomic<bool>* stop) {
  const Function fn = resolve(request, limits);
  const Vec start = start_field(request, fn);
  const auto specs = optimizers_field(request, limits);
  const std::string schedule_spec =
      text_field(request, "schedule", limits.max_spec_chars, "constant");
  const std::int64_t steps = count_field(request, "steps", 100, 0, limits.max_steps);
  const double tol = number_field(request, "tol", 1e-8);
  if (tol < 0) bad("'tol' must be >= 0");
  // A start where f or its gradient is not finite is refused, as by `descent minimize`.
  symbolic::require_defined(symbolic::parse_formula(fn.formula), fn.variables,
                            std::span<const double>(start.data(), fn.variables.size()),
                            /*derivatives=*/true);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(limits.run_seconds));
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& spec : specs) {
    auto optimizer = optim::make_optimizer(spec);
    auto schedule = optim::make_schedule(schedule_spec, optimizer->lr(), steps);
    const optim::Objective objective =
        optim::formula_objective(fn.formula, fn.variables, optimizer->needs_hessian());
    optim::MinimizeOptions options{
        .steps = steps, .tol = tol, .trace = true, .trace_limit = plot::kPathPoints};
    options.on_step = [&](const optim::StepInfo& info) {
      if (info.step % 64 != 0) return true;
      return !(stop && stop->load()) && std::chrono::steady_clock::now() < deadline;
    };
    const RunSummary summary =
        optim::minimize(objective, start, *optimizer, schedule.get(), options);
    runs.push_back(apps::run_json(fn.variables, *optimizer, *schedule, summary));
  }
  return {{"expression", fn.formula},
          {"variables", fn.variables},
          {"start", std::vector<double>(start.begin(), start.end())},
          {"runs", std::move(runs)}};
}

}  // namespace descent::serve
