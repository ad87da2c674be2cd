// SIGINT and SIGTERM during `descent train`: the run stops after the current batch, undoes the
// partial epoch, writes the checkpoint, prints the summary and exits 128 + the signal, leaving
// no temporary file; resuming gives the uninterrupted run's result. The signal is sent once the
// progress bar (on a pseudo-terminal) shows the third epoch, so the checkpoint exists: no sleeps.
#include <signal.h>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "descent/ml/checkpoint.hpp"
#include "io/temp_dir.hpp"
#include "support/cli.hpp"
#include "support/pty.hpp"

namespace {

using descent::io::test::TempDir;
using descent::test::run_cli;
using descent::test::run_cli_in_pty;

// A long run on digits (36 batches per epoch), interrupted by `signals` once epoch 3 has begun.
descent::test::PtyResult interrupted_run(const std::string& checkpoint, std::vector<int> signals) {
  bool sent = false;
  return run_cli_in_pty(
      {"train", "--data", "digits", "--epochs", "10000", "--checkpoint", checkpoint},
      std::chrono::seconds(120), [&](pid_t pid, const std::string& output) {
        if (sent || output.find("\repoch 3/10000 [") == std::string::npos) return;
        for (int signal : signals) kill(pid, signal);
        sent = true;
      });
}

TEST(TrainSignal, SigintStopsWithAWholeCheckpointTheSummaryAndExit130) {
  TempDir dir;
  const std::string c = dir.file("c.ckpt");
  const auto r = interrupted_run(c, {SIGINT});
  ASSERT_FALSE(r.timed_out) << r.output;
  EXPECT_EQ(r.exit_code, 130) << r.output;
  const auto saved = descent::ml::load_checkpoint(c);
  EXPECT_GE(saved.epoch, 2);
  EXPECT_EQ(saved.history.epochs.size(), static_cast<std::size_t>(saved.epoch));
  EXPECT_NE(r.output.find("interrupted: train loss"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(
                fmt::format("interrupted by SIGINT: stopped after epoch {} of 10000", saved.epoch)),
            std::string::npos)
      << r.output;
  EXPECT_EQ(dir.temp_files(), std::vector<std::string>{});
}

TEST(TrainSignal, SigtermStopsTheSameWayWithExit143) {
  TempDir dir;
  const std::string c = dir.file("c.ckpt");
  const auto r = interrupted_run(c, {SIGTERM});
  ASSERT_FALSE(r.timed_out) << r.output;
  EXPECT_EQ(r.exit_code, 143) << r.output;
  EXPECT_GE(descent::ml::load_checkpoint(c).epoch, 2);
  EXPECT_NE(r.output.find("interrupted: train loss"), std::string::npos) << r.output;
  EXPECT_EQ(dir.temp_files(), std::vector<std::string>{});
}

TEST(TrainSignal, ResumingAnInterruptedRunGivesTheUninterruptedResult) {
  TempDir dir;
  const std::string c = dir.file("c.ckpt");
  ASSERT_EQ(interrupted_run(c, {SIGINT}).exit_code, 130);
  const std::string epochs = std::to_string(descent::ml::load_checkpoint(c).epoch + 1);
  const auto resumed = run_cli({"train", "--resume", c, "--epochs", epochs, "--json"});
  const auto straight = run_cli({"train", "--data", "digits", "--epochs", epochs, "--json"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  ASSERT_EQ(straight.exit_code, 0) << straight.err;
  const auto a = nlohmann::json::parse(resumed.out);
  const auto b = nlohmann::json::parse(straight.out);
  EXPECT_EQ(a["train_loss"], b["train_loss"]);
  EXPECT_EQ(a["test_loss"], b["test_loss"]);
}

// A second signal may end the run at once (killed by it) or find it already stopping (exit
// 128 + the first); either way no temporary file is left and any checkpoint is whole.
TEST(TrainSignal, ASecondSignalLeavesNoTemporaryFile) {
  TempDir dir;
  const std::string c = dir.file("c.ckpt");
  const auto r = interrupted_run(c, {SIGINT, SIGTERM});
  ASSERT_FALSE(r.timed_out) << r.output;
  EXPECT_TRUE(r.exit_code == 130 || r.exit_code == 143) << r.exit_code << "\n" << r.output;
  EXPECT_EQ(dir.temp_files(), std::vector<std::string>{});
  if (std::filesystem::exists(c)) {
    EXPECT_NO_THROW(descent::ml::load_checkpoint(c));
  }
}

}  // namespace
