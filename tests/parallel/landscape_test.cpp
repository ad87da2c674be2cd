// `mpirun -np N descent landscape`: the processes train together and split the grid of loss
// evaluations; the picture and its numbers are those of one process.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "parallel/support.hpp"

namespace {

using descent::test::run_cli;
using descent::test::run_mpi;
using descent::test::slurp;

std::string temp_path(const std::string& name) {
  return descent::test::temp_path("parallel_landscape_" + name);
}

TEST(ParallelLandscape, ThreeProcessesDrawTheSamePictureWithTheSameNumbersAsOne) {
  SKIP_WITHOUT_MPI();
  const std::string alone = temp_path("alone.svg"), three = temp_path("three.svg");
  const auto args = [](const std::string& out) {
    return std::vector<std::string>{
        "landscape", "--data",       "iris", "--model", "mlp(hidden=[8])", "--epochs",
        "2",         "--resolution", "7",    "--json",  "--out",           out};
  };
  const auto one = run_cli(args(alone));
  const auto r = run_mpi(3, args(three));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto a = nlohmann::json::parse(one.out), b = nlohmann::json::parse(r.out);
  EXPECT_EQ(b["ranks"], 3);
  for (auto* doc : {&a, &b}) doc->erase("ranks"), doc->erase("file");
  EXPECT_EQ(a, b);
  EXPECT_EQ(slurp(alone), slurp(three));  // every contour, every pixel of the fill
  std::remove(alone.c_str());
  std::remove(three.c_str());
}

TEST(ParallelLandscape, TheLineIsTheSameOnTwoProcesses) {
  SKIP_WITHOUT_MPI();
  const std::string alone = temp_path("alone_line.svg"), two = temp_path("two_line.svg");
  const auto args = [](const std::string& out) {
    return std::vector<std::string>{"landscape", "--data", "iris", "--model",      "softmax",
                                    "--epochs",  "2",      "--1d", "--resolution", "9",
                                    "--json",    "--out",  out};
  };
  const auto one = run_cli(args(alone));
  const auto r = run_mpi(2, args(two));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(one.out)["loss"], nlohmann::json::parse(r.out)["loss"]);
  EXPECT_EQ(slurp(alone), slurp(two));
  std::remove(alone.c_str());
  std::remove(two.c_str());
}

}  // namespace
