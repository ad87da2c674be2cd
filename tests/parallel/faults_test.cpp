// Faults under mpirun: an error on one process, a process killed with SIGKILL, and processes
// that disagree on the settings or the data each end the whole job with a non-zero exit code and
// a message; none is left waiting (every run is under run_mpi's deadline: a hang fails as 124).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "parallel/support.hpp"

namespace {

using descent::test::expect_same_state;
using descent::test::run_cli;
using descent::test::run_mpi;

std::string temp_path(const std::string& name) {
  return descent::test::temp_path("parallel_faults_" + name);
}

// on_rank.sh RANK ACTION ARG: alters process RANK of the job (see on_rank.sh).
std::vector<std::string> on_rank(int rank, const std::string& action, const std::string& arg) {
  return {DESCENT_ON_RANK, std::to_string(rank), action, arg};
}

TEST(ParallelFaults, AnErrorOnOneProcessEndsTheJobWithItsCodeRankAndCause) {
  SKIP_WITHOUT_MPI();
  // Process 1 runs where data.csv is missing (a machine without the file).
  const std::filesystem::path here = temp_path("with"), there = temp_path("without");
  std::filesystem::create_directories(here);
  std::filesystem::create_directories(there);
  std::ofstream(here / "data.csv") << "x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n";
  std::vector<std::string> wrapper = {"--wdir", here.string()};
  for (const auto& word : on_rank(1, "cd", there.string())) wrapper.push_back(word);
  const auto r = run_mpi(3, {"train", "--data", "data.csv", "--epochs", "50"}, wrapper);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("descent: error: rank 1 of 3: no data set 'data.csv'"), std::string::npos)
      << r.err;
  std::filesystem::remove_all(here);
  std::filesystem::remove_all(there);
}

TEST(ParallelFaults, AUsageErrorOnOneProcessEndsTheJob) {
  SKIP_WITHOUT_MPI();
  const auto r = run_mpi(2, {"train", "--data", "iris", "--epochs", "50"},
                         on_rank(1, "args", "--no-such-flag"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(
      r.err.find(
          "descent: error: rank 1 of 2: The following argument was not expected: --no-such-flag"),
      std::string::npos)
      << r.err;
}

TEST(ParallelFaults, AProcessKilledWithSigkillEndsTheJob) {
  SKIP_WITHOUT_MPI();
  const std::string path = temp_path("killed.ckpt");
  std::remove(path.c_str());
  // Killed once process 0 has written its first checkpoint: in the middle of a long run.
  const auto r = run_mpi(2,
                         {"train", "--data", "digits", "--model", "softmax", "--epochs", "100000",
                          "--checkpoint", path},
                         on_rank(1, "kill-after", path));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, 124) << "the job outlived its deadline";
  std::remove(path.c_str());
}

TEST(ParallelFaults, ResumingAfterAKillGivesTheUninterruptedRun) {
  SKIP_WITHOUT_MPI();
  const std::vector<std::string> args = {"train",   "--data", "digits", "--model",
                                         "softmax", "--seed", "2"};
  const std::string path = temp_path("kill.ckpt"), resumed = temp_path("resumed.ckpt"),
                    whole = temp_path("whole.ckpt");
  std::remove(path.c_str());
  auto killed = args;
  killed.insert(killed.end(), {"--epochs", "100000", "--checkpoint", path});
  ASSERT_NE(run_mpi(2, killed, on_rank(1, "kill-after", path)).exit_code, 0);
  const std::int64_t epoch = descent::ml::load_checkpoint(path).epoch;  // whole: written atomically
  const std::string epochs = std::to_string(epoch + 1);
  auto resume = args;
  resume.insert(resume.end(), {"--epochs", epochs, "--resume", path, "--checkpoint", resumed});
  ASSERT_EQ(run_mpi(2, resume).exit_code, 0);
  auto uninterrupted = args;
  uninterrupted.insert(uninterrupted.end(), {"--epochs", epochs, "--checkpoint", whole});
  ASSERT_EQ(run_cli(uninterrupted).exit_code, 0);
  expect_same_state(whole, resumed);
  for (const auto& p : {path, resumed, whole}) std::remove(p.c_str());
}

TEST(ParallelFaults, ProcessesThatDisagreeOnTheSettingsAreRefusedBeforeTraining) {
  SKIP_WITHOUT_MPI();
  const auto r =
      run_mpi(3, {"train", "--data", "iris", "--epochs", "2"}, on_rank(2, "args", "--seed 7"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("rank 2 of 3 differs from rank 0 in the settings"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.out.find("epoch"), std::string::npos);  // not one epoch trained
}

TEST(ParallelFaults, ProcessesThatReadDifferentDataAreRefusedBeforeTraining) {
  SKIP_WITHOUT_MPI();
  // The same path, data.csv, holds other rows for process 1 (as another machine's file would).
  const std::filesystem::path here = temp_path("here"), there = temp_path("there");
  std::filesystem::create_directories(here);
  std::filesystem::create_directories(there);
  std::ofstream(here / "data.csv") << "x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n6,1\n";
  std::ofstream(there / "data.csv") << "x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n7,1\n";
  std::vector<std::string> wrapper = {"--wdir", here.string()};
  for (const auto& word : on_rank(1, "cd", there.string())) wrapper.push_back(word);
  const auto r = run_mpi(2, {"train", "--data", "data.csv", "--epochs", "2"}, wrapper);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("rank 1 of 2 differs from rank 0 in the data"), std::string::npos) << r.err;
  std::filesystem::remove_all(here);
  std::filesystem::remove_all(there);
}

}  // namespace
