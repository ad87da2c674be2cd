// `descent diff`: the derivative printed simplified; errors exit 2 with the caret message.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli.hpp"

namespace descent {
namespace {

using test::run_cli;

TEST(CliDiff, CourseExamplePrintsTwoXPlusTwo) {
  // Course example (docs/architecture.md): d/dx (x^2 + 2x + 3) = 2x + 2.
  const auto r = run_cli({"diff", "x^2 + 2*x + 3", "x"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "2*x + 2\n");
}

TEST(CliDiff, SeveralVariablesDifferentiateSuccessively) {
  // d/dy d/dx d/dx (x^3 y) = 6x
  const auto r = run_cli({"diff", "x^3*y", "x", "x", "y"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "6*x\n");
}

TEST(CliDiff, JsonHasExpressionVariablesAndDerivative) {
  const auto r = run_cli({"diff", "x^3*y", "x", "y", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc.at("expression"), "x^3*y");
  EXPECT_EQ(doc.at("variables"), nlohmann::json({"x", "y"}));
  EXPECT_EQ(doc.at("derivative"), "3*x^2");
}

TEST(CliDiff, BadFormulaExitsTwoWithCaret) {
  const auto r = run_cli({"diff", "(x + 1", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "descent: error: formula:1:7: expected ')' to close '(' opened at column 1\n"
            "  (x + 1\n"
            "        ^\n");
}

TEST(CliDiff, UnknownFunctionExitsTwo) {
  const auto r = run_cli({"diff", "sine(x)", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown function 'sine'"), std::string::npos);
}

TEST(CliDiff, MissingVariableIsAUsageError) {
  const auto r = run_cli({"diff", "x^2"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(CliDiff, FormulaStartingWithMinusIsAFormulaNotAnOption) {
  // CLI11 alone would read "-x^2" as the short option -x.
  const auto r = run_cli({"diff", "-x^2", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "-2*x\n");
  const auto after_separator = run_cli({"diff", "--", "-x^2", "x"});
  EXPECT_EQ(after_separator.out, "-2*x\n");
}

TEST(CliDiff, FormulaStartingWithMinusReportsTheColumnAsTyped) {
  const auto r = run_cli({"diff", "-x^^2", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("formula:1:4:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace descent
