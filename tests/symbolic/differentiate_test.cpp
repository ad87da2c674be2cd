// Symbolic differentiation: the course examples, each rule, and higher orders.
#include "descent/symbolic/differentiate.hpp"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "descent/symbolic/evaluate.hpp"
#include "descent/symbolic/parser.hpp"
#include "descent/symbolic/printer.hpp"

namespace descent::symbolic {
namespace {

std::string d(std::string_view text, std::string_view var = "x") {
  return to_string(diff(parse(text), var));
}

TEST(Diff, CourseExamplePolynomial) {
  // Course example (docs/architecture.md): d/dx (x^2 + 2x + 3) = 2x + 2.
  EXPECT_EQ(d("x^2 + 2*x + 3"), "2*x + 2");
}

TEST(Diff, CourseExampleGradientAtOnes) {
  // Course example (docs/architecture.md): f = 3x^2 y + zy - x has gradient (5, 4, 1) at (1, 1, 1).
  const Expr f = parse("3*x^2*y + z*y - x");
  const std::map<std::string, double> ones{{"x", 1}, {"y", 1}, {"z", 1}};
  EXPECT_EQ(evaluate(diff(f, "x"), ones), 5.0);
  EXPECT_EQ(evaluate(diff(f, "y"), ones), 4.0);
  EXPECT_EQ(evaluate(diff(f, "z"), ones), 1.0);
  EXPECT_EQ(to_string(diff(f, "x")), "6*x*y - 1");
}

TEST(Diff, OfAnotherVariableIsZero) { EXPECT_EQ(d("y^2 + sin(y)"), "0"); }

TEST(Diff, ProductRule) { EXPECT_EQ(d("x*sin(x)"), "x*cos(x) + sin(x)"); }

TEST(Diff, QuotientComesOutAsNegativePower) { EXPECT_EQ(d("1/x"), "-1/x^2"); }

TEST(Diff, ChainRuleThroughCalls) {
  EXPECT_EQ(d("sin(x^2)"), "2*x*cos(x^2)");
  EXPECT_EQ(d("exp(2*x)"), "2*exp(2*x)");
  EXPECT_EQ(d("log(x)"), "1/x");
}

TEST(Diff, TrigonometricRules) {
  EXPECT_EQ(d("cos(x)"), "-sin(x)");
  EXPECT_EQ(d("tan(x)"), "tan(x)^2 + 1");
  EXPECT_EQ(d("asin(x)"), "1/sqrt(1 - x^2)");
  EXPECT_EQ(d("acos(x)"), "-1/sqrt(1 - x^2)");
  EXPECT_EQ(d("atan(x)"), "1/(x^2 + 1)");
}

TEST(Diff, HyperbolicRules) {
  EXPECT_EQ(d("sinh(x)"), "cosh(x)");
  EXPECT_EQ(d("cosh(x)"), "sinh(x)");
  EXPECT_EQ(d("tanh(x)"), "1 - tanh(x)^2");
}

TEST(Diff, SquareRoot) { EXPECT_EQ(d("sqrt(x)"), "1/(2*sqrt(x))"); }

TEST(Diff, AbsIsSign) { EXPECT_EQ(d("abs(x)"), "sign(x)"); }

TEST(Diff, SigmoidAndSoftplus) {
  EXPECT_EQ(d("sigmoid(x)"), "sigmoid(x)*(1 - sigmoid(x))");
  EXPECT_EQ(d("softplus(x)"), "sigmoid(x)");
}

TEST(Diff, MinAndMaxFollowTheActiveArgument) {
  // min(x, y) at x < y is x: derivative 1 in x, 0 in y; max the other way round.
  const std::map<std::string, double> p{{"x", 1.0}, {"y", 2.0}};
  EXPECT_EQ(evaluate(diff(parse("min(x, y)"), "x"), p), 1.0);
  EXPECT_EQ(evaluate(diff(parse("min(x, y)"), "y"), p), 0.0);
  EXPECT_EQ(evaluate(diff(parse("max(x, y)"), "x"), p), 0.0);
  EXPECT_EQ(evaluate(diff(parse("max(x, y)"), "y"), p), 1.0);
}

TEST(Diff, PowerWithVariableExponent) {
  EXPECT_EQ(d("2^x"), "0.6931471805599453*2^x");  // log(2) 2^x
  EXPECT_EQ(d("x^y", "y"), "x^y*log(x)");
}

TEST(Diff, SuccessiveDerivatives) {
  // d/dy d/dx d/dx (x^3 y) = d/dy (6 x y) = 6 x
  EXPECT_EQ(to_string(diff(diff(diff(parse("x^3*y"), "x"), "x"), "y")), "6*x");
}

TEST(Diff, HessianIsSymmetricAndShared) {
  const auto h = hessian(parse("x^2*y + y^3"), {"x", "y"});
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(to_string(h[0]), "2*y");
  EXPECT_EQ(to_string(h[1]), "2*x");
  EXPECT_TRUE(h[1] == h[2]);
  EXPECT_EQ(to_string(h[3]), "6*y");
}

TEST(Diff, DeepCompositionStaysSmall) {
  // sin(sin(...sin(x))) 200 deep: the derivative is a product of 200 cosines sharing the
  // nested sines, so the DAG grows linearly, not exponentially.
  std::string text = "x";
  for (int i = 0; i < 200; ++i) text = "sin(" + text + ")";
  const Expr f = parse(text);
  EXPECT_LT(node_count(diff(f, "x")), 5u * node_count(f));
}

}  // namespace
}  // namespace descent::symbolic
