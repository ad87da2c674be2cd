// SymPy reference fixtures (tests/reference/generate_symbolic.py): value, gradient and Hessian
// of 160 random formulas using every function of the language.
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "descent/symbolic/formula.hpp"

namespace descent::symbolic {
namespace {

// SymPy evaluates with 30 digits; we do double arithmetic along a different but equivalent
// expression, so agreement is to rounding: 1e-10 relative with an absolute floor of 1e-10.
constexpr double kRelTol = 1e-10;
constexpr double kAbsFloor = 1e-10;

struct Fixture {
  std::string formula;
  std::vector<std::string> variables;
  std::vector<double> point, grad, hessian;
  double value = 0.0;
};

std::vector<Fixture> load() {
  std::ifstream in(std::string(DESCENT_REFERENCE_DIR) + "/symbolic_fixtures.json");
  const auto json = nlohmann::json::parse(in);
  std::vector<Fixture> out;
  for (const auto& j : json) {
    Fixture f;
    f.formula = j.at("formula").get<std::string>();
    f.variables = j.at("variables").get<std::vector<std::string>>();
    f.point = j.at("point").get<std::vector<double>>();
    f.value = j.at("value").get<double>();
    f.grad = j.at("grad").get<std::vector<double>>();
    for (const auto& row : j.at("hessian")) {
      for (double h : row) f.hessian.push_back(h);
    }
    out.push_back(std::move(f));
  }
  return out;
}

const std::vector<Fixture>& fixtures() {
  static const std::vector<Fixture> all = load();
  return all;
}

void expect_near(double expected, double actual, const std::string& what) {
  EXPECT_NEAR(actual, expected, kAbsFloor + kRelTol * std::fabs(expected)) << what;
}

TEST(Reference, HasAtLeast150Formulas) { EXPECT_GE(fixtures().size(), 150u); }

TEST(Reference, TreeEvaluationMatchesSympy) {
  for (const auto& f : fixtures()) {
    expect_near(f.value, evaluate<double>(parse(f.formula), f.variables, f.point), f.formula);
  }
}

TEST(Reference, SymbolicDerivativesMatchSympy) {
  for (const auto& f : fixtures()) {
    const Expr e = parse(f.formula);
    const auto grad = gradient(e, f.variables);
    const auto hess = hessian(e, f.variables);
    for (std::size_t i = 0; i < grad.size(); ++i) {
      expect_near(f.grad[i], evaluate<double>(grad[i], f.variables, f.point), f.formula);
    }
    for (std::size_t i = 0; i < hess.size(); ++i) {
      expect_near(f.hessian[i], evaluate<double>(hess[i], f.variables, f.point), f.formula);
    }
  }
}

TEST(Reference, CompiledProgramMatchesSympy) {
  for (const auto& f : fixtures()) {
    Program p = compile_formula(f.formula, f.variables, Program::Derivatives::hessian);
    const std::size_t n = f.variables.size();
    std::vector<double> g(n), h(n * n);
    expect_near(f.value, p.value_grad_hessian(f.point.data(), g.data(), h.data()), f.formula);
    for (std::size_t i = 0; i < n; ++i) expect_near(f.grad[i], g[i], f.formula);
    for (std::size_t i = 0; i < n * n; ++i) expect_near(f.hessian[i], h[i], f.formula);
  }
}

TEST(Reference, PrintedDerivativesParseBackToSympyValues) {
  for (const auto& f : fixtures()) {
    const auto grad = gradient(parse(f.formula), f.variables);
    for (std::size_t i = 0; i < grad.size(); ++i) {
      const Expr reparsed = parse(to_string(grad[i]));
      expect_near(f.grad[i], evaluate<double>(reparsed, f.variables, f.point),
                  f.formula + "  d/d" + f.variables[i] + " = " + to_string(grad[i]));
    }
  }
}

}  // namespace
}  // namespace descent::symbolic
