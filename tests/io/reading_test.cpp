// Reading inputs safely: size limits (files, gzip bombs, columns), directories, binary data,
// IDX header errors, the UTF-8 byte order mark, header detection and its note, content hashes.
#include <gtest/gtest.h>

#include <string>

#include "descent/core/error.hpp"
#include "descent/io/csv.hpp"
#include "descent/io/dataset.hpp"
#include "descent/io/files.hpp"
#include "descent/io/idx.hpp"
#include "io/temp_dir.hpp"

namespace descent::io {
namespace {

using test::TempDir;

// The message of the bad_input error `f` throws ("no error" if none).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input) << e.what();
    return e.what();
  }
  return "no error";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

TEST(ReadFile, ADirectoryIsNamedAsOne) {
  TempDir dir;
  EXPECT_TRUE(contains(error_of([&] { read_file(dir.path().string()); }), "is a directory"));
}

TEST(ReadFile, AFileOverTheLimitIsRefusedBeforeReading) {
  TempDir dir;
  write_file_atomic(dir.file("big.csv"), std::string(2000, '1'));
  const std::string message = error_of([&] { read_file(dir.file("big.csv"), 1000); });
  EXPECT_TRUE(contains(message, "over the limit of 1000 bytes")) << message;
}

TEST(ReadFile, ADeviceIsCutAtTheLimit) {
  const std::string message = error_of([] { read_file("/dev/zero", 100000); });
  EXPECT_TRUE(contains(message, "larger than the limit of 97.66 KiB")) << message;
}

TEST(ReadFile, TextReadingStopsAtTheFirstNulByte) {
  // /dev/zero is endless: only a check as the bytes arrive ends this.
  const std::string message = error_of([] { read_text("/dev/zero"); });
  EXPECT_TRUE(contains(message, "NUL byte at offset 0")) << message;
}

TEST(Gunzip, ABombIsCappedAtTheLimit) {
  const std::string bomb = gzip(std::string(1 << 20, 'a'));
  const std::string message = error_of([&] { gunzip(bomb, 4096); });
  EXPECT_TRUE(contains(message, "inflates to more than the limit of 4 KiB")) << message;
  EXPECT_EQ(gunzip(bomb, 1 << 20).size(), std::size_t{1} << 20);  // exactly at the limit
}

// gunzip inflates gzip with libdeflate when descent is built with it, and hands anything that
// is not well-formed gzip to zlib, which inflates it or names the fault: the same results and
// messages either way.
TEST(Gunzip, TruncatedDataIsNamedTruncated) {
  const std::string packed = gzip(std::string(100000, 'x') + std::string(100000, 'y'));
  const std::string message = error_of([&] { gunzip(packed.substr(0, packed.size() - 5)); });
  EXPECT_TRUE(contains(message, "corrupt gzip data: truncated")) << message;
}

TEST(Gunzip, MembersThatFitAloneButNotTogetherAreABomb) {
  const std::string two = gzip(std::string(3000, 'a')) + gzip(std::string(3000, 'b'));
  const std::string message = error_of([&] { gunzip(two, 4096); });
  EXPECT_TRUE(contains(message, "inflates to more than the limit of 4 KiB")) << message;
  EXPECT_EQ(gunzip(two, 6000), std::string(3000, 'a') + std::string(3000, 'b'));
}

TEST(Gunzip, ABombWhoseTrailerClaimsAFewBytesIsStillStoppedAtTheLimit) {
  std::string bomb = gzip(std::string(1 << 20, 'a'));
  bomb.replace(bomb.size() - 4, 4, std::string("\x0a\0\0\0", 4));  // ISIZE = 10
  const std::string message = error_of([&] { gunzip(bomb, 65536); });
  EXPECT_TRUE(contains(message, "inflates to more than the limit of 64 KiB")) << message;
}

TEST(Gunzip, AWrongSizeInTheTrailerIsCorruptData) {
  std::string packed = gzip(std::string(5000, 'z'));
  packed[packed.size() - 4] ^= 0x01;
  const std::string message = error_of([&] { gunzip(packed); });
  EXPECT_TRUE(contains(message, "corrupt gzip data")) << message;
}

TEST(Xxh64, MatchesTheReferenceVectors) {  // xxhsum -H1
  EXPECT_EQ(xxh64(""), 0xef46db3751d8e999ULL);
  EXPECT_EQ(xxh64("a"), 0xd24ec4f1a98c6e5bULL);
  EXPECT_EQ(xxh64("0123456789abcdef0123456789abcdef0123456789"), 0xa76190c3acf08a1cULL);
}

TEST(CsvLimits, TooManyColumnsIsRefused) {
  std::string row;
  row.reserve(2 * (kMaxCsvColumns + 1));
  for (std::size_t j = 0; j <= kMaxCsvColumns; ++j) row += "1,";
  row.back() = '\n';
  const std::string message = error_of([&] { parse_csv(row, "wide.csv"); });
  EXPECT_TRUE(contains(message, "wide.csv:1: more than 1048576 fields")) << message;
}

TEST(CsvText, AByteOrderMarkIsSkipped) {
  const Table t = parse_csv(
      "\xEF\xBB\xBF"
      "1,2\n3,4\n",
      "bom.csv");
  EXPECT_FALSE(t.header);
  EXPECT_EQ(t.values.rows(), 2);
  EXPECT_EQ(parse_csv("\xEF\xBB\xBF"
                      "a,b\n3,4\n",
                      "bom.csv")
                .columns[0],
            "a");
}

TEST(CsvText, Utf16IsRefusedByName) {
  EXPECT_TRUE(contains(error_of([] {
                         parse_csv(
                             "\xFF\xFE"
                             "1\0,\0"
                             "2\0",
                             "u.csv");
                       }),
                       "UTF-16"));
}

TEST(CsvText, ANulByteIsBinaryData) {
  const std::string message = error_of([] { parse_csv(std::string("1,2\n3,\0", 7), "b.csv"); });
  EXPECT_TRUE(contains(message, "b.csv:2: a NUL byte")) << message;
}

TEST(CsvHeader, AFirstRowWhoseOnlyTextIsTheLabelIsData) {
  const Table t = parse_csv("5.1,3.5,setosa\n7.0,3.2,versicolor\n", "l.csv", {.text_column = "-1"});
  EXPECT_FALSE(t.header);
  EXPECT_EQ(t.values.rows(), 2);
  EXPECT_EQ(t.text[0], "setosa");
}

TEST(CsvHeader, AFirstRowNamingANumericLabelColumnIsAHeader) {
  const Table t = parse_csv("1,2,label\n3,4,0\n5,6,1\n", "h.csv", {.text_column = "-1"});
  EXPECT_TRUE(t.header);
  EXPECT_EQ(t.values.rows(), 2);
}

TEST(DatasetNotes, AnAssumedHeaderIsReportedWithItsNames) {
  TempDir dir;
  write_file_atomic(dir.file("h.csv"), "a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n");
  const Dataset d = load_dataset(dir.file("h.csv"));
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_TRUE(contains(d.notes[0], "first row is read as the header: a, b, y")) << d.notes[0];
  write_file_atomic(dir.file("n.csv"), "1,2,0\n3,4,1\n5,6,0\n7,8,1\n");
  EXPECT_TRUE(load_dataset(dir.file("n.csv")).notes.empty());
}

TEST(DatasetIdentity, TheTargetIsRecordedByNameAndTheContentByHash) {
  TempDir dir;
  const std::string text = "a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n";
  write_file_atomic(dir.file("h.csv"), text);
  const Dataset by_index = load_dataset(dir.file("h.csv"), {.target = "0"});
  EXPECT_EQ(by_index.target, "a");
  EXPECT_EQ(load_dataset(dir.file("h.csv")).target, "y");
  EXPECT_EQ(by_index.content_hash, xxh64(text));
  write_file_atomic(dir.file("n.csv"), "1,2,0\n3,4,1\n5,6,0\n7,8,1\n");
  EXPECT_EQ(load_dataset(dir.file("n.csv")).target, "2");  // no header: the index
}

TEST(DatasetFiles, ADirectoryIsNamedAsOne) {
  TempDir dir;
  EXPECT_TRUE(contains(error_of([&] { load_dataset(dir.path().string()); }), "is a directory"));
}

TEST(DatasetFiles, DevZeroFailsAtTheIdxHeader) {
  const std::string message = error_of([] { load_dataset("/dev/zero"); });
  EXPECT_TRUE(contains(message, "IDX header: element type 0x00")) << message;
}

TEST(DatasetIdx, AWrongMagicIsAnIdxErrorNotACsvOne) {
  TempDir dir;
  write_file_atomic(dir.file("train-images-idx3-ubyte"), "GIF89a\x01\x02");
  const std::string message = error_of([&] { load_dataset(dir.file("train-images-idx3-ubyte")); });
  EXPECT_TRUE(contains(message, "IDX header: magic number 0x47494638")) << message;
}

TEST(DatasetIdx, AnElementTypeOtherThanBytesIsNamed) {
  TempDir dir;
  write_file_atomic(dir.file("x-images-idx3-ubyte"),
                    be32(0x00000D03) + be32(1) + be32(1) + be32(1));
  const std::string message = error_of([&] { load_dataset(dir.file("x-images-idx3-ubyte")); });
  EXPECT_TRUE(contains(message, "element type 0x0d (float) is not supported")) << message;
}

TEST(DatasetIdx, ALabelsFileGivenAsDataNamesItsRank) {
  TempDir dir;
  write_file_atomic(dir.file("x-labels-idx1-ubyte"), be32(0x00000801) + be32(2) + "\x01\x02");
  const std::string message = error_of([&] { load_dataset(dir.file("x-labels-idx1-ubyte")); });
  EXPECT_TRUE(contains(message, "an IDX array of rank 1 (2)")) << message;
}

TEST(DatasetIdx, MoreBytesThanTheShapeIsAnError) {
  TempDir dir;
  write_file_atomic(dir.file("x-images-idx3-ubyte"),
                    be32(0x00000803) + be32(1) + be32(1) + be32(1) + "\x05\x06");
  const std::string message = error_of([&] { load_dataset(dir.file("x-images-idx3-ubyte")); });
  EXPECT_TRUE(contains(message, "more bytes than its IDX header's shape needs")) << message;
}

TEST(DatasetCsv, TooManyTextClassesIsRefused) {
  TempDir dir;
  std::string text = "x,y\n";
  for (std::size_t i = 0; i <= kMaxTextClasses; ++i) text += "1,c" + std::to_string(i) + "\n";
  write_file_atomic(dir.file("c.csv"), text);
  const std::string message = error_of([&] { load_dataset(dir.file("c.csv")); });
  EXPECT_TRUE(contains(message, "more than 1000 distinct texts")) << message;
}

}  // namespace
}  // namespace descent::io
