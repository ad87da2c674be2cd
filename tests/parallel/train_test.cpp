// `mpirun -np N descent train`: bit-identical to one process for 1 to 4 processes (an MLP, a
// float64 softmax, a CNN; batches that do not divide by the process count, a last partial batch,
// threads inside processes), checkpoints that resume on another process count, --allreduce fast.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "parallel/support.hpp"

namespace {

using descent::test::expect_same_state;
using descent::test::run_cli;
using descent::test::run_mpi;
using descent::test::without_run_details;

std::string temp_path(const std::string& name) {
  return descent::test::temp_path("parallel_train_" + name);
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// Trains `args` (2 epochs, --json) alone and on 2, 3 and 4 processes; all must agree bit for bit.
void expect_identical_on_1_to_4_processes(const std::vector<std::string>& args) {
  const std::string alone = temp_path("alone.ckpt");
  const auto reference =
      run_cli(with(args, {"--epochs", "2", "--json", "--threads", "1", "--checkpoint", alone}));
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  for (int processes = 1; processes <= 4; ++processes) {
    SCOPED_TRACE(processes);
    const std::string path = temp_path("ranks.ckpt");
    const std::string threads = processes == 2 ? "2" : "1";  // threads x processes changes nothing
    const auto r = run_mpi(processes, with(args, {"--epochs", "2", "--json", "--threads", threads,
                                                  "--checkpoint", path}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto doc = nlohmann::json::parse(r.out);  // one document: process 0 alone prints
    EXPECT_EQ(doc["ranks"], processes);
    EXPECT_EQ(without_run_details(doc), without_run_details(nlohmann::json::parse(reference.out)));
    expect_same_state(alone, path);
    std::remove(path.c_str());
  }
  std::remove(alone.c_str());
}

TEST(ParallelTrain, AnMlpIsBitIdenticalOnOneToFourProcesses) {
  SKIP_WITHOUT_MPI();
  // Batches of 384 rows are 6 shards (uneven over 4 processes); the last batch has 286 rows (4).
  expect_identical_on_1_to_4_processes({"train", "--data", "digits", "--model", "mlp(hidden=[32])",
                                        "--batch-size", "384", "--seed", "3"});
}

TEST(ParallelTrain, AFloat64SoftmaxIsBitIdenticalOnOneToFourProcesses) {
  SKIP_WITHOUT_MPI();
  // 3 shards of 66 or 67 rows: process 0 of 4 has none.
  expect_identical_on_1_to_4_processes({"train", "--data", "digits", "--model", "softmax",
                                        "--batch-size", "200", "--optimizer",
                                        "sgd(lr=0.1, momentum=0.9)"});
}

TEST(ParallelTrain, ACnnIsBitIdenticalOnOneToFourProcesses) {
  SKIP_WITHOUT_MPI();
  // The digits are 8x8 images: a small CNN trains on them in CI (Fashion-MNIST is not installed).
  expect_identical_on_1_to_4_processes({"train", "--data", "digits", "--model",
                                        "cnn(channels=[4], hidden=16)", "--batch-size", "192",
                                        "--seed", "1"});
}

TEST(ParallelTrain, ACheckpointOfFourProcessesResumesOnOneAndOnThreeAsIfNeverStopped) {
  SKIP_WITHOUT_MPI();
  const std::vector<std::string> args = {"train",   "--data",           "digits",
                                         "--model", "mlp(hidden=[16])", "--batch-size",
                                         "256",     "--seed",           "5"};
  const std::string whole = temp_path("whole.ckpt"), four = temp_path("four.ckpt");
  ASSERT_EQ(run_cli(with(args, {"--epochs", "3", "--checkpoint", whole})).exit_code, 0);
  const auto first = run_mpi(4, with(args, {"--epochs", "1", "--checkpoint", four}));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  for (int processes : {1, 3}) {
    SCOPED_TRACE(processes);
    const std::string resumed = temp_path("resumed.ckpt");
    const auto r =
        processes == 1
            ? run_cli(with(args, {"--epochs", "3", "--resume", four, "--checkpoint", resumed}))
            : run_mpi(3, with(args, {"--epochs", "3", "--resume", four, "--checkpoint", resumed}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_same_state(whole, resumed);
    std::remove(resumed.c_str());
  }
  std::remove(whole.c_str());
  std::remove(four.c_str());
}

TEST(ParallelTrain, FastAllreduceIsWithinOneMillionthOfExactAfterAnEpoch) {
  SKIP_WITHOUT_MPI();
  const std::vector<std::string> args = {
      "train",        "--data", "digits",   "--model", "mlp(hidden=[32])",
      "--batch-size", "384",    "--epochs", "1",       "--json"};
  const auto exact = run_mpi(3, args);
  const auto fast = run_mpi(3, with(args, {"--allreduce", "fast"}));
  ASSERT_EQ(exact.exit_code, 0) << exact.err;
  ASSERT_EQ(fast.exit_code, 0) << fast.err;
  const auto e = nlohmann::json::parse(exact.out), f = nlohmann::json::parse(fast.out);
  EXPECT_EQ(f["allreduce"], "fast");
  for (const char* key : {"train_loss", "test_loss"}) {
    const double a = e[key], b = f[key];
    EXPECT_LE(std::abs(a - b), 1e-6 * std::abs(a)) << key;
  }
}

TEST(ParallelTrain, TheHeaderLineSaysHowManyProcessesAndThreadsRan) {
  SKIP_WITHOUT_MPI();
  const auto r = run_mpi(2, {"train", "--data", "iris", "--epochs", "1", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2 processes (exact allreduce) x 1 thread\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("done:"), r.out.rfind("done:"));  // one report: process 0 alone prints
}

}  // namespace
