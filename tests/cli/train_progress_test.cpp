// `descent train` draws a per-epoch progress bar on stderr only when stderr is a terminal:
// under a pseudo-terminal it appears, piped to a file it does not.
#include <string>

#include <gtest/gtest.h>

#include "support/cli.hpp"
#include "support/pty.hpp"

namespace {

using descent::test::run_cli;
using descent::test::run_cli_in_pty;

// iris: 120 training rows in batches of 32 = 4 batches per epoch, so each epoch's bar ends full:
// "epoch 1/2 [########################] 4/4" (24 '#', cmd_train.cpp's width).
const std::vector<std::string> kTinyRun = {"train", "--data", "iris", "--model", "softmax", "--epochs", "2"};
const std::string kFullBar = "[" + std::string(24, '#') + "] 4/4";

TEST(TrainProgress, BarIsDrawnOnATerminal) {
  const auto r = run_cli_in_pty(kTinyRun);
  ASSERT_FALSE(r.timed_out) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\repoch 1/2 " + kFullBar), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\repoch 2/2 " + kFullBar), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\r\033[K"), std::string::npos) << r.output;  // erased before the table
  EXPECT_NE(r.output.find("done: train loss"), std::string::npos) << r.output;
}

TEST(TrainProgress, NoBarWhenPiped) {
  const auto r = run_cli(kTinyRun);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("epoch 1/2"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("done: train loss"), std::string::npos) << r.out;
}

TEST(TrainProgress, NoBarWithJsonEvenOnATerminal) {
  auto args = kTinyRun;
  args.push_back("--json");
  const auto r = run_cli_in_pty(args);
  ASSERT_FALSE(r.timed_out) << r.output;
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("epoch 1/2 ["), std::string::npos) << r.output;
}

}  // namespace
