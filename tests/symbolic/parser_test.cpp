// The formula parser: the language of docs/architecture.md and its error messages.
#include "descent/symbolic/parser.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/symbolic/evaluate.hpp"
#include "descent/symbolic/printer.hpp"

namespace descent::symbolic {
namespace {

double at(std::string_view text, double x = 0.0, double y = 0.0) {
  return evaluate(parse(text), {{"x", x}, {"y", y}});
}

std::string error_of(std::string_view text) {
  try {
    parse(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    return e.what();
  }
  return "no error";
}

TEST(Parser, ReadsNumbersInEveryForm) {
  EXPECT_DOUBLE_EQ(at("3"), 3.0);
  EXPECT_DOUBLE_EQ(at("2.5"), 2.5);
  EXPECT_DOUBLE_EQ(at("1e-3"), 1e-3);
  EXPECT_DOUBLE_EQ(at("1.5E+2"), 150.0);
  EXPECT_DOUBLE_EQ(at(".5"), 0.5);
}

TEST(Parser, KnowsPiAndE) {
  EXPECT_DOUBLE_EQ(at("pi"), std::numbers::pi);
  EXPECT_DOUBLE_EQ(at("e"), std::numbers::e);
}

TEST(Parser, PowerBindsTighterThanUnaryMinus) {
  // The language (docs/architecture.md): -x^2 is -(x^2).
  EXPECT_DOUBLE_EQ(at("-x^2", 3.0), -9.0);
}

TEST(Parser, PowerIsRightAssociative) {
  EXPECT_DOUBLE_EQ(at("2^3^2"), 512.0);   // 2^(3^2)
  EXPECT_DOUBLE_EQ(at("2**3**2"), 512.0);
}

TEST(Parser, ExponentMayBeNegated) {
  EXPECT_DOUBLE_EQ(at("2^-x", 1.0), 0.5);
  EXPECT_DOUBLE_EQ(at("2^-1*4"), 2.0);  // (2^-1)*4
}

TEST(Parser, ProductsAndQuotientsGroupLeftToRight) {
  EXPECT_DOUBLE_EQ(at("8/4/2"), 1.0);
  EXPECT_DOUBLE_EQ(at("8-4-2"), 2.0);
  EXPECT_DOUBLE_EQ(at("2*3+4*5"), 26.0);
  EXPECT_DOUBLE_EQ(at("2*(3+4)*5"), 70.0);
}

TEST(Parser, KnowsEveryFunction) {
  const double x = 0.3;
  EXPECT_DOUBLE_EQ(at("sin(x)", x), std::sin(x));
  EXPECT_DOUBLE_EQ(at("cos(x)", x), std::cos(x));
  EXPECT_DOUBLE_EQ(at("tan(x)", x), std::tan(x));
  EXPECT_DOUBLE_EQ(at("asin(x)", x), std::asin(x));
  EXPECT_DOUBLE_EQ(at("acos(x)", x), std::acos(x));
  EXPECT_DOUBLE_EQ(at("atan(x)", x), std::atan(x));
  EXPECT_DOUBLE_EQ(at("sinh(x)", x), std::sinh(x));
  EXPECT_DOUBLE_EQ(at("cosh(x)", x), std::cosh(x));
  EXPECT_DOUBLE_EQ(at("tanh(x)", x), std::tanh(x));
  EXPECT_DOUBLE_EQ(at("exp(x)", x), std::exp(x));
  EXPECT_DOUBLE_EQ(at("log(x)", x), std::log(x));
  EXPECT_DOUBLE_EQ(at("sqrt(x)", x), std::sqrt(x));
  EXPECT_DOUBLE_EQ(at("abs(x)", -x), x);
  EXPECT_DOUBLE_EQ(at("sigmoid(x)", x), 1.0 / (1.0 + std::exp(-x)));
  EXPECT_DOUBLE_EQ(at("softplus(x)", x), std::log(1.0 + std::exp(x)));
  EXPECT_DOUBLE_EQ(at("min(x, y)", x, 2.0), x);
  EXPECT_DOUBLE_EQ(at("max(x, y)", x, 2.0), 2.0);
  EXPECT_DOUBLE_EQ(at("pow(x, y)", x, 2.0), x * x);
}

TEST(Parser, UnclosedParenthesisNamesBothColumnsWithCaret) {
  EXPECT_EQ(error_of("(x + (y * 2"),
            "formula:1:12: expected ')' to close '(' opened at column 6\n"
            "  (x + (y * 2\n"
            "             ^");
}

TEST(Parser, UnknownFunctionSuggestsAndListsKnownOnes) {
  const std::string message = error_of("sinn(x)");
  EXPECT_NE(message.find("unknown function 'sinn' (did you mean 'sin'?)"), std::string::npos);
  EXPECT_NE(message.find("known functions: sin, cos, tan"), std::string::npos);
}

TEST(Parser, WrongArityIsAnError) {
  EXPECT_NE(error_of("min(x)").find("min() takes 2 arguments, got 1"), std::string::npos);
  EXPECT_NE(error_of("sin(x, y)").find("sin() takes 1 argument, got 2"), std::string::npos);
}

TEST(Parser, MissingOperatorIsAnError) {
  EXPECT_NE(error_of("2 x").find("formula:1:3: expected an operator"), std::string::npos);
}

TEST(Parser, DanglingOperatorIsAnError) {
  EXPECT_NE(error_of("x +").find("unexpected end of formula"), std::string::npos);
  EXPECT_NE(error_of("").find("empty formula"), std::string::npos);
  EXPECT_NE(error_of("x)").find("unexpected ')'"), std::string::npos);
  EXPECT_NE(error_of("x # y").find("found '#'"), std::string::npos);
}

TEST(Parser, FunctionWithoutParenthesesIsAnError) {
  EXPECT_NE(error_of("sin + 1").find("function 'sin' needs its argument"), std::string::npos);
}

TEST(Parser, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = std::string(100000, '(') + "x" + std::string(100000, ')');
  EXPECT_NE(error_of(deep).find("nests deeper than 500 levels"), std::string::npos);
  EXPECT_NE(error_of(std::string(100000, '-') + "x").find("nests deeper"), std::string::npos);
}

TEST(Parser, NestingWithinTheLimitParses) {
  const std::string nested = std::string(200, '(') + "x" + std::string(200, ')');
  EXPECT_EQ(to_string(parse(nested)), "x");
}

TEST(Parser, LongFlatSumsParseQuickly) {
  std::string text = "x";
  for (int i = 0; i < 20000; ++i) text += " + x";
  EXPECT_EQ(to_string(parse(text)), "20001*x");
}

TEST(Parser, HugeExponentStaysSymbolic) {
  EXPECT_EQ(to_string(parse("x^99999999")), "x^99999999");
}

}  // namespace
}  // namespace descent::symbolic
