// The templated tree evaluator with a scalar type other than double: a minimal forward-mode
// dual number defined here, so the test needs nothing beyond the symbolic module.
#include "descent/symbolic/evaluate.hpp"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/symbolic/differentiate.hpp"
#include "descent/symbolic/parser.hpp"

namespace dual_test {

// v + d*eps with eps^2 = 0; every function found by ADL, like autodiff's Var.
struct Dual {
  double v = 0.0, d = 0.0;
  Dual() = default;
  Dual(double value) : v(value) {}  // NOLINT: constants convert implicitly, as for Var
  Dual(double value, double derivative) : v(value), d(derivative) {}
};
inline Dual operator+(Dual a, Dual b) { return {a.v + b.v, a.d + b.d}; }
inline Dual operator-(Dual a, Dual b) { return {a.v - b.v, a.d - b.d}; }
inline Dual operator*(Dual a, Dual b) { return {a.v * b.v, a.d * b.v + a.v * b.d}; }
inline Dual operator/(Dual a, Dual b) { return {a.v / b.v, (a.d * b.v - a.v * b.d) / (b.v * b.v)}; }
inline Dual sin(Dual a) { return {std::sin(a.v), a.d * std::cos(a.v)}; }
inline Dual cos(Dual a) { return {std::cos(a.v), -a.d * std::sin(a.v)}; }
inline Dual tan(Dual a) { return sin(a) / cos(a); }
inline Dual exp(Dual a) { return {std::exp(a.v), a.d * std::exp(a.v)}; }
inline Dual log(Dual a) { return {std::log(a.v), a.d / a.v}; }
inline Dual sqrt(Dual a) { return {std::sqrt(a.v), a.d / (2 * std::sqrt(a.v))}; }
inline Dual asin(Dual a) { return {std::asin(a.v), a.d / std::sqrt(1 - a.v * a.v)}; }
inline Dual acos(Dual a) { return {std::acos(a.v), -a.d / std::sqrt(1 - a.v * a.v)}; }
inline Dual atan(Dual a) { return {std::atan(a.v), a.d / (1 + a.v * a.v)}; }
inline Dual sinh(Dual a) { return {std::sinh(a.v), a.d * std::cosh(a.v)}; }
inline Dual cosh(Dual a) { return {std::cosh(a.v), a.d * std::sinh(a.v)}; }
inline Dual tanh(Dual a) { return {std::tanh(a.v), a.d * (1 - std::tanh(a.v) * std::tanh(a.v))}; }
inline Dual abs(Dual a) { return a.v < 0 ? Dual{-a.v, -a.d} : a; }
inline Dual sigmoid(Dual a) { return Dual(1.0) / (Dual(1.0) + exp(Dual(0.0) - a)); }
inline Dual softplus(Dual a) { return log(Dual(1.0) + exp(a)); }
inline Dual pow(Dual a, double c) { return {std::pow(a.v, c), a.d * c * std::pow(a.v, c - 1)}; }
inline Dual pow(Dual a, Dual b) { return exp(b * log(a)); }
inline Dual min(Dual a, Dual b) { return a.v <= b.v ? a : b; }
inline Dual max(Dual a, Dual b) { return a.v >= b.v ? a : b; }

}  // namespace dual_test

namespace descent::symbolic {
namespace {

using dual_test::Dual;

TEST(Evaluate, NamedValuesGiveTheValue) {
  // 3*2^2*1 + 0*1 - 2 = 10
  EXPECT_EQ(evaluate(parse("3*x^2*y + z*y - x"), {{"x", 2.0}, {"y", 1.0}, {"z", 0.0}}), 10.0);
}

TEST(Evaluate, MissingVariableIsNamed) {
  try {
    evaluate(parse("x + w"), {{"x", 1.0}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "variable 'w' has no value");
  }
}

TEST(Evaluate, DefaultOrderIsVariablesOfTheExpression) {
  const Expr f = parse("x - y");
  const std::vector<double> xy{5.0, 3.0};
  EXPECT_EQ(evaluate<double>(f, std::span<const double>(xy)), 2.0);
}

TEST(Evaluate, GenericScalarGivesForwardDerivativeEqualToSymbolic) {
  // Seeding x with dx = 1, the dual part is df/dx; it must equal the symbolic derivative.
  const std::vector<std::string> vars{"x", "y"};
  for (const char* text : {"sin(x)*y^2 + exp(x/y)", "sigmoid(x*y) + softplus(x - y)",
                           "pow(1 + x^2, y) + min(x, y) + max(x, 2*y) + abs(x - y)",
                           "atan(x) + tanh(y*x) + sqrt(2 + cos(x)) + log(1 + x^2)",
                           "asin(x/2) + acos(y/3) + sinh(x) + cosh(y) + tan(x)"}) {
    const Expr f = parse(text);
    const std::vector<Dual> point{Dual(0.7, 1.0), Dual(1.3, 0.0)};
    const Dual r = evaluate<Dual>(f, vars, point);
    const std::vector<double> plain{0.7, 1.3};
    EXPECT_NEAR(r.v, evaluate<double>(f, vars, plain), 1e-14) << text;
    EXPECT_NEAR(r.d, evaluate<double>(diff(f, "x"), vars, plain), 1e-12) << text;
  }
}

}  // namespace
}  // namespace descent::symbolic
