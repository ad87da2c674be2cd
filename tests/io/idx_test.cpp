// IDX (MNIST format) parsing on small synthetic files.
#include "descent/io/idx.hpp"

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/io/files.hpp"
#include "io/temp_dir.hpp"

namespace descent::io {
namespace {

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// 2 images of 2 x 3 pixels with values 0..11.
std::string small_images() {
  std::string bytes = be32(0x00000803) + be32(2) + be32(2) + be32(3);
  for (int i = 0; i < 12; ++i) bytes += static_cast<char>(i);
  return bytes;
}

TEST(Idx, ParsesHeaderAndData) {
  const IdxArray a = parse_idx(small_images(), "x");
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{2, 2, 3}));
  ASSERT_EQ(a.data.size(), 12u);
  EXPECT_EQ(a.data[11], 11);
}

TEST(Idx, ReadsGzippedAndPlainFilesAlike) {
  test::TempDir dir;
  write_file_atomic(dir.file("a-idx3-ubyte"), small_images());
  write_file_atomic(dir.file("a-idx3-ubyte.gz"), gzip(small_images()));
  EXPECT_EQ(read_idx(dir.file("a-idx3-ubyte")).data, read_idx(dir.file("a-idx3-ubyte.gz")).data);
}

TEST(Idx, LabelsHaveRankOne) {
  const IdxArray a = parse_idx(be32(0x00000801) + be32(3) + std::string("\x01\x02\x09", 3), "l");
  EXPECT_EQ(a.shape, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(a.data[2], 9);
}

TEST(Idx, RejectsWrongMagicTypeAndSize) {
  EXPECT_THROW(parse_idx("GIF89a....", "x"), Error);
  EXPECT_THROW(parse_idx(be32(0x00000D01) + be32(1) + std::string(4, '\0'), "x"), Error);  // float
  std::string truncated = small_images();
  truncated.pop_back();
  try {
    parse_idx(truncated, "img");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "img: IDX shape needs 12 bytes of data, file has 11");
  }
}

}  // namespace
}  // namespace descent::io
