// Where a formula is defined: a value or derivative that is not finite at a point is an error
// naming the part and the point; the written parts count (x/x at 0), constants cannot be
// assigned, non-finite literals are refused, and derivative size is bounded.
#include "descent/symbolic/domain.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/symbolic/differentiate.hpp"
#include "descent/symbolic/evaluate.hpp"
#include "descent/symbolic/parser.hpp"
#include "descent/symbolic/printer.hpp"
#include "descent/symbolic/program.hpp"

namespace descent::symbolic {
namespace {

template <class F>
std::string error_of(F f, ErrorCode code = ErrorCode::bad_input) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    return e.what();
  }
  return "no error";
}

std::string undefined(std::string_view text, const std::vector<std::string>& vars,
                      const std::vector<double>& x, bool derivatives = false) {
  return error_of([&] { require_defined(parse_formula(text), vars, x, derivatives); });
}

TEST(Domain, LogOfANegativeNumberIsUndefinedThere) {
  EXPECT_EQ(undefined("log(x)", {"x"}, {-1.0}), "log(x) is undefined at x = -1");
}

TEST(Domain, TheMessageNamesOnlyTheVariablesOfThePart) {
  EXPECT_EQ(undefined("y + sqrt(x)", {"x", "y"}, {-4.0, 2.0}), "sqrt(x) is undefined at x = -4");
}

TEST(Domain, ADefinedPointPasses) {
  EXPECT_EQ(undefined("log(x) + x/x", {"x"}, {2.0}), "no error");
}

TEST(Domain, XOverXIsSimplifiedButUndefinedAtZero) {
  EXPECT_EQ(to_string(parse("x/x")), "1");  // printed simplified, as SymPy does
  EXPECT_EQ(undefined("x/x", {"x"}, {0.0}), "1/x is infinite at x = 0");
}

TEST(Domain, CancelledLogsStillCount) {
  EXPECT_EQ(undefined("log(x) - log(x)", {"x"}, {-1.0}), "log(x) is undefined at x = -1");
}

TEST(Domain, AnInfiniteDerivativeIsReportedWhenAsked) {
  EXPECT_EQ(undefined("sqrt(x)", {"x"}, {0.0}), "no error");
  EXPECT_EQ(undefined("sqrt(x)", {"x"}, {0.0}, true), "df/dx = 1/(2*sqrt(x)) is infinite at x = 0");
}

TEST(Domain, FirstNonFiniteFindsTheInnermostPart) {
  const Expr f = parse("exp(log(x) + 1)");
  const auto bad = first_non_finite(std::vector<Expr>{f}, {"x"}, std::vector<double>{-1.0});
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(to_string(*bad), "log(x)");
}

TEST(Literals, ANumberBeyondDoubleIsRefused) {
  EXPECT_NE(error_of([] { parse("1e999*x"); }).find("'1e999' is not a finite number"),
            std::string::npos);
}

TEST(Constants, PiAndEAreReservedNames) {
  EXPECT_TRUE(is_constant_name("pi"));
  EXPECT_TRUE(is_constant_name("e"));
  EXPECT_FALSE(is_constant_name("x"));
}

TEST(DerivativeLimits, ABudgetRefusesAnExpansionPastIt) {
  // d/dy of a product of 50 factors that all use y: 50 terms of 50 factors.
  std::string text = "(x0 + y)";
  for (int i = 1; i < 50; ++i) text.append("*(x").append(std::to_string(i)).append(" + y)");
  DiffBudget budget(1000);
  EXPECT_NE(error_of([&] { diff(parse(text), "y", budget); }).find("too large"), std::string::npos);
  DiffBudget enough(10000);
  EXPECT_EQ(error_of([&] { diff(parse(text), "y", enough); }), "no error");
}

TEST(DerivativeLimits, AHessianOfTooManyVariablesIsRefusedBeforeAnyWork) {
  std::vector<std::string> vars;
  std::string text = "x0";
  for (std::size_t i = 0; i <= kMaxHessianVariables; ++i) {
    vars.push_back(std::string("x").append(std::to_string(i)));
    if (i > 0) text.append(" + ").append(vars.back());
  }
  const Expr f = parse(text);
  EXPECT_NE(error_of([&] {
              Program::compile(f, vars, Program::Derivatives::hessian);
            }).find("a Hessian of 1001 variables is too large: at most 1000"),
            std::string::npos);
  EXPECT_NE(error_of([&] { hessian(f, vars); }).find("too large"), std::string::npos);
}

}  // namespace
}  // namespace descent::symbolic
