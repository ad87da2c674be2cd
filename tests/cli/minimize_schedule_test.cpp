// `descent minimize --schedule`: a schedule with an end (onecycle's total_steps) shorter than
// --steps is refused before the first step (exit 2), naming both numbers and the fix.
#include <gtest/gtest.h>

#include "support/cli.hpp"

namespace descent::test {
namespace {

TEST(CliMinimizeSchedule, OnecycleShorterThanStepsIsExit2NamingBothNumbers) {
  const CliResult r = run_cli({"minimize", "x^2 + y^2", "--at", "x=1,y=1", "--optimizer",
                               "sgd(lr=0.1, momentum=0.9)", "--schedule",
                               "onecycle(max_lr=0.1, total_steps=100)", "--steps", "500"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.out, "");  // refused before any step was printed
  EXPECT_NE(r.err.find("total_steps = 100"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("may take 500 steps"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("set total_steps=500"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--steps 100"), std::string::npos) << r.err;
}

TEST(CliMinimizeSchedule, OnecycleAsLongAsStepsRuns) {
  const CliResult r = run_cli({"minimize", "x^2 + y^2", "--at", "x=1,y=1", "--optimizer",
                               "sgd(lr=0.1, momentum=0.9)", "--schedule",
                               "onecycle(max_lr=0.1, total_steps=100)", "--steps", "100", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace descent::test
