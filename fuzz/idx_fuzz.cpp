// libFuzzer target for the IDX reader (and gunzip, for gzipped input, with a 1 MiB cap): bad
// headers and sizes must end in descent::Error; an array that parses holds exactly the bytes its
// shape needs, the size idx_file_size predicts from the header alone.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "descent/core/error.hpp"
#include "descent/io/files.hpp"
#include "descent/io/idx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace descent::io;
  std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    if (is_gzip(bytes)) bytes = gunzip(bytes, std::uint64_t{1} << 20);
    const IdxArray a = parse_idx(bytes, "fuzz-idx3-ubyte");
    std::uint64_t count = 1;
    for (std::int64_t d : a.shape) count *= static_cast<std::uint64_t>(d);
    if (a.data.size() != count || idx_file_size(bytes, "fuzz") != bytes.size()) __builtin_trap();
  } catch (const descent::Error&) {
  }
  return 0;
}
