// `descent grad`: gradient and Hessian at a point in --at's order.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli.hpp"

namespace descent {
namespace {

using test::run_cli;

TEST(CliGrad, CourseExampleGradientIsFiveFourOne) {
  // Course example (docs/architecture.md): f = 3x^2 y + zy - x has gradient (5, 4, 1) at (1, 1, 1).
  const auto r = run_cli({"grad", "3*x^2*y + z*y - x", "--at", "x=1,y=1,z=1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc.at("variables"), nlohmann::json({"x", "y", "z"}));
  EXPECT_EQ(doc.at("f"), 3.0);
  EXPECT_EQ(doc.at("grad"), nlohmann::json({5.0, 4.0, 1.0}));
  EXPECT_FALSE(doc.contains("hessian"));
}

TEST(CliGrad, FollowsTheOrderOfAt) {
  const auto r = run_cli({"grad", "3*x^2*y + z*y - x", "--at", "z=1,x=1,y=1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("grad"), nlohmann::json({1.0, 5.0, 4.0}));
}

TEST(CliGrad, HessianOfRosenbrockIsHandWorked) {
  // f = (1-x)^2 + 100 (y - x^2)^2 at (1, 2): H = [[1200x^2 - 400y + 2, -400x], [-400x, 200]]
  //   = [[402, -400], [-400, 200]].
  const auto r = run_cli(
      {"grad", "(1 - x)^2 + 100*(y - x^2)^2", "--at", "x=1,y=2", "--hessian", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc.at("hessian"), nlohmann::json({{402.0, -400.0}, {-400.0, 200.0}}));
}

TEST(CliGrad, ExtraVariablesGetZero) {
  const auto r = run_cli({"grad", "x^2", "--at", "x=3,w=1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("grad"), nlohmann::json({6.0, 0.0}));
}

TEST(CliGrad, HumanOutputShowsSymbolicPartials) {
  const auto r = run_cli({"grad", "3*x^2*y + z*y - x", "--at", "x=1,y=1,z=1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("df/dx = 6*x*y - 1  ->  5"), std::string::npos) << r.out;
}

TEST(CliGrad, VariableWithoutValueExitsTwo) {
  const auto r = run_cli({"grad", "x + z", "--at", "x=1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "descent: error: variable 'z' has no value; add it to --at\n");
}

TEST(CliGrad, MalformedAtExitsTwo) {
  const auto r = run_cli({"grad", "x", "--at", "x:1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--at"), std::string::npos);
}

TEST(CliGrad, BadFormulaExitsTwo) {
  const auto r = run_cli({"grad", "x +* 2", "--at", "x=1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("formula:1:4"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace descent
