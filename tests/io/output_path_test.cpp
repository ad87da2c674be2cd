// Outputs checked before the work: the same file as an input or another output (by name,
// another path, a hard link, a symbolic link), a missing directory, a directory, a device.
#include "descent/io/output_path.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "descent/core/error.hpp"
#include "descent/io/files.hpp"
#include "io/temp_dir.hpp"

namespace descent::io {
namespace {

// The error code check_output_path throws, or nullopt when it accepts.
std::optional<ErrorCode> refusal(const NamedPath& output, const std::vector<NamedPath>& inputs,
                                 const std::vector<NamedPath>& outputs = {}) {
  try {
    check_output_path(output, inputs, outputs);
  } catch (const Error& e) {
    return e.code();
  }
  return std::nullopt;
}

class OutputPath : public ::testing::Test {
 protected:
  void SetUp() override { write_file_atomic(data_, "a,b\n1,2\n"); }
  test::TempDir dir_;
  std::string data_ = dir_.file("d.csv");
};

TEST_F(OutputPath, AcceptsANewFileInAWritableDirectory) {
  EXPECT_EQ(refusal({"--checkpoint", dir_.file("c.ckpt")}, {{"--data", data_}}), std::nullopt);
}

TEST_F(OutputPath, RefusesTheInputItself) {
  try {
    check_output_path({"--checkpoint", data_}, {{"--data", data_}});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_usage);
    EXPECT_NE(std::string(e.what()).find("--checkpoint '" + data_ + "' is the same file as --data"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(OutputPath, RefusesTheInputThroughAnotherPath) {
  const std::string other =
      dir_.path().string() + "/./../" + dir_.path().filename().string() + "/d.csv";
  EXPECT_EQ(refusal({"--out", other}, {{"--data", data_}}), ErrorCode::bad_usage);
}

TEST_F(OutputPath, RefusesAHardLinkToTheInput) {
  std::filesystem::create_hard_link(data_, dir_.file("hard.csv"));
  EXPECT_EQ(refusal({"--out", dir_.file("hard.csv")}, {{"--data", data_}}), ErrorCode::bad_usage);
}

TEST_F(OutputPath, RefusesASymlinkToTheInput) {
  std::filesystem::create_symlink(data_, dir_.file("link.csv"));
  EXPECT_EQ(refusal({"--out", dir_.file("link.csv")}, {{"--data", data_}}), ErrorCode::bad_usage);
}

TEST_F(OutputPath, RefusesTwoOutputsOfOneNameBeforeEitherExists) {
  EXPECT_EQ(refusal({"--plot", dir_.file("x.svg")}, {}, {{"--checkpoint", dir_.file("x.svg")}}),
            ErrorCode::bad_usage);
}

TEST_F(OutputPath, SkipsAnInputThatIsNotAFile) {
  EXPECT_EQ(
      refusal({"--checkpoint", dir_.file("c.ckpt")}, {{"--data", "digits"}, {"--resume", ""}}),
      std::nullopt);
}

TEST_F(OutputPath, RefusesAMissingDirectoryAsAnIoError) {
  try {
    check_output_path({"--checkpoint", dir_.file("no/such/c.ckpt")}, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::io);
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

TEST_F(OutputPath, RefusesADirectoryAsAnIoError) {
  EXPECT_EQ(refusal({"--out", dir_.path().string()}, {}), ErrorCode::io);
}

TEST_F(OutputPath, AcceptsACharacterDeviceWrittenInPlace) {
  EXPECT_EQ(refusal({"--out", "/dev/null"}, {{"--data", "/dev/null"}}), std::nullopt);
}

TEST(SameFile, ComparesExistingFilesByIdentityAndNewOnesByName) {
  test::TempDir dir;
  write_file_atomic(dir.file("a"), "x");
  std::filesystem::create_symlink(dir.file("a"), dir.file("b"));
  EXPECT_TRUE(same_file(dir.file("a"), dir.file("b")));
  EXPECT_TRUE(same_file(dir.file("new"), dir.path().string() + "/./new"));
  EXPECT_FALSE(same_file(dir.file("a"), dir.file("new")));
}

}  // namespace
}  // namespace descent::io
