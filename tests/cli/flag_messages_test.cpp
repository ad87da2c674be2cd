// The library speaks of its options by their API names (`epochs must be >= 0`); the CLI says
// its flags (apps/descent/flags.cpp).
#include <gtest/gtest.h>

#include "support/cli.hpp"

namespace descent {
namespace {

using test::run_cli;

TEST(CliFlagMessages, NegativeEpochsNameTheFlag) {
  const auto r = run_cli({"train", "--data", "iris", "--epochs", "-1"});
  EXPECT_EQ(r.exit_code, 2);
  // The CLI's own range check catches it before the library (whose message says `epochs`).
  EXPECT_EQ(r.err.rfind("descent: error: --epochs: must be a non-negative integer", 0), 0u) << r.err;
}

TEST(CliFlagMessages, ATestFractionOutOfRangeNamesTheFlag) {
  const auto r = run_cli({"train", "--data", "iris", "--test-fraction", "1.5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--test-fraction: must be a number in [0, 1)"), std::string::npos) << r.err;
}

TEST(CliFlagMessages, AMissingVariableIsToBeAddedToAt) {
  const auto r = run_cli({"minimize", "x + z", "--at", "x=1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "descent: error: variable 'z' has no value; add it to --at\n");
}

TEST(CliFlagMessages, APlotWithoutStartPointSuggestsAt) {
  const auto r = run_cli({"plot", "x^2 + y^2", "--out", "never-written.svg"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("give the start point with --at (e.g. --at x=1,y=1)"), std::string::npos)
      << r.err;
}

TEST(CliFlagMessages, ADivergedTrainingSuggestsTheClipNormFlag) {
  const auto r = run_cli({"train", "--data", "diabetes", "--optimizer", "sgd(lr=100)",
                          "--batch-size", "full", "--epochs", "300"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("gradient clipping (--clip-norm 1)"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace descent
