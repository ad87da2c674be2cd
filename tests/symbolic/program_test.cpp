// The compiled Program: same values as the tree evaluator and the symbolic derivatives,
// batched evaluation, and the errors of compile_formula.
#include "descent/symbolic/program.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/symbolic/differentiate.hpp"
#include "descent/symbolic/evaluate.hpp"
#include "descent/symbolic/parser.hpp"
#include "random_formula.hpp"

namespace descent::symbolic {
namespace {

// Compiled and tree evaluation use the same double operations up to reassociation.
constexpr double kTol = 1e-11;

void expect_close(double expected, double actual, const std::string& what) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << what;
    return;
  }
  EXPECT_NEAR(expected, actual, kTol * (1.0 + std::fabs(expected))) << what;
}

TEST(Program, CourseGradientIsExact) {
  // Course example (docs/architecture.md): f = 3x^2 y + zy - x has gradient (5, 4, 1) at (1, 1, 1).
  Program p = compile_formula("3*x^2*y + z*y - x", {"x", "y", "z"},
                              Program::Derivatives::gradient);
  const double x[3] = {1, 1, 1};
  double g[3];
  EXPECT_EQ(p.value_grad(x, g), 3.0);
  EXPECT_EQ(g[0], 5.0);
  EXPECT_EQ(g[1], 4.0);
  EXPECT_EQ(g[2], 1.0);
}

TEST(Program, RosenbrockHessianIsHandWorked) {
  // f = (1-x)^2 + 100 (y - x^2)^2 at (1, 1): grad 0, H = [[802, -400], [-400, 200]].
  Program p = compile_formula("(1 - x)^2 + 100*(y - x^2)^2", {"x", "y"},
                              Program::Derivatives::hessian);
  const double x[2] = {1, 1};
  double g[2], h[4];
  EXPECT_EQ(p.value_grad_hessian(x, g, h), 0.0);
  EXPECT_EQ(g[0], 0.0);
  EXPECT_EQ(g[1], 0.0);
  EXPECT_EQ(h[0], 802.0);
  EXPECT_EQ(h[1], -400.0);
  EXPECT_EQ(h[2], -400.0);
  EXPECT_EQ(h[3], 200.0);
}

TEST(Program, ExtraVariablesHaveZeroGradient) {
  Program p = compile_formula("x^2", {"x", "w"}, Program::Derivatives::gradient);
  const double x[2] = {3, 7};
  double g[2];
  EXPECT_EQ(p.value_grad(x, g), 9.0);
  EXPECT_EQ(g[0], 6.0);
  EXPECT_EQ(g[1], 0.0);
}

TEST(Program, MissingVariableNamesItForTheCli) {
  try {
    compile_formula("x + z", {"x"}, Program::Derivatives::gradient);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_usage);
    EXPECT_STREQ(e.what(), "variable 'z' has no value");
  }
}

TEST(Program, AskingForUncompiledDerivativesIsAnError) {
  Program p = compile_formula("x^2", {"x"}, Program::Derivatives::none);
  const double x[1] = {1};
  double g[1];
  EXPECT_THROW(p.value_grad(x, g), Error);
}

TEST(Program, MatchesTreeEvaluationOnRandomFormulas) {
  test::RandomFormula gen(3);
  const std::vector<std::string> vars{"x", "y", "z"};
  for (int i = 0; i < 200; ++i) {
    const std::string text = gen.formula(4);
    const Expr f = parse(text);
    Program p = Program::compile(f, vars, Program::Derivatives::hessian);
    const auto grad = gradient(f, vars);
    const auto hess = hessian(f, vars);
    const std::vector<double> x = gen.point(3);
    double g[3], h[9];
    const double v = p.value_grad_hessian(x.data(), g, h);
    expect_close(evaluate<double>(f, vars, x), v, text);
    expect_close(evaluate<double>(f, vars, x), p.value(x.data()), text);
    for (int k = 0; k < 3; ++k) expect_close(evaluate<double>(grad[k], vars, x), g[k], text);
    for (int k = 0; k < 9; ++k) expect_close(evaluate<double>(hess[k], vars, x), h[k], text);
  }
}

TEST(Program, BatchedValuesMatchOnePointAtATime) {
  Program p = compile_formula("sin(x)*y^2 + exp(-x*y)/(1 + x^2)", {"x", "y"},
                              Program::Derivatives::gradient);
  test::RandomFormula gen(5);
  const std::size_t n = 150;  // more than two blocks, the last one partial
  std::vector<double> points;
  for (std::size_t i = 0; i < n; ++i) {
    for (double c : gen.point(2)) points.push_back(c);
  }
  std::vector<double> values(n), grads(2 * n);
  p.values(points.data(), n, values.data(), grads.data());
  for (std::size_t i = 0; i < n; ++i) {
    double g[2];
    const double v = p.value_grad(&points[2 * i], g);
    EXPECT_DOUBLE_EQ(values[i], v);
    EXPECT_DOUBLE_EQ(grads[2 * i], g[0]);
    EXPECT_DOUBLE_EQ(grads[2 * i + 1], g[1]);
  }
}

TEST(Program, CopiesOwnTheirScratch) {
  Program a = compile_formula("x*y", {"x", "y"}, Program::Derivatives::gradient);
  Program b = a;
  const double p1[2] = {2, 3}, p2[2] = {5, 7};
  double g1[2], g2[2];
  const double v1 = a.value_grad(p1, g1);
  const double v2 = b.value_grad(p2, g2);
  EXPECT_EQ(v1, 6.0);
  EXPECT_EQ(v2, 35.0);
  EXPECT_EQ(g1[0], 3.0);
  EXPECT_EQ(g2[0], 7.0);
}

TEST(Program, SharesCommonSubexpressions) {
  // sin(x*y) appears three times but is computed once: x*y, sin, two adds... far fewer
  // instructions than a tree walk would do.
  Program p = compile_formula("sin(x*y) + sin(x*y)^2 + exp(sin(x*y))", {"x", "y"},
                              Program::Derivatives::none);
  EXPECT_LE(p.instruction_count(), 6u);
}

}  // namespace
}  // namespace descent::symbolic
