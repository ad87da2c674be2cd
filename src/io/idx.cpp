#include "descent/io/idx.hpp"

#include <cstring>

#include "descent/core/error.hpp"
#include "descent/io/files.hpp"

namespace descent::io {
namespace {

std::uint32_t big_endian_u32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

}  // namespace

IdxArray parse_idx(std::string_view bytes, std::string_view source_name) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (bytes.size() < 4)
    throw_input("{}: not an IDX file (only {} bytes)", source_name, bytes.size());
  // Magic: two zero bytes, the element type (0x08 = unsigned byte), the rank.
  if (p[0] != 0 || p[1] != 0) {
    throw_input("{}: not an IDX file (magic 0x{:08x})", source_name, big_endian_u32(p));
  }
  if (p[2] != 0x08) {
    throw_input("{}: IDX element type 0x{:02x} is not supported (only unsigned bytes, 0x08)",
                source_name, p[2]);
  }
  const std::size_t rank = p[3];
  if (rank == 0) throw_input("{}: IDX rank 0", source_name);
  const std::size_t header = 4 + 4 * rank;
  if (bytes.size() < header) throw_input("{}: IDX header truncated", source_name);
  IdxArray array;
  std::size_t count = 1;
  for (std::size_t k = 0; k < rank; ++k) {
    const std::uint32_t dim = big_endian_u32(p + 4 + 4 * k);
    array.shape.push_back(dim);
    if (dim != 0 && count > (std::size_t{1} << 40) / dim) {
      throw_input("{}: IDX dimensions too large", source_name);
    }
    count *= dim;
  }
  if (bytes.size() - header != count) {
    throw_input("{}: IDX shape needs {} bytes of data, file has {}", source_name, count,
                bytes.size() - header);
  }
  array.data.resize(count);
  if (count > 0) std::memcpy(array.data.data(), p + header, count);
  return array;
}

IdxArray read_idx(const std::string& path) { return parse_idx(read_maybe_gzip(path), path); }

}  // namespace descent::io
