// `descent problems`: the built-in test functions as a table and as JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/cli.hpp"

namespace descent::test {
namespace {

TEST(CliProblems, TableListsRosenbrockWithItsFormula) {
  const CliResult r = run_cli({"problems"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("rosenbrock"), std::string::npos);
  EXPECT_NE(r.out.find("(1 - x)^2 + 100*(y - x^2)^2"), std::string::npos);
  EXPECT_NE(r.out.find("himmelblau"), std::string::npos);
}

TEST(CliProblems, JsonHasEveryProblemWithStartAndMinimum) {
  const CliResult r = run_cli({"problems", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_GE(doc["problems"].size(), 10u);
  for (const auto& p : doc["problems"]) {
    EXPECT_EQ(p["start"].size(), p["variables"].size()) << p["name"];
    EXPECT_TRUE(p.contains("minimum"));
    EXPECT_TRUE(p.contains("formula"));
  }
}

}  // namespace
}  // namespace descent::test
