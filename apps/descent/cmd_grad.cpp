// `descent grad EXPR --at x=1,y=2 [--hessian]`: gradient (and Hessian) at a point, in --at's
// order, with the symbolic partial derivatives. A value or derivative that is not finite at the
// point is an error (exit 2) naming the part: "log(x) is undefined at x = -1" (domain.hpp).
// Example: descent grad '3*x^2*y + z*y - x' --at x=1,y=1,z=1
#include <algorithm>
#include <cmath>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "args.hpp"
#include "command.hpp"
#include "descent/symbolic/formula.hpp"
#include "output.hpp"

namespace descent::cli {
namespace {

struct GradOptions {
  std::string expression;
  std::string at;
  bool hessian = false;
  bool json = false;
};

int run_grad(const GradOptions& o) {
  const auto point = parse_point(o.at);
  std::vector<std::string> vars;
  std::vector<double> x;
  for (const auto& p : point) {
    vars.push_back(p.name);
    x.push_back(p.value);
  }
  const symbolic::ParsedFormula parsed = symbolic::parse_formula(o.expression);
  const symbolic::Expr& f = parsed.expr;
  // Compile first: it names a variable missing from --at before the point is evaluated.
  auto program = symbolic::compile_formula(
      o.expression, vars,
      o.hessian ? symbolic::Program::Derivatives::hessian : symbolic::Program::Derivatives::gradient);
  symbolic::require_defined(parsed, vars, x, /*derivatives=*/true);
  const std::size_t n = vars.size();
  std::vector<double> grad(n), hess(n * n);
  const double value = o.hessian ? program.value_grad_hessian(x.data(), grad.data(), hess.data())
                                 : program.value_grad(x.data(), grad.data());
  for (std::size_t k = 0; k < hess.size(); ++k) {
    if (!std::isfinite(hess[k])) {
      throw Error(ErrorCode::bad_input,
                  fmt::format("the Hessian entry d2f/d{}d{} is not finite ({}) at {}", vars[k / n],
                              vars[k % n], hess[k], symbolic::describe_point(f, vars, x)));
    }
  }
  const auto partials = symbolic::gradient(f, vars);

  if (o.json) {
    nlohmann::json doc{{"expression", o.expression}, {"variables", vars}, {"f", json_num(value)}};
    doc["grad"] = nlohmann::json::array();
    doc["grad_expressions"] = nlohmann::json::array();
    for (std::size_t i = 0; i < n; ++i) {
      doc["grad"].push_back(json_num(grad[i]));
      doc["grad_expressions"].push_back(symbolic::to_string(partials[i]));
    }
    if (o.hessian) {
      doc["hessian"] = nlohmann::json::array();
      for (std::size_t i = 0; i < n; ++i) {
        auto row = nlohmann::json::array();
        for (std::size_t j = 0; j < n; ++j) row.push_back(json_num(hess[i * n + j]));
        doc["hessian"].push_back(row);
      }
    }
    std::cout << doc.dump(2) << '\n';
    return 0;
  }

  std::cout << "f = " << symbolic::to_string(f) << "\nat ";
  for (std::size_t i = 0; i < n; ++i) std::cout << (i ? ", " : "") << vars[i] << " = " << fmt_num(x[i]);
  std::cout << ":  f = " << fmt_num(value, 12) << "\n\n";
  // One line per partial derivative: its formula, then its value, both columns aligned.
  std::vector<std::string> lhs(n);
  std::size_t width = 0;
  for (std::size_t i = 0; i < n; ++i) {
    lhs[i] = fmt::format("df/d{} = {}", vars[i], symbolic::to_string(partials[i]));
    width = std::max(width, lhs[i].size());
  }
  for (std::size_t i = 0; i < n; ++i) {
    std::cout << fmt::format("{:<{}}  ->  {}\n", lhs[i], width, fmt_num(grad[i], 12));
  }
  if (o.hessian) {
    std::cout << "\nHessian:\n";
    std::vector<std::string> header{""};
    for (const auto& v : vars) header.push_back(v);
    Table h(header);
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<std::string> row{vars[i]};
      for (std::size_t j = 0; j < n; ++j) row.push_back(fmt_num(hess[i * n + j], 12));
      h.add_row(row);
    }
    h.print(std::cout);
  }
  return 0;
}

RunFn setup(CLI::App& sub) {
  auto o = std::make_shared<GradOptions>();
  sub.add_option("EXPR", o->expression, "formula, e.g. '3*x^2*y + z*y - x'")->required();
  sub.add_option("--at", o->at, "the point, e.g. x=1,y=1,z=1 (every variable of EXPR)")
      ->required();
  sub.add_flag("--hessian", o->hessian, "also the Hessian matrix");
  sub.add_flag("--json", o->json, "print one JSON document");
  return [o] { return run_grad(*o); };
}

const bool kRegistered = register_command(
    {"grad", "gradient (and Hessian) of a formula at a point", 20, setup});

}  // namespace
}  // namespace descent::cli
