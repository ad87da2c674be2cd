// `descent optimizers` (the registry's listing) and the newer rules and stopping flags through
// `descent minimize` and `descent train`: lion, adamw_schedulefree, sgd_schedulefree, --ftol,
// --xtol, --max-time; bad options exit 2 with a message.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "support/cli.hpp"

namespace descent::test {
namespace {

TEST(CliOptimizers, ListsEveryRuleWithItsOptions) {
  const CliResult r = run_cli({"optimizers", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  std::vector<std::string> names;
  for (const auto& rule : doc["optimizers"]) names.push_back(rule["name"]);
  for (const char* name :
       {"sgd", "adam", "lion", "adamw_schedulefree", "sgd_schedulefree", "lbfgs"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

TEST(CliOptimizers, ShowsOneRuleWithDefaultsAndRanges) {
  const CliResult r = run_cli({"optimizers", "lion"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("lr=0.0001"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("betas=[0.9, 0.99]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[0, 1)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("adam:"), std::string::npos) << r.out;
}

TEST(CliOptimizers, AnUnknownNameExitsTwoListingTheKnownOnes) {
  const CliResult r = run_cli({"optimizers", "lino"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("lion"), std::string::npos) << r.err;
}

TEST(CliSchedules, ListsEveryScheduleInTheOrderMakeScheduleKnowsThem) {
  const CliResult r = run_cli({"schedules", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  std::vector<std::string> names;
  for (const auto& entry : doc["schedules"]) names.push_back(entry["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"constant", "step", "multistep", "exponential",
                                             "cosine", "linear", "onecycle", "polynomial",
                                             "piecewise", "exp_decay"}));
}

TEST(CliSchedules, SaysWhichOptionsAreRequiredAndWhichTakeTheRunsLength) {
  const CliResult r = run_cli({"schedules", "onecycle", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto options = nlohmann::json::parse(r.out)["schedules"][0]["options"];
  std::map<std::string, std::pair<std::string, std::string>> by_key;
  for (const auto& o : options) by_key[o["key"]] = {o["default"], o["range"]};
  EXPECT_EQ(by_key["max_lr"].first, "(required)");
  EXPECT_EQ(by_key["total_steps"].first, "(the run's steps)");
  EXPECT_EQ(by_key["pct_start"], (std::pair<std::string, std::string>{"0.3", "[0, 1]"}));
  EXPECT_EQ(by_key["anneal_strategy"].first, "cos");
}

TEST(CliSchedules, AnUnknownNameExitsTwoListingTheKnownOnes) {
  const CliResult r = run_cli({"schedules", "cosin"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cosine"), std::string::npos) << r.err;
}

nlohmann::json minimize_json(std::vector<std::string> args) {
  args.insert(args.begin(), "minimize");
  args.push_back("--json");
  const CliResult r = run_cli(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(CliOptimizers, EachNewRuleMinimizesRosenbrockWithAndWithoutMaximize) {
  for (const char* spec :
       {"lion(lr=0.003)", "adamw_schedulefree(lr=0.02)", "sgd_schedulefree(lr=0.002, r=2)"}) {
    const auto down = minimize_json(
        {"(1-x)^2 + 100*(y-x^2)^2", "--at", "x=-1.2,y=1", "--optimizer", spec, "--steps", "3000"});
    EXPECT_LT(down["f"].get<double>(), 0.05) << spec;
    // Ascending the negated function is descending the function.
    const auto up = minimize_json({"-((1-x)^2 + 100*(y-x^2)^2)", "--at", "x=-1.2,y=1",
                                   "--optimizer", spec, "--steps", "3000", "--maximize"});
    EXPECT_NEAR(up["f"].get<double>(), -down["f"].get<double>(), 1e-9) << spec;
  }
}

TEST(CliOptimizers, BadNewRuleOptionsExitTwoWithTheRange) {
  const CliResult r = run_cli({"minimize", "rosenbrock", "--optimizer", "lion(betas=[1.5, 0.9])"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("lion: betas[0] = 1.5; must lie in [0, 1)"), std::string::npos) << r.err;
  const CliResult s =
      run_cli({"minimize", "rosenbrock", "--optimizer", "sgd_schedulefree(momentum=0)"});
  EXPECT_EQ(s.exit_code, 2);
  EXPECT_NE(s.err.find("momentum = 0; must lie in (0, 1)"), std::string::npos) << s.err;
}

TEST(CliOptimizers, EachNewRuleTrainsIris) {
  for (const char* spec :
       {"lion(lr=0.01)", "adamw_schedulefree(lr=0.05)", "sgd_schedulefree(lr=0.5)"}) {
    const CliResult r = run_cli({"train", "--data", "iris", "--model", "softmax", "--optimizer",
                                 spec, "--epochs", "10", "--json"});
    ASSERT_EQ(r.exit_code, 0) << spec << r.err;
    EXPECT_GT(nlohmann::json::parse(r.out)["test_accuracy"].get<double>(), 0.8) << spec;
  }
}

TEST(CliOptimizers, FtolStopsWithItsReason) {
  const auto doc = minimize_json({"x^2", "--at", "x=10", "--optimizer", "gd(lr=0.1)", "--steps",
                                  "1000", "--tol", "0", "--ftol", "0.01"});
  EXPECT_EQ(doc["reason"], "ftol");
  EXPECT_EQ(doc["steps"], 20);
}

TEST(CliOptimizers, XtolStopsWithItsReason) {
  const auto doc = minimize_json({"x^2", "--at", "x=10", "--optimizer", "gd(lr=0.1)", "--steps",
                                  "1000", "--tol", "0", "--xtol", "0.1"});
  EXPECT_EQ(doc["reason"], "xtol");
  EXPECT_EQ(doc["steps"], 22);
}

TEST(CliOptimizers, MaxTimeStopsWithExitZeroAndItsReason) {
  const auto doc = minimize_json({"rosenbrock", "--steps", "1000000000", "--max-time", "1e-9"});
  EXPECT_EQ(doc["reason"], "time_limit");
}

TEST(CliOptimizers, NegativeFtolExitsTwo) {
  const CliResult r = run_cli({"minimize", "rosenbrock", "--ftol", "-1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--ftol"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace descent::test
