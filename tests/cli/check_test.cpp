// `descent check`: symbolic vs autodiff vs central differences with a verdict.
#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli.hpp"

namespace descent {
namespace {

using test::run_cli;

TEST(CliCheck, SmoothFormulaPassesWithAllThreeGradients) {
  // d/dx sin(x) y^2 = cos(1)*4 = 2.161209223..., d/dy = 2 y sin(x) = 4 sin(1) = 3.365883939...
  const auto r = run_cli({"check", "sin(x)*y^2", "--at", "x=1,y=2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc.at("verdict"), "pass");
  EXPECT_TRUE(doc.at("ok").get<bool>());
  EXPECT_NEAR(doc.at("symbolic")[0].get<double>(), 4.0 * std::cos(1.0), 1e-15);
  EXPECT_NEAR(doc.at("autodiff")[0].get<double>(), 4.0 * std::cos(1.0), 1e-15);
  EXPECT_NEAR(doc.at("numeric")[1].get<double>(), 4.0 * std::sin(1.0), 1e-8);
  EXPECT_EQ(doc.at("coordinates").size(), 2u);
}

TEST(CliCheck, CourseExampleAgreesExactlyWithAutodiff) {
  // Course example (docs/architecture.md): gradient (5, 4, 1) at (1, 1, 1).
  const auto r = run_cli({"check", "3*x^2*y + z*y - x", "--at", "x=1,y=1,z=1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc.at("symbolic"), nlohmann::json({5.0, 4.0, 1.0}));
  EXPECT_EQ(doc.at("autodiff"), nlohmann::json({5.0, 4.0, 1.0}));
}

TEST(CliCheck, KinkMakesFiniteDifferencesDisagree) {
  // abs(x - 1e-7) at x = 0: the exact slope is -1, but the central difference spans the kink.
  const auto r = run_cli({"check", "abs(x - 1e-7)", "--at", "x=0", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("verdict"), "fail");
}

TEST(CliCheck, HumanOutputEndsWithVerdictAndTolerance) {
  const auto r = run_cli({"check", "x^2", "--at", "x=3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("pass: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("tolerance 1e-06"), std::string::npos) << r.out;
}

TEST(CliCheck, VariableWithoutValueExitsTwo) {
  const auto r = run_cli({"check", "x*y", "--at", "x=1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("variable 'y' has no value"), std::string::npos);
}

}  // namespace
}  // namespace descent
