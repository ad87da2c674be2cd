// `descent minimize`: the course examples through formulas, JSON keys (docs/architecture.md),
// exit codes (0 done, 2 bad spec, 3 diverged), built-in problems by name.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli.hpp"

namespace descent::test {
namespace {

constexpr double kPrinted = 5e-7;  // the course prints 6 decimals

nlohmann::json run_json(std::vector<std::string> args, int expected_exit = 0) {
  args.insert(args.begin(), "minimize");
  args.push_back("--json");
  const CliResult r = run_cli(args);
  EXPECT_EQ(r.exit_code, expected_exit) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(CliMinimize, BowlTraceIsTheCourseTable) {
  // 3x^2 + y^2 from (1, 1), gd lr 0.1: (0.4, 0.8), then (0.16, 0.64).
  const auto doc = run_json({"3*x^2 + y^2", "--at", "x=1,y=1", "--optimizer", "gd(lr=0.1)",
                             "--steps", "2", "--trace"});
  ASSERT_EQ(doc["trace"].size(), 3u);
  EXPECT_EQ(doc["trace"][0]["step"], 0);
  EXPECT_NEAR(doc["trace"][1]["x"]["x"].get<double>(), 0.4, 1e-15);
  EXPECT_NEAR(doc["trace"][1]["x"]["y"].get<double>(), 0.8, 1e-15);
  EXPECT_NEAR(doc["trace"][2]["x"]["x"].get<double>(), 0.16, 1e-15);
  EXPECT_NEAR(doc["trace"][2]["x"]["y"].get<double>(), 0.64, 1e-15);
  EXPECT_DOUBLE_EQ(doc["trace"][1]["lr"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(doc["trace"][0]["f"].get<double>(), 4.0);
}

TEST(CliMinimize, JsonHasTheDesignKeys) {
  const auto doc = run_json({"x^2", "--at", "x=10", "--optimizer", "gd(lr=0.2)", "--steps", "10"});
  for (const char* key : {"variables", "x", "f", "grad_norm", "steps", "converged", "reason", "best"}) {
    EXPECT_TRUE(doc.contains(key)) << key;
  }
  EXPECT_EQ(doc["variables"], nlohmann::json::array({"x"}));
  EXPECT_EQ(doc["steps"], 10);
  EXPECT_EQ(doc["reason"], "max_steps");
  EXPECT_EQ(doc["converged"], false);
  // 10 * 0.6^10
  EXPECT_NEAR(doc["x"]["x"].get<double>(), 0.060466, kPrinted);
  EXPECT_TRUE(doc["best"].contains("x"));
  EXPECT_TRUE(doc["best"].contains("f"));
  EXPECT_FALSE(doc.contains("trace"));
}

TEST(CliMinimize, ParabolaWithLr11GrowsButFinishes) {
  // 10 * (-1.2)^10 = 61.917364
  const auto doc = run_json({"x^2", "--at", "x=10", "--optimizer", "gd(lr=1.1)", "--steps", "10"});
  EXPECT_NEAR(doc["x"]["x"].get<double>(), 61.917364, kPrinted);
}

TEST(CliMinimize, EllipseAndValleyAsInTheCourse) {
  auto doc = run_json({"x1^2 + 2*x2^2", "--at", "x1=-5,x2=-2", "--optimizer", "gd(lr=0.1)",
                       "--steps", "20"});
  EXPECT_NEAR(doc["x"]["x1"].get<double>(), -0.057646, kPrinted);
  EXPECT_NEAR(doc["x"]["x2"].get<double>(), -0.000073, kPrinted);
  doc = run_json({"0.1*x1^2 + 2*x2^2", "--at", "x1=-5,x2=-2", "--optimizer", "gd(lr=0.6)",
                  "--steps", "20"});
  EXPECT_NEAR(doc["x"]["x1"].get<double>(), -0.387814, kPrinted);
  EXPECT_NEAR(doc["x"]["x2"].get<double>(), -1673.365109, kPrinted);
  doc = run_json({"0.1*x1^2 + 2*x2^2", "--at", "x1=-5,x2=-2", "--optimizer",
                  "momentum(lr=0.6, momentum=0.5)", "--steps", "20"});
  EXPECT_NEAR(doc["x"]["x1"].get<double>(), 0.007188, kPrinted);
  EXPECT_NEAR(doc["x"]["x2"].get<double>(), 0.002553, kPrinted);
}

TEST(CliMinimize, DivergenceExitsThreeWithBestPointAndAdvice) {
  const auto doc = run_json({"x^2", "--at", "x=10", "--optimizer", "gd(lr=1.1)", "--steps", "5000"},
                            3);
  EXPECT_EQ(doc["reason"], "diverged");
  EXPECT_DOUBLE_EQ(doc["best"]["f"].get<double>(), 100.0);
  EXPECT_NE(doc["message"].get<std::string>().find("smaller lr"), std::string::npos);
}

TEST(CliMinimize, HumanOutputIsATableAndASummary) {
  const CliResult r = run_cli({"minimize", "3*x^2 + y^2", "--at", "x=1,y=1", "--optimizer",
                               "gd(lr=0.1)", "--steps", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("|grad|"), std::string::npos);
  EXPECT_NE(r.out.find("0.16"), std::string::npos);
  EXPECT_NE(r.out.find("result: x = 0.16, y = 0.64"), std::string::npos) << r.out;
}

TEST(CliMinimize, LongRunsPrintSampledRows) {
  const CliResult r = run_cli({"minimize", "x^2", "--at", "x=1", "--optimizer", "gd(lr=0.001)",
                               "--steps", "1000", "--tol", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("..."), std::string::npos);
  EXPECT_LT(std::count(r.out.begin(), r.out.end(), '\n'), 80);
}

TEST(CliMinimize, BadSpecsExitTwoNamingTheKeyAndRange) {
  CliResult r = run_cli({"minimize", "x^2", "--at", "x=1", "--optimizer", "adam(betas=[1.2, 0.9])"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("adam: betas[0] = 1.2; must lie in [0, 1)"), std::string::npos) << r.err;
  r = run_cli({"minimize", "x^2", "--at", "x=1", "--optimizer", "adamm"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("known: gd, sgd"), std::string::npos) << r.err;
  r = run_cli({"minimize", "x^2", "--at", "x=1", "--schedule", "cosine(t_max=0)"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("t_max = 0; must be a positive integer"), std::string::npos) << r.err;
  r = run_cli({"minimize", "x^2"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--at"), std::string::npos) << r.err;
}

TEST(CliMinimize, ProblemNameUsesItsStartAndReachesTheMinimum) {
  const auto doc = run_json({"rosenbrock"});
  EXPECT_NEAR(doc["x"]["x"].get<double>(), 1.0, 1e-6);
  EXPECT_NEAR(doc["x"]["y"].get<double>(), 1.0, 1e-6);
  EXPECT_EQ(doc["variables"], nlohmann::json::array({"x", "y"}));
}

TEST(CliMinimize, MaximizeAscends) {
  // f = 1 - (x - 1)^2: gd ascends to its maximum at x = 1.
  const auto doc = run_json({"1 - (x - 1)^2", "--at", "x=0", "--optimizer", "gd(lr=0.1)",
                             "--steps", "200", "--maximize"});
  EXPECT_NEAR(doc["x"]["x"].get<double>(), 1.0, 1e-7);
  EXPECT_EQ(doc["reason"], "converged");
}

TEST(CliMinimize, NewtonClimbsToTheNearestStationaryPoint) {
  // f = x^4 - 3x^2 from x = 0.5: f'' = 12x^2 - 6 < 0 there, so Newton heads for the local
  // maximum at x = 0 (as in the course).
  const auto doc = run_json({"x^4 - 3*x^2", "--at", "x=0.5", "--optimizer", "newton",
                             "--steps", "20"});
  EXPECT_NEAR(doc["x"]["x"].get<double>(), 0.0, 1e-9);  // stops at |grad| <= 1e-8
}

TEST(CliMinimize, ScheduleLrIsInTheTrace) {
  const auto doc = run_json({"x^2", "--at", "x=1", "--optimizer", "gd(lr=0.1)", "--schedule",
                             "step(step_size=2, gamma=0.5)", "--steps", "4", "--trace"});
  // lr of update k (step 0 shows the first update's lr): 0.1, 0.1, 0.1, 0.05, 0.05
  EXPECT_DOUBLE_EQ(doc["trace"][2]["lr"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(doc["trace"][3]["lr"].get<double>(), 0.05);
}

TEST(CliMinimize, ScheduleLengthDefaultsToTheStepBudget) {
  // cosine's t_max and onecycle's total_steps default to --steps: the same run as spelling it out.
  for (const auto& [implicit, explicit_] :
       {std::pair{"cosine", "cosine(t_max=40)"},
        std::pair{"onecycle(max_lr=0.001)", "onecycle(max_lr=0.001, total_steps=40)"}}) {
    const CliResult a = run_cli({"minimize", "rosenbrock", "--optimizer", "sgd(lr=0.001, momentum=0.9)",
                                 "--schedule", implicit, "--steps", "40", "--json"});
    const CliResult b = run_cli({"minimize", "rosenbrock", "--optimizer", "sgd(lr=0.001, momentum=0.9)",
                                 "--schedule", explicit_, "--steps", "40", "--json"});
    EXPECT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(a.out, b.out);
  }
}

}  // namespace
}  // namespace descent::test
