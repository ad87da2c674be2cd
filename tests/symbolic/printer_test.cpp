// The printer: readable output with minimal parentheses that parses back to the same values.
#include "descent/symbolic/printer.hpp"

#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/symbolic/differentiate.hpp"
#include "descent/symbolic/evaluate.hpp"
#include "descent/symbolic/parser.hpp"
#include "random_formula.hpp"

namespace descent::symbolic {
namespace {

std::string printed(std::string_view text) { return to_string(parse(text)); }

TEST(Printer, SubtractsInsteadOfAddingNegatives) { EXPECT_EQ(printed("a + -b"), "a - b"); }

TEST(Printer, LeadsWithAPositiveTerm) { EXPECT_EQ(printed("-x + 1"), "1 - x"); }

TEST(Printer, OrdersTermsByDegree) { EXPECT_EQ(printed("3 + x + x^2"), "x^2 + x + 3"); }

TEST(Printer, DividesByNegativePowers) {
  EXPECT_EQ(printed("x*y^-2"), "x/y^2");
  EXPECT_EQ(printed("x/(y*z)"), "x/(y*z)");
  EXPECT_EQ(printed("1/x"), "1/x");
}

TEST(Printer, WritesReciprocalCoefficientsAsDivision) {
  EXPECT_EQ(printed("x/2"), "x/2");
  EXPECT_EQ(printed("0.5/sqrt(x)"), "1/(2*sqrt(x))");
}

TEST(Printer, ParenthesizesOnlyWherePrecedenceNeedsIt) {
  EXPECT_EQ(printed("(x + 1)*(y - 1)"), "(x + 1)*(y - 1)");
  EXPECT_EQ(printed("(x*y)^z"), "(x*y)^z");
  EXPECT_EQ(printed("x^(y + 1)"), "x^(y + 1)");
  EXPECT_EQ(printed("x^y^z"), "x^y^z");
  EXPECT_EQ(printed("(x^y)^z"), "(x^y)^z");
  EXPECT_EQ(printed("-x^2"), "-x^2");
  EXPECT_EQ(printed("(-2)^x"), "(-2)^x");
}

TEST(Printer, WritesCallsWithCommaSpace) { EXPECT_EQ(printed("max(x,y)"), "max(x, y)"); }

TEST(Printer, PrintsOverflowedNumbersInTheLanguagesSyntax) {
  // An infinite constant (x*1e308 + x*1e308 collects to one) prints as a number too large for a
  // double; the parser refuses such a literal with its position (symbolic/domain.hpp's rule).
  const Expr f = product({constant(std::numeric_limits<double>::infinity()), variable("x")});
  EXPECT_EQ(to_string(f), "1e999*x");
  EXPECT_THROW(parse(to_string(f)), Error);
}

// Values agree to this relative tolerance: printing is exact (shortest round-trip numbers),
// but re-simplification may reorder floating-point operations.
constexpr double kRoundTripTol = 1e-9;

void expect_same_values(const Expr& f, const Expr& g, const std::vector<double>& x) {
  const std::vector<std::string> vars{"x", "y", "z"};
  const double a = evaluate<double>(f, vars, x);
  const double b = evaluate<double>(g, vars, x);
  if (std::isnan(a)) {
    EXPECT_TRUE(std::isnan(b)) << to_string(f);
    return;
  }
  EXPECT_NEAR(a, b, kRoundTripTol * (1.0 + std::fabs(a))) << to_string(f);
}

TEST(Printer, RandomFormulasParseBackToTheSameValues) {
  test::RandomFormula gen(7);
  for (int i = 0; i < 300; ++i) {
    const Expr f = parse(gen.formula(4));
    const Expr g = parse(to_string(f));
    for (int k = 0; k < 3; ++k) expect_same_values(f, g, gen.point(3));
  }
}

TEST(Printer, RandomDerivativesParseBackToTheSameValues) {
  test::RandomFormula gen(11);
  for (int i = 0; i < 150; ++i) {
    const Expr f = diff(parse(gen.formula(3)), "x");
    const Expr g = parse(to_string(f));
    for (int k = 0; k < 3; ++k) expect_same_values(f, g, gen.point(3));
  }
}

TEST(Printer, PrintingIsAFixedPoint) {
  test::RandomFormula gen(13);
  for (int i = 0; i < 200; ++i) {
    const std::string once = to_string(parse(gen.formula(4)));
    EXPECT_EQ(to_string(parse(once)), once);
  }
}

TEST(Printer, RefusesAnExpressionWhoseTreeIsExponentiallyLarge) {
  // Each level uses the one below twice: 40 distinct nodes, 2^40 when written out.
  Expr e = variable("x");
  for (int i = 0; i < 40; ++i) e = call(Op::sin, e) + call(Op::cos, e);
  try {
    (void)to_string(e);
    FAIL() << "expected descent::Error";
  } catch (const descent::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::bad_input);
    EXPECT_NE(std::string(error.what()).find("too large to print"), std::string::npos);
  }
}

TEST(Printer, PrintsALargeButSharedTreeThatFitsTheBudget) {
  Expr e = variable("x");
  for (int i = 0; i < 10; ++i) e = call(Op::sin, e) + call(Op::cos, e);
  EXPECT_GT(to_string(e).size(), 10000u);
}

TEST(Printer, DeepNestingOfPowersAndProductsPrintsInLinearTime) {
  // x^(-x^(-x^(...))) 80 deep: each level once a product and once a power. The printer printed a
  // lone factor twice, 2^80 work (found by the fuzzer); this test would never finish.
  std::string text = "x";
  for (int i = 0; i < 80; ++i) text = "x^(-" + text + ")";
  const Expr f = parse(text);
  const std::string printed = to_string(f);
  EXPECT_EQ(parse(printed), f);
  EXPECT_LT(printed.size(), 2 * text.size());
}

TEST(Printer, TheFuzzerInputThatTimedOutPrintsWithItsDerivative) {
  // The 152 bytes that hit libFuzzer's timeout in CI (printing was exponential in the nesting).
  const Expr f = parse("-2^x-2^xx^-xxx^-x_^x4s2^x^2^x^-xxx^-xx^-xxxs4^xx^-xx^-xxxs4^xx^-x^-xxx^-x_^x4s2^x^2^x^-pixxx^-xx^-xxxs2^-x^-xxx^-x_^x4s2^x^2^x^-pixxx^-xx^-xxxs2^xx^-xx4");
  EXPECT_EQ(parse(to_string(f)), f);
  EXPECT_FALSE(to_string(diff(f, "x")).empty());
}

}  // namespace
}  // namespace descent::symbolic
