// `descent curvature EXPR --at x=1,y=2 [--top K] [--iterations N] [--json]`: the largest Hessian
// eigenvalues of a formula (or a built-in problem) at a point, by Lanczos on Hessian-vector
// products (optim/curvature.hpp), with the condition number where the smallest eigenvalue is
// known and the largest stable gradient-descent step 2 / lambda_max.
// Example: descent curvature '0.5*x^2 + 500*y^2' --at x=1,y=1
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "args.hpp"
#include "command.hpp"
#include "curvature_output.hpp"
#include "descent/optim/curvature.hpp"
#include "descent/optim/objectives.hpp"
#include "descent/optim/problems.hpp"
#include "descent/symbolic/differentiate.hpp"
#include "descent/symbolic/formula.hpp"
#include "output.hpp"

namespace descent::cli {
namespace {

struct CurvatureArgs {
  std::string expression;
  std::string at;
  std::int64_t top = 3;
  std::int64_t iterations = 0;
  bool json = false;
};

const char* kExactWords = "exact (the symbolic Hessian)";
const char* kDifferenceWords = "central differences of the symbolic gradient";

int run_curvature(const CurvatureArgs& a) {
  std::string formula = a.expression;
  std::vector<std::string> vars;
  Vec x;
  if (const optim::Problem* problem = optim::find_problem(a.expression)) {
    formula = problem->formula;
    vars = problem->variables;
    x = problem->start;
  }
  if (!a.at.empty()) {
    const auto point = parse_point(a.at);
    vars.clear();
    x.resize(static_cast<Index>(point.size()));
    for (std::size_t i = 0; i < point.size(); ++i) {
      vars.push_back(point[i].name);
      x[static_cast<Index>(i)] = point[i].value;
    }
  } else if (vars.empty()) {
    throw_usage(
        "curvature: give the point with --at (e.g. --at x=1,y=1), or name a built-in "
        "problem (see `descent problems`)");
  }
  const bool exact = vars.size() <= symbolic::kMaxHessianVariables;
  const optim::Objective objective = optim::formula_objective(formula, vars, exact);
  symbolic::require_defined(symbolic::parse_formula(formula), vars,
                            std::span<const double>(x.data(), vars.size()), /*derivatives=*/true);
  const optim::Curvature c = optim::curvature(optim::hessian_product(objective, x), x.size(),
                                              {.top = a.top, .iterations = a.iterations});
  if (a.json) {
    nlohmann::json at = nlohmann::json::object();
    for (std::size_t i = 0; i < vars.size(); ++i) at[vars[i]] = json_num(x[static_cast<Index>(i)]);
    nlohmann::json doc{{"expression", formula},
                       {"variables", vars},
                       {"at", at},
                       {"hessian_vector_products", exact ? "exact" : "finite_difference"}};
    doc.update(curvature_json(c));
    std::cout << doc.dump(2) << '\n';
    return 0;
  }
  std::cout << "curvature of f = " << formula << "\nat ";
  for (std::size_t i = 0; i < vars.size(); ++i) {
    std::cout << (i ? ", " : "") << vars[i] << " = " << fmt_num(x[static_cast<Index>(i)]);
  }
  std::cout << fmt::format("\nHessian-vector products: {}; {} Lanczos iterations\n\n",
                           exact ? kExactWords : kDifferenceWords, c.iterations);
  print_curvature(std::cout, c);
  return 0;
}

RunFn setup(CLI::App& sub) {
  auto a = std::make_shared<CurvatureArgs>();
  sub.add_option("EXPR", a->expression, "formula, or a built-in problem name")->required();
  sub.add_option("--at", a->at, "the point, e.g. x=1,y=1 (default for a problem: its start)");
  sub.add_option("--top", a->top, "how many of the largest eigenvalues (default 3)")
      ->check(integer_in(1, optim::kMaxCurvatureTop));
  sub.add_option("--iterations", a->iterations, "Lanczos iterations (default: min(n, 2 top + 30))")
      ->check(integer_in(0, optim::kMaxLanczosIterations));
  sub.add_flag("--json", a->json, "print one JSON document");
  return [a] { return run_curvature(*a); };
}

const bool kRegistered = register_command(
    {"curvature", "top Hessian eigenvalues at a point (Lanczos) and the largest stable gd step", 25,
     setup});

}  // namespace
}  // namespace descent::cli
