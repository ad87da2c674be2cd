// libFuzzer target for the checkpoint loader. The input is a checkpoint's body (after the magic,
// before the CRC): the target adds both, so that the fuzzer reaches the field checks instead of
// stopping at the checksum. Anything accepted must re-encode to the same bytes and predict one row.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "descent/core/error.hpp"
#include "descent/ml/checkpoint.hpp"
#include "descent/ml/trainer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace descent;
  std::string bytes = "DSCNTCKP";
  bytes.append(reinterpret_cast<const char*>(data), size);
  const auto crc = static_cast<std::uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
  bytes.append(reinterpret_cast<const char*>(&crc), sizeof crc);
  try {
    const ml::Checkpoint c = ml::decode_checkpoint(bytes, "fuzz.ckpt");
    if (c.version == ml::Checkpoint::kVersion && ml::encode_checkpoint(c) != bytes) {
      __builtin_trap();
    }
    const ml::Predictions p = ml::predict(c, RowMat::Zero(1, c.shape.inputs));
    if (p.values.size() != 1) __builtin_trap();
  } catch (const descent::Error&) {
  }
  return 0;
}
