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

// IDX element types by their code (the third magic byte).
std::string_view idx_type_name(unsigned code) {
  switch (code) {
    case 0x08:
      return "unsigned byte";
    case 0x09:
      return "signed byte";
    case 0x0B:
      return "short";
    case 0x0C:
      return "int";
    case 0x0D:
      return "float";
    case 0x0E:
      return "double";
    default:
      return "no IDX type";
  }
}

std::uint64_t idx_file_size(std::string_view head, std::string_view source_name) {
  const auto* p = reinterpret_cast<const unsigned char*>(head.data());
  if (head.size() < 4) {
    throw_input("{}: IDX header: the file has {} bytes, fewer than the 4 of the magic number",
                source_name, head.size());
  }
  // Magic: two zero bytes, the element type (0x08 = unsigned byte), the rank.
  if (p[0] != 0 || p[1] != 0) {
    throw_input(
        "{}: IDX header: magic number 0x{:08x} does not start with two zero bytes; not "
        "an IDX file",
        source_name, big_endian_u32(p));
  }
  if (p[2] != 0x08) {
    throw_input(
        "{}: IDX header: element type 0x{:02x} ({}) is not supported; only unsigned "
        "bytes (0x08)",
        source_name, p[2], idx_type_name(p[2]));
  }
  const std::size_t rank = p[3];
  if (rank == 0) throw_input("{}: IDX header: rank 0 (no dimensions)", source_name);
  const std::size_t header = 4 + 4 * rank;
  if (head.size() < header) {
    throw_input("{}: IDX header: rank {} needs {} header bytes, the file has {}", source_name, rank,
                header, head.size());
  }
  std::uint64_t count = 1;
  for (std::size_t k = 0; k < rank; ++k) {
    const std::uint32_t dim = big_endian_u32(p + 4 + 4 * k);
    if (dim != 0 && count > (std::uint64_t{1} << 40) / dim) {
      throw_input("{}: IDX header: dimensions too large", source_name);
    }
    count *= dim;
  }
  return header + count;
}

IdxArray parse_idx(std::string_view bytes, std::string_view source_name) {
  const std::uint64_t size = idx_file_size(bytes, source_name);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t rank = p[3];
  const std::size_t header = 4 + 4 * rank;
  const std::uint64_t count = size - header;
  IdxArray array;
  for (std::size_t k = 0; k < rank; ++k) array.shape.push_back(big_endian_u32(p + 4 + 4 * k));
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
