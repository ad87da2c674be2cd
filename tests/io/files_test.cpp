// Atomic writes, reading, gzip.
#include "descent/io/files.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "descent/core/error.hpp"
#include "io/temp_dir.hpp"

namespace descent::io {
namespace {

TEST(Files, AtomicWriteReplacesWholeAndLeavesNoTmp) {
  test::TempDir dir;
  const std::string path = dir.file("state.bin");
  write_file_atomic(path, std::string(10000, 'a'));
  write_file_atomic(path, "short");
  EXPECT_EQ(read_file(path), "short");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(Files, AtomicWriteToMissingDirectoryIsAnIoError) {
  test::TempDir dir;
  try {
    write_file_atomic(dir.file("no/such/dir/x"), "data");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::io);
    EXPECT_NE(std::string(e.what()).find("cannot write"), std::string::npos) << e.what();
  }
}

TEST(Files, ReadingAMissingFileNamesIt) {
  try {
    read_file("/nonexistent/file.csv");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    EXPECT_EQ(std::string(e.what()),
              "cannot open '/nonexistent/file.csv': No such file or directory");
  }
}

TEST(Files, BinaryBytesRoundTrip) {
  test::TempDir dir;
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  write_file_atomic(dir.file("b"), bytes);
  EXPECT_EQ(read_file(dir.file("b")), bytes);
}

TEST(Gzip, RoundTripThroughZlib) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += std::to_string(i * 7919 % 1000) + ",";
  const std::string packed = gzip(text);
  EXPECT_TRUE(is_gzip(packed));
  EXPECT_LT(packed.size(), text.size());
  EXPECT_EQ(gunzip(packed), text);
}

TEST(Gzip, EmptyInputRoundTrips) { EXPECT_EQ(gunzip(gzip("")), ""); }

TEST(Gzip, ConcatenatedMembersDecodeToTheConcatenation) {
  EXPECT_EQ(gunzip(gzip("hello ") + gzip("world")), "hello world");
}

TEST(Gzip, CorruptDataIsBadInput) {
  std::string packed = gzip(std::string(1000, 'x'));
  packed[packed.size() / 2] ^= 0x55;
  packed[12] ^= 0x55;
  EXPECT_THROW(gunzip(packed), Error);
  EXPECT_THROW(gunzip(packed.substr(0, packed.size() / 2)), Error);  // truncated
}

TEST(Gzip, ReadMaybeGzipDetectsByMagic) {
  test::TempDir dir;
  write_file_atomic(dir.file("a.txt"), gzip("1,2,3\n"));
  write_file_atomic(dir.file("b.txt"), "4,5,6\n");
  EXPECT_EQ(read_maybe_gzip(dir.file("a.txt")), "1,2,3\n");
  EXPECT_EQ(read_maybe_gzip(dir.file("b.txt")), "4,5,6\n");
}

}  // namespace
}  // namespace descent::io
