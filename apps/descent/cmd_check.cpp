// `descent check EXPR --at x=1,y=2 [--tol T]`: the gradient three ways (symbolic, autodiff,
// central finite differences), compared per coordinate with a verdict. A failed check is a
// result (exit 0, verdict "fail"), not an error; a value that is not finite is not a result: f or
// its symbolic gradient undefined at the point, or an autodiff or finite-difference value that
// is not finite (a step past the edge of the domain), is an error (exit 2) naming it.
// Example: descent check 'sin(x)*y^2' --at x=1,y=2
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "args.hpp"
#include "command.hpp"
#include "descent/autodiff/gradient.hpp"
#include "descent/numdiff/gradient_check.hpp"
#include "descent/numdiff/numdiff.hpp"
#include "descent/symbolic/formula.hpp"
#include "output.hpp"

namespace descent::cli {
namespace {

struct CheckOptions {
  std::string expression;
  std::string at;
  double tol = 1e-6;
  bool json = false;
};

struct Gradients {
  double f = 0.0;
  Vec symbolic, autodiff, numeric;
};

void require_finite(const char* method, const Vec& g, const std::vector<std::string>& vars,
                    const Vec& x) {
  for (Index i = 0; i < g.size(); ++i) {
    if (std::isfinite(g[i])) continue;
    std::string point;
    for (std::size_t k = 0; k < vars.size(); ++k) {
      point += fmt::format("{}{} = {}", k ? ", " : "", vars[k], x[static_cast<Index>(k)]);
    }
    throw Error(ErrorCode::bad_input,
                fmt::format("{} df/d{} = {} at {}; the check needs finite values there (is the "
                            "point at the edge of the domain?)",
                            method, vars[static_cast<std::size_t>(i)],
                            std::isnan(g[i]) ? "nan" : fmt::format("{}", g[i]), point));
  }
}

Gradients three_gradients(const std::string& text, const std::vector<std::string>& vars,
                          const Vec& x) {
  const symbolic::ParsedFormula parsed = symbolic::parse_formula(text);
  const symbolic::Expr& expr = parsed.expr;
  auto program = symbolic::compile_formula(text, vars, symbolic::Program::Derivatives::gradient);
  symbolic::require_defined(parsed, vars, std::span<const double>(x.data(), vars.size()),
                            /*derivatives=*/true);
  Gradients g;
  g.symbolic.resize(x.size());
  g.f = program.value_grad(x.data(), g.symbolic.data());

  // Autodiff records the tree evaluation of the same expression on its tape.
  const auto generic = [&](const auto& v) {
    using T = std::decay_t<decltype(v[0])>;
    std::vector<T> values;  // autodiff's inputs are made on the spot: not a contiguous array
    values.reserve(vars.size());
    for (std::size_t i = 0; i < vars.size(); ++i) values.push_back(v[static_cast<Index>(i)]);
    return symbolic::evaluate<T>(expr, vars, std::span<const T>(values));
  };
  autodiff::value_and_gradient(generic, x, g.autodiff);

  auto value_program = program;  // its own scratch for the finite differences
  g.numeric = numdiff::gradient([&](const Vec& p) { return value_program.value(p.data()); }, x);
  require_finite("autodiff gives", g.autodiff, vars, x);
  require_finite("central differences give", g.numeric, vars, x);
  return g;
}

nlohmann::json to_json(const Vec& v) {
  auto out = nlohmann::json::array();
  for (double d : v) out.push_back(json_num(d));
  return out;
}

int run_check(const CheckOptions& o) {
  if (!(o.tol > 0)) throw_usage("--tol must be positive, got {}", o.tol);
  const auto point = parse_point(o.at);
  std::vector<std::string> vars;
  Vec x(static_cast<Index>(point.size()));
  for (std::size_t i = 0; i < point.size(); ++i) {
    vars.push_back(point[i].name);
    x[static_cast<Index>(i)] = point[i].value;
  }
  const Gradients g = three_gradients(o.expression, vars, x);
  numdiff::GradientCheckOptions options;
  options.tolerance = o.tol;
  const auto vs_autodiff = numdiff::compare_gradients(g.symbolic, g.autodiff, options);
  const auto vs_numeric = numdiff::compare_gradients(g.symbolic, g.numeric, options);
  const bool ok = vs_autodiff.ok && vs_numeric.ok;

  if (o.json) {
    nlohmann::json doc{{"expression", o.expression}, {"variables", vars},
                       {"f", json_num(g.f)},         {"symbolic", to_json(g.symbolic)},
                       {"autodiff", to_json(g.autodiff)}, {"numeric", to_json(g.numeric)},
                       {"tolerance", o.tol},         {"ok", ok},
                       {"verdict", ok ? "pass" : "fail"}};
    auto coords = nlohmann::json::array();
    for (std::size_t i = 0; i < vars.size(); ++i) {
      const auto& a = vs_autodiff.coordinates[i];
      const auto& n = vs_numeric.coordinates[i];
      coords.push_back({{"variable", vars[i]},
                        {"autodiff_abs_error", json_num(a.abs_error)},
                        {"autodiff_rel_error", json_num(a.rel_error)},
                        {"numeric_abs_error", json_num(n.abs_error)},
                        {"numeric_rel_error", json_num(n.rel_error)},
                        {"ok", a.ok && n.ok}});
    }
    doc["coordinates"] = coords;
    std::cout << doc.dump(2) << '\n';
    return 0;
  }

  std::cout << "f = " << symbolic::to_string(symbolic::parse(o.expression)) << " = "
            << fmt_num(g.f, 12) << "\n\n";
  Table table({"variable", "symbolic", "autodiff", "finite diff", "abs err (ad)", "rel err (ad)",
               "abs err (fd)", "rel err (fd)", "verdict"});
  for (std::size_t i = 0; i < vars.size(); ++i) {
    const auto k = static_cast<Index>(i);
    const auto& a = vs_autodiff.coordinates[i];
    const auto& n = vs_numeric.coordinates[i];
    table.add_row({vars[i], fmt_num(g.symbolic[k], 12), fmt_num(g.autodiff[k], 12),
                   fmt_num(g.numeric[k], 12), fmt_num(a.abs_error, 2), fmt_num(a.rel_error, 2),
                   fmt_num(n.abs_error, 2), fmt_num(n.rel_error, 2),
                   a.ok && n.ok ? "pass" : "FAIL"});
  }
  table.print(std::cout);
  std::cout << fmt::format(
      "\n{}: largest relative error {} (tolerance {}; errors relative to max(|g|, 1); "
      "ad = autodiff, fd = central differences, both against symbolic)\n",
      ok ? "pass" : "FAIL", fmt_num(std::max(vs_autodiff.max_rel_error, vs_numeric.max_rel_error), 2),
      fmt_num(o.tol));
  if (!ok) std::cout << vs_numeric.summary(vars) << '\n';
  return 0;
}

RunFn setup(CLI::App& sub) {
  auto o = std::make_shared<CheckOptions>();
  sub.add_option("EXPR", o->expression, "formula, e.g. 'sin(x)*y^2'")->required();
  sub.add_option("--at", o->at, "the point, e.g. x=1,y=2 (every variable of EXPR)")->required();
  sub.add_option("--tol", o->tol, "largest relative error that passes (default 1e-6)")
      ->check(number_in(0, INFINITY, /*lo_open=*/true));
  sub.add_flag("--json", o->json, "print one JSON document");
  return [o] { return run_check(*o); };
}

const bool kRegistered = register_command(
    {"check", "gradient: symbolic vs autodiff vs finite differences", 30, setup});

}  // namespace
}  // namespace descent::cli
