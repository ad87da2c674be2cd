// `descent minimize --bounds`, `--optimizer lbfgsb`, `gd(lr=auto)` and `descent curvature`:
// results, JSON keys, notes and the exit-2 refusals.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli.hpp"

namespace descent::test {
namespace {

nlohmann::json run_json(std::vector<std::string> args, int expected_exit = 0) {
  args.push_back("--json");
  const CliResult r = run_cli(args);
  EXPECT_EQ(r.exit_code, expected_exit) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(CliBounds, LbfgsbStopsOnTheBoundaryOfRosenbrocksBox) {
  const auto doc =
      run_json({"minimize", "rosenbrock", "--optimizer", "lbfgsb", "--bounds", "x=-2:0.5, y=-1:2"});
  EXPECT_NEAR(doc["x"]["x"].get<double>(), 0.5, 1e-12);
  EXPECT_NEAR(doc["x"]["y"].get<double>(), 0.25, 1e-5);
  EXPECT_EQ(doc["bounds"]["x"], nlohmann::json::array({-2.0, 0.5}));
}

TEST(CliBounds, JsonWritesAMissingBoundAsInf) {
  const auto doc =
      run_json({"minimize", "3*x^2 + y^2", "--at", "x=1,y=1", "--bounds", "x=0.5:inf"});
  EXPECT_EQ(doc["bounds"]["x"], nlohmann::json::array({0.5, "inf"}));
  EXPECT_EQ(doc["bounds"]["y"], nlohmann::json::array({"-inf", "inf"}));
  EXPECT_NEAR(doc["x"]["x"].get<double>(), 0.5, 1e-15);
}

TEST(CliBounds, AStartOutsideTheBoxIsProjectedWithANote) {
  const CliResult r = run_cli({"minimize", "3*x^2 + y^2", "--at", "x=5,y=1", "--bounds", "x=0:2",
                               "--steps", "0", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("lies outside --bounds"), std::string::npos) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["x"]["x"], 2.0);
}

TEST(CliBounds, AnUnknownVariableIsBadUsage) {
  const CliResult r = run_cli({"minimize", "x^2", "--at", "x=1", "--bounds", "z=0:1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'z' is not a variable"), std::string::npos) << r.err;
}

TEST(CliBounds, LowerAboveUpperIsBadUsage) {
  const CliResult r = run_cli({"minimize", "x^2", "--at", "x=1", "--bounds", "x=2:1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("lo must be <= hi"), std::string::npos) << r.err;
}

TEST(CliBounds, ANaNBoundIsBadUsage) {
  const CliResult r = run_cli({"minimize", "x^2", "--at", "x=1", "--bounds", "x=nan:1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a finite number"), std::string::npos) << r.err;
}

TEST(CliBounds, AutoLrPrintsANoteAndUsesOneOverLambdaMax) {
  const CliResult r = run_cli({"minimize", "0.5*x^2 + 500*y^2", "--at", "x=1,y=1", "--optimizer",
                               "gd(lr=auto)", "--steps", "1", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("lr=auto"), std::string::npos) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_NEAR(doc["x"]["y"].get<double>(), 0.0, 1e-12);  // lr = 1/1000 solves y in one step
}

TEST(CliBounds, AutoLrForAdamIsBadUsage) {
  const CliResult r = run_cli({"minimize", "x^2", "--at", "x=1", "--optimizer", "adam(lr=auto)"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(CliCurvature, GivesTheEigenvaluesConditionNumberAndStableStep) {
  const auto doc = run_json({"curvature", "0.5*x^2 + 500*y^2", "--at", "x=1,y=1"});
  ASSERT_EQ(doc["eigenvalues"].size(), 2u);
  EXPECT_NEAR(doc["eigenvalues"][0].get<double>(), 1000.0, 1e-9);
  EXPECT_NEAR(doc["eigenvalues"][1].get<double>(), 1.0, 1e-12);
  EXPECT_NEAR(doc["condition_number"].get<double>(), 1000.0, 1e-9);
  EXPECT_NEAR(doc["max_stable_lr"].get<double>(), 0.002, 1e-15);
  EXPECT_EQ(doc["hessian_vector_products"], "exact");
}

TEST(CliCurvature, TopLimitsTheEigenvaluesPrinted) {
  const auto doc = run_json({"curvature", "rosenbrock5", "--top", "1"});
  EXPECT_EQ(doc["eigenvalues"].size(), 1u);
}

TEST(CliCurvature, HumanOutputNamesTheStableStep) {
  const CliResult r = run_cli({"curvature", "3*x^2 + y^2", "--at", "x=1,y=1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 / lambda_max = 0.333333"), std::string::npos) << r.out;
}

TEST(CliCurvature, TopZeroIsBadUsage) {
  EXPECT_EQ(run_cli({"curvature", "x^2", "--at", "x=1", "--top", "0"}).exit_code, 2);
}

TEST(CliCurvature, AnUndefinedPointIsBadInput) {
  EXPECT_EQ(run_cli({"curvature", "log(x)", "--at", "x=-1"}).exit_code, 2);
}

TEST(CliCurvature, TrainCurvatureAddsTheEigenvaluesToTheJson) {
  const auto doc =
      run_json({"train", "--data", "iris", "--model", "softmax", "--epochs", "2", "--curvature"});
  ASSERT_EQ(doc["curvature"]["eigenvalues"].size(), 3u);
  const double lambda_max = doc["curvature"]["lambda_max"].get<double>();
  EXPECT_GT(lambda_max, 0.0);
  EXPECT_DOUBLE_EQ(doc["curvature"]["max_stable_lr"].get<double>(), 2 / lambda_max);
}

}  // namespace
}  // namespace descent::test
