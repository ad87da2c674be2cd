// Ranges and work limits of the CLI: every refused value exits 2 with a short message naming
// the flag or field; every input-controlled size is bounded, checked under a deadline and,
// where memory is the point, an address-space limit (support/limited.hpp).
#include <cstdio>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/cli.hpp"
#include "support/limited.hpp"
#include "support/temp.hpp"

namespace descent {
namespace {

using test::run_cli;
using test::run_cli_limited;

void expect_refused(const test::CliResult& r, const std::string& message) {
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
}

TEST(CliRanges, AHugeStepCountIsRefusedWithAShortMessage) {
  const auto r = run_cli({"minimize", "x^2", "--at", "x=1", "--steps", "99999999999999999999"});
  expect_refused(r, "--steps: must be a non-negative integer no larger than 1000000000000000");
  EXPECT_LT(r.err.size(), 200u) << r.err;
}

TEST(CliRanges, ANegativeStepCountIsRefusedWithAShortMessage) {
  const auto r = run_cli({"minimize", "x^2", "--at", "x=1", "--steps", "-5"});
  expect_refused(r, "--steps: must be a non-negative integer");
  EXPECT_LT(r.err.size(), 200u) << r.err;
}

TEST(CliRanges, PlotRefusesZeroSteps) {
  expect_refused(
      run_cli({"plot", "x^2", "--at", "x=1", "--steps", "0", "--out", test::temp_path("zero.svg")}),
      "--steps: must be a positive integer");
}

TEST(CliRanges, OptimizerOptionsOutsideTheirRangeAreRefused) {
  expect_refused(run_cli({"minimize", "x^2", "--at", "x=1", "--optimizer", "rmsprop(alpha=1.5)"}),
                 "rmsprop: alpha = 1.5; must lie in [0, 1]");
  expect_refused(run_cli({"minimize", "x^2", "--at", "x=1", "--schedule", "cosine(eta_min=-1)"}),
                 "cosine: eta_min = -1; must be a finite number >= 0");
}

TEST(CliRanges, ANegativeSeedIsRefusedNotWrappedAround) {
  expect_refused(run_cli({"train", "--seed", "-1"}),
                 "--seed: must be an integer in [0, 18446744073709551615]");
}

TEST(CliRanges, TestFractionOfOneIsRefused) {
  expect_refused(run_cli({"train", "--test-fraction", "1"}),
                 "--test-fraction: must be a number in [0, 1)");
}

TEST(CliRanges, PictureSizeIsBounded) {
  expect_refused(run_cli({"plot", "x^2", "--at", "x=1", "--width", "100000", "--out",
                          test::temp_path("wide.svg")}),
                 "--width: must be an integer in [16, 20000]");
}

TEST(CliRanges, LandscapeSpanIsBounded) {
  expect_refused(run_cli({"landscape", "--span", "1e308", "--out", test::temp_path("span.svg")}),
                 "--span: must be a number in (0, 1000]");
}

TEST(CliLimits, LandscapeResolutionIsRefusedBeforeTraining) {
  const auto r =
      run_cli_limited({"landscape", "--resolution", "10000", "--out", test::temp_path("res.svg")},
                      {.seconds = 60, .memory_mb = 2048});
  expect_refused(r, "landscape: resolution = 10000; must lie in [3, 501] for a plane");
}

TEST(CliLimits, AHugeModelIsARangeErrorNotOutOfMemory) {
  const auto r =
      run_cli_limited({"train", "--model", "mlp(hidden=[1000000, 1000000])", "--epochs", "1"},
                      {.seconds = 60, .memory_mb = 2048});
  expect_refused(r, "parameters; at most 50000000");
}

TEST(CliLimits, AHessianOfTwoThousandVariablesIsRefused) {
  // (2000, not 10,000: the command line of sh -c is limited to 128 KiB.)
  std::string formula = "x0^2", at = "x0=1";
  for (int i = 1; i < 2000; ++i) {
    formula.append("+x").append(std::to_string(i)).append("^2");
    at.append(",x").append(std::to_string(i)).append("=1");
  }
  const auto r = run_cli_limited({"minimize", formula, "--at", at, "--optimizer", "newton"},
                                 {.seconds = 120, .memory_mb = 2048});
  expect_refused(r, "a Hessian of 2000 variables is too large: at most 1000");
}

TEST(CliLimits, TheHessianOfALongSharedProductIsRefused) {
  // d2/dy2 of (x0 + y)...(x199 + y): 200^2 terms of 200 factors.
  std::string formula = "(x0+y)", at = "y=0.5,x0=0.5";
  for (int i = 1; i < 200; ++i) {
    formula.append("*(x").append(std::to_string(i)).append("+y)");
    at.append(",x").append(std::to_string(i)).append("=0.5");
  }
  const auto r = run_cli_limited({"grad", formula, "--at", at, "--hessian"},
                                 {.seconds = 240, .memory_mb = 2048});
  expect_refused(r, "the derivatives of this formula are too large");
}

TEST(CliLimits, AMinimizePictureOfManyStepsKeepsBoundedMemory) {
  // f = x never converges: every step is taken. A full trace would hold 3e6 points (2 GB).
  const std::string out = test::temp_path("long.svg");
  const auto r = run_cli_limited({"minimize", "x", "--at", "x=0", "--steps", "3000000", "--jit",
                                  "off", "--plot", out, "--json"},
                                 {.seconds = 240, .memory_mb = 1024});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out).at("steps"), 3000000);
  std::remove(out.c_str());
}

TEST(CliLimits, TraceOfTooManyStepsIsRefused) {
  expect_refused(
      run_cli({"minimize", "x", "--at", "x=0", "--steps", "2000000", "--trace", "--json"}),
      "--trace prints every step, at most 1000000 steps");
}

}  // namespace
}  // namespace descent
