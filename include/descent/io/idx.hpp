// IDX arrays (the MNIST file format), plain or gzipped: a big-endian int32 magic 0x00000800 + rank
// with element type ubyte (0x08), then rank big-endian int32 dimension sizes, then the bytes.
// Example: IdxArray images = read_idx("train-images-idx3-ubyte.gz");  // shape {60000, 28, 28}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace descent::io {

struct IdxArray {
  std::vector<std::int64_t> shape{};  // e.g. {60000} for labels, {60000, 28, 28} for images
  std::vector<std::uint8_t> data{};   // row-major, product(shape) bytes
};

// Parses IDX bytes (already decompressed). Throws Error(bad_input, "<source>: ...") on a wrong
// magic, an element type other than unsigned byte, or a size that does not match the data.
IdxArray parse_idx(std::string_view bytes, std::string_view source_name);

// The size an IDX file must have (header + data), from its header at the start of `head`:
// checks the magic, element type, rank and dimensions. Throws Error(bad_input,
// "<source>: IDX header: ...") saying which is wrong, or that head is too short to hold it.
std::uint64_t idx_file_size(std::string_view head, std::string_view source_name);

// Reads an IDX file, gzipped or not.
IdxArray read_idx(const std::string& path);

}  // namespace descent::io
