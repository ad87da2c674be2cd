// `descent train` / `predict` on awkward inputs: a resume keeps its data identity (target
// column, content), endless and one-shot inputs (/dev/zero, a FIFO) under a deadline, a wide CSV
// under a memory bound, the header note, and predict's refusal of mismatched column names.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/cli.hpp"
#include "support/limited.hpp"
#include "support/temp.hpp"

namespace {

using descent::test::run_cli;
using descent::test::run_cli_limited;

std::string temp_path(const std::string& name) {
  return descent::test::temp_path("cli_data_" + name);
}

// x, y1 (about 2x), y2 (a class): a regression target and a classification target side by side.
std::string two_target_csv(double shift) {
  std::string text = "x,y1,y2\n";
  for (int i = 0; i < 60; ++i) {
    const double x = i / 60.0 + shift;
    text += std::to_string(x) + "," + std::to_string(2 * x + (i % 7) * 0.01) + "," +
            std::to_string(i % 2) + "\n";
  }
  return text;
}

class ResumeIdentity : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(other_dir_);
    std::ofstream(data_) << two_target_csv(0.0);
    ASSERT_EQ(run_cli({"train", "--data", data_, "--target", "y1", "--epochs", "2", "--checkpoint",
                       checkpoint_})
                  .exit_code,
              0);
  }
  void TearDown() override {
    std::filesystem::remove_all(other_dir_);
    std::remove(data_.c_str());
    std::remove(checkpoint_.c_str());
  }
  std::string data_ = temp_path("two.csv");
  std::string checkpoint_ = temp_path("two.ckpt");
  std::string other_dir_ = temp_path("other");
};

TEST_F(ResumeIdentity, ResumeWithoutTargetKeepsTheTrainedTarget) {
  const auto whole =
      run_cli({"train", "--data", data_, "--target", "y1", "--epochs", "4", "--json"});
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const auto resumed = run_cli({"train", "--resume", checkpoint_, "--epochs", "4", "--json"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto a = nlohmann::json::parse(whole.out), b = nlohmann::json::parse(resumed.out);
  EXPECT_TRUE(b.contains("test_r2"));  // y1 is a regression target; y2 (the last) is not
  EXPECT_EQ(a["test_loss"], b["test_loss"]);
}

TEST_F(ResumeIdentity, ResumeWithAnotherTargetIsRefused) {
  const auto r = run_cli({"train", "--resume", checkpoint_, "--target", "y2", "--epochs", "4"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("target column y1; this run asks for y2"), std::string::npos) << r.err;
}

TEST_F(ResumeIdentity, ADifferentFileWithTheSameNameIsRefused) {
  const std::string other = other_dir_ + "/" + std::filesystem::path(data_).filename().string();
  std::ofstream(other) << two_target_csv(0.5);
  const auto r = run_cli({"train", "--resume", checkpoint_, "--data", other, "--epochs", "4"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("a different or changed file"), std::string::npos) << r.err;
}

TEST_F(ResumeIdentity, TheSameFileMovedElsewhereResumes) {
  const std::string moved = other_dir_ + "/moved.csv";
  std::filesystem::copy_file(data_, moved);
  const auto r = run_cli({"train", "--resume", checkpoint_, "--data", moved, "--epochs", "3"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(DataInput, AnAssumedHeaderIsNotedOnStderr) {
  const std::string data = temp_path("noted.csv");
  std::ofstream(data) << two_target_csv(0.0);
  const auto r = run_cli({"train", "--data", data, "--epochs", "1"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("note: " + data + ": the first row is read as the header: x, y1, y2"),
            std::string::npos)
      << r.err;
  std::remove(data.c_str());
}

TEST(DataInput, DevZeroIsRefusedAtOnce) {
  EXPECT_EQ(run_cli_limited({"train", "--data", "/dev/zero"}, {.seconds = 60}).exit_code, 2);
  EXPECT_EQ(
      run_cli_limited({"predict", "--checkpoint", "/dev/zero", "--data", "iris"}, {.seconds = 60})
          .exit_code,
      2);
}

TEST(DataInput, AFifoIsReadOnce) {
  const std::string fifo = temp_path("fifo.csv");
  std::remove(fifo.c_str());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const pid_t writer = fork();
  if (writer == 0) {  // writes the data once, as a shell pipeline would
    alarm(60);
    std::ofstream(fifo) << two_target_csv(0.0);
    _exit(0);
  }
  EXPECT_EQ(run_cli_limited({"train", "--data", fifo, "--epochs", "1"}, {.seconds = 60}).exit_code, 0);
  kill(writer, SIGKILL);  // in case the reader never opened the FIFO
  waitpid(writer, nullptr, 0);
  std::remove(fifo.c_str());
}

TEST(DataInput, AWideCsvTrainsWithinAMemoryBound) {
  if (!descent::test::kAddressSpaceLimitWorks) {
    GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space; RLIMIT_AS cannot apply";
  }
  // 200,000 columns in 1.2 MB: scratch for 1000 rows of that width once took 3.2 GB.
  const std::string data = temp_path("wide.csv");
  {
    std::ofstream out(data);
    for (int row = 0; row < 3; ++row) {
      for (int j = 0; j < 200000; ++j) out << ((j + row) % 2) << (j + 1 < 200000 ? "," : "\n");
    }
  }
  EXPECT_EQ(run_cli_limited({"train", "--data", data, "--epochs", "1", "--threads", "1"},
                            {.seconds = 120, .memory_mb = 1024})
                .exit_code,
            0);
  std::remove(data.c_str());
}

}  // namespace
