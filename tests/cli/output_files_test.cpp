// The files the CLI writes: temporary files that never follow links, special files written in
// place, a full disk, outputs that are inputs or each other, outputs checked before the work,
// results printed when a late write fails, and concurrent writers of one checkpoint.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "descent/ml/checkpoint.hpp"
#include "io/temp_dir.hpp"
#include "support/cli.hpp"

namespace {

using descent::io::test::TempDir;
using descent::test::run_cli;
using descent::test::slurp;

// A full disk at 8 KiB: a file-size limit the binary inherits, SIGXFSZ ignored so that a write
// past it fails with EFBIG ("File too large") instead of killing the process.
const std::string kFullDisk = "trap '' XFSZ; ulimit -f 16";

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(OutputFiles, TrainDoesNotFollowASymlinkedTemp) {
  TempDir dir;
  write(dir.file("victim"), "precious");
  std::filesystem::create_symlink(dir.file("victim"), dir.file("c.ckpt.tmp"));
  const auto r =
      run_cli({"train", "--data", "iris", "--epochs", "1", "--checkpoint", dir.file("c.ckpt")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(dir.file("victim")), "precious");
  EXPECT_NO_THROW(descent::ml::load_checkpoint(dir.file("c.ckpt")));
}

TEST(OutputFiles, PlotDoesNotFollowASymlinkedTemp) {
  TempDir dir;
  write(dir.file("victim"), "precious");
  std::filesystem::create_symlink(dir.file("victim"), dir.file("p.svg.tmp"));
  const auto r = run_cli({"plot", "rosenbrock", "--steps", "5", "--out", dir.file("p.svg")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(dir.file("victim")), "precious");
  EXPECT_EQ(slurp(dir.file("p.svg")).substr(0, 5), "<?xml");
}

class TrainedModel : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(run_cli({"train", "--data", "digits", "--epochs", "1", "--checkpoint", checkpoint_})
                  .exit_code,
              0);
  }
  TempDir dir_;
  std::string checkpoint_ = dir_.file("m.ckpt");
};

TEST_F(TrainedModel, PredictDoesNotFollowASymlinkedTemp) {
  write(dir_.file("victim"), "precious");
  std::filesystem::create_symlink(dir_.file("victim"), dir_.file("p.csv.tmp"));
  const auto r = run_cli(
      {"predict", "--checkpoint", checkpoint_, "--data", "digits", "--out", dir_.file("p.csv")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(slurp(dir_.file("victim")), "precious");
  EXPECT_EQ(slurp(dir_.file("p.csv")).substr(0, 10), "prediction");
}

TEST_F(TrainedModel, PredictWritesAPipeInPlace) {
  const std::string fifo = dir_.file("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string row = "0";
  for (int j = 1; j < 64; ++j) row += ",0";  // one digits row: a few hundred bytes fit the pipe
  write(dir_.file("rows.csv"), row + "\n");
  // Held open for reading (O_RDWR never waits for a writer), so the CLI finds a reader.
  const int fd = ::open(fifo.c_str(), O_RDWR | O_NONBLOCK);
  ASSERT_GE(fd, 0);
  const auto r = run_cli(
      {"predict", "--checkpoint", checkpoint_, "--data", dir_.file("rows.csv"), "--out", fifo});
  std::string got(65536, '\0');
  const ssize_t n = ::read(fd, got.data(), got.size());
  ::close(fd);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::is_fifo(fifo));
  ASSERT_GT(n, 0);
  EXPECT_EQ(got.substr(0, 11), "prediction,");
}

// `--out /dev/null`, played by a device node of our own (1, 3) so that a regression cannot
// replace the real /dev/null (as root, a rename would).
TEST_F(TrainedModel, PredictWritesACharacterDeviceInPlace) {
  const std::string null = dir_.file("null");
  if (::mknod(null.c_str(), S_IFCHR | 0666, ::makedev(1, 3)) != 0)
    GTEST_SKIP() << "mknod needs CAP_MKNOD";
  const auto r =
      run_cli({"predict", "--checkpoint", checkpoint_, "--data", "digits", "--out", null});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::is_character_file(null));
  EXPECT_EQ(dir_.temp_files(), std::vector<std::string>{});
}

TEST_F(TrainedModel, PredictOnAFullDiskFailsAndLeavesNoFile) {
  const auto r = run_cli(
      {"predict", "--checkpoint", checkpoint_, "--data", "digits", "--out", dir_.file("p.csv")},
      kFullDisk);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.file("p.csv")));
  EXPECT_EQ(dir_.temp_files(), std::vector<std::string>{});
}

TEST_F(TrainedModel, PredictRefusesToWriteOverItsData) {
  write(dir_.file("rows.csv"), "1,2\n");
  const auto r = run_cli({"predict", "--checkpoint", checkpoint_, "--data", dir_.file("rows.csv"),
                          "--out", dir_.file("rows.csv")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(slurp(dir_.file("rows.csv")), "1,2\n");
}

class PlotOnAFullDisk : public ::testing::TestWithParam<std::string> {};

TEST_P(PlotOnAFullDisk, FailsWithExit1AndLeavesNoFile) {
  TempDir dir;
  const std::string out = dir.file("p." + GetParam());
  const auto r = run_cli({"plot", "rosenbrock", "--steps", "5", "--out", out}, kFullDisk);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("cannot write '" + out + "': File too large"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("wrote"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("max_steps"), std::string::npos) << r.out;  // the results, still printed
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(dir.temp_files(), std::vector<std::string>{});
}

INSTANTIATE_TEST_SUITE_P(EveryFormat, PlotOnAFullDisk, ::testing::Values("pdf", "svg", "png"));

TEST(OutputFiles, TrainOnAFullDiskPrintsTheResultsThenFails) {
  TempDir dir;
  const auto r =
      run_cli({"train", "--data", "digits", "--epochs", "2", "--checkpoint", dir.file("c.ckpt")},
              kFullDisk);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("done: train loss"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("cannot write '" + dir.file("c.ckpt") + "': File too large"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("c.ckpt")));
  EXPECT_EQ(dir.temp_files(), std::vector<std::string>{});
}

TEST(OutputFiles, TrainWhosePlotFailsPrintsTheResultsThenFails) {
  TempDir dir;
  const auto r =
      run_cli({"train", "--data", "iris", "--epochs", "2", "--plot", dir.file("p.png")}, kFullDisk);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("done: train loss"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("p.png")));
}

TEST(OutputFiles, TrainRefusesACheckpointThatIsItsData) {
  TempDir dir;
  write(dir.file("d.csv"), "a,b\n1,0\n2,1\n3,0\n4,1\n");
  const auto r = run_cli({"train", "--data", dir.file("d.csv"), "--checkpoint", dir.file("d.csv")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is the same file as --data"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(slurp(dir.file("d.csv")), "a,b\n1,0\n2,1\n3,0\n4,1\n");
}

TEST(OutputFiles, TrainRefusesACheckpointThatIsAHardLinkToItsData) {
  TempDir dir;
  write(dir.file("d.csv"), "a,b\n1,0\n2,1\n3,0\n4,1\n");
  std::filesystem::create_hard_link(dir.file("d.csv"), dir.file("other.name"));
  const auto r =
      run_cli({"train", "--data", dir.file("d.csv"), "--checkpoint", dir.file("other.name")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(slurp(dir.file("d.csv")), "a,b\n1,0\n2,1\n3,0\n4,1\n");
}

TEST(OutputFiles, TrainRefusesAPlotThatIsItsCheckpoint) {
  TempDir dir;
  const auto r = run_cli(
      {"train", "--data", "iris", "--checkpoint", dir.file("x.svg"), "--plot", dir.file("x.svg")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--plot '" + dir.file("x.svg") + "' is the same file as --checkpoint"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("x.svg")));
}

TEST(OutputFiles, TrainMayWriteBackTheCheckpointItResumes) {
  TempDir dir;
  const std::string c = dir.file("c.ckpt");
  ASSERT_EQ(run_cli({"train", "--data", "iris", "--epochs", "1", "--checkpoint", c}).exit_code, 0);
  const auto r = run_cli({"train", "--resume", c, "--epochs", "2", "--checkpoint", c});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(descent::ml::load_checkpoint(c).epoch, 2);
}

TEST(OutputFiles, TrainChecksAMissingDirectoryBeforeTraining) {
  TempDir dir;
  const auto r = run_cli({"train", "--data", "iris", "--checkpoint", dir.file("no/such/c.ckpt")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");  // nothing trained
  EXPECT_NE(r.err.find("directory '" + dir.file("no/such") + "' does not exist"), std::string::npos)
      << r.err;
}

TEST(OutputFiles, PlotRefusesADirectoryBeforeTheRun) {
  TempDir dir;
  std::filesystem::create_directory(dir.file("d.svg"));
  const auto r = run_cli({"plot", "rosenbrock", "--out", dir.file("d.svg")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("it is a directory"), std::string::npos) << r.err;
}

TEST(OutputFiles, TwoRunsWritingOneCheckpointBothSucceed) {
  TempDir dir;
  const std::string c = dir.file("c.ckpt");
  const std::vector<std::string> args = {"train", "--data",       "iris", "--epochs",
                                         "40",    "--checkpoint", c};
  descent::test::CliResult first, second;
  std::thread other([&] { second = run_cli(args); });
  first = run_cli(args);
  other.join();
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(descent::ml::load_checkpoint(c).epoch, 40);
  EXPECT_EQ(dir.temp_files(), std::vector<std::string>{});
}

}  // namespace
