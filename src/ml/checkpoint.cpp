#include "descent/ml/checkpoint.hpp"

#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "descent/core/error.hpp"
#include "descent/io/files.hpp"

namespace descent::ml {
namespace {

static_assert(std::endian::native == std::endian::little, "checkpoints are written little-endian");

constexpr char kMagic[8] = {'D', 'S', 'C', 'N', 'T', 'C', 'K', 'P'};
// A guard against absurd lengths in a damaged file before anything is allocated.
constexpr std::uint64_t kMaxBlob = std::uint64_t{1} << 36;

class Writer {
 public:
  template <typename Number>
  void number(Number value) {
    static_assert(std::is_arithmetic_v<Number>);
    char bytes[sizeof(Number)];
    std::memcpy(bytes, &value, sizeof(Number));
    out_.append(bytes, sizeof(Number));
  }
  void flag(bool value) { number<std::uint8_t>(value ? 1 : 0); }
  void blob(std::string_view bytes) {
    number<std::uint64_t>(bytes.size());
    out_.append(bytes);
  }
  void vec(const Vec& v) {
    number<std::uint64_t>(static_cast<std::uint64_t>(v.size()));
    for (Index i = 0; i < v.size(); ++i) number(v[i]);
  }
  void words(const std::vector<std::string>& list) {
    number<std::uint64_t>(list.size());
    for (const auto& w : list) blob(w);
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(std::string_view bytes, std::string_view source) : in_(bytes), source_(source) {}
  template <typename Number>
  Number number() {
    need(sizeof(Number));
    Number value;
    std::memcpy(&value, in_.data() + pos_, sizeof(Number));
    pos_ += sizeof(Number);
    return value;
  }
  bool flag() {
    const auto v = number<std::uint8_t>();
    if (v > 1) fail("a flag is neither 0 nor 1");
    return v == 1;
  }
  std::string blob() {
    const auto size = length();
    need(size);
    std::string out(in_.substr(pos_, size));
    pos_ += size;
    return out;
  }
  Vec vec() {
    const auto size = length();
    need(size * sizeof(double));
    Vec v(static_cast<Index>(size));
    for (Index i = 0; i < v.size(); ++i) v[i] = number<double>();
    return v;
  }
  std::vector<std::string> words() {
    const auto count = length();
    std::vector<std::string> list;
    for (std::uint64_t i = 0; i < count; ++i) list.push_back(blob());
    return list;
  }
  bool at_end() const { return pos_ == in_.size(); }
  [[noreturn]] void fail(std::string_view what) const {
    throw_input("checkpoint {}: {}; refusing to load it", source_, what);
  }

 private:
  std::uint64_t length() {
    const auto size = number<std::uint64_t>();
    if (size > kMaxBlob) fail("a length field is corrupt");
    return size;
  }
  void need(std::uint64_t size) const {
    if (size > in_.size() - pos_) fail("it is truncated");
  }
  std::string_view in_;
  std::string_view source_;
  std::size_t pos_ = 0;
};

std::uint32_t checksum(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(bytes.size() - pos, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + pos), chunk);
    pos += chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

void write_history(Writer& w, const TrainingHistory& history) {
  w.flag(history.classification);
  w.number<std::uint64_t>(history.epochs.size());
  for (const auto& e : history.epochs) {
    w.number(e.epoch);
    for (double v : {e.train_loss, e.test_loss, e.test_metric, e.lr, e.seconds, e.train_seconds}) w.number(v);
  }
}

TrainingHistory read_history(Reader& r) {
  TrainingHistory history;
  history.classification = r.flag();
  const auto count = r.number<std::uint64_t>();
  if (count > (1u << 24)) r.fail("the history length is corrupt");
  for (std::uint64_t i = 0; i < count; ++i) {
    EpochRecord e;
    e.epoch = r.number<std::int64_t>();
    for (double* v : {&e.train_loss, &e.test_loss, &e.test_metric, &e.lr, &e.seconds, &e.train_seconds}) {
      *v = r.number<double>();
    }
    history.epochs.push_back(e);
  }
  return history;
}

}  // namespace

std::string encode_checkpoint(const Checkpoint& c) {
  Writer w;
  w.bytes().append(kMagic, sizeof(kMagic));
  w.number(Checkpoint::kVersion);
  for (const auto* text : {&c.model, &c.optimizer, &c.schedule, &c.data, &c.target}) {
    w.blob(*text);
  }
  w.number(c.data_hash);
  w.number(c.batch_size);
  w.number(c.test_fraction);
  w.number(c.seed);
  w.flag(c.standardize);
  w.number(c.clip_norm);
  w.number(c.clip_value);
  w.number<std::int64_t>(c.shape.inputs);
  w.flag(c.shape.classification);
  w.number<std::int64_t>(c.shape.num_classes);
  for (Index v : {c.shape.image.channels, c.shape.image.height, c.shape.image.width}) w.number<std::int64_t>(v);
  w.flag(c.double_precision);
  w.number(c.num_params);
  w.words(c.feature_names);
  w.words(c.class_names);
  w.vec(c.mean);
  w.vec(c.scale);
  w.blob(c.params);
  w.blob(c.optimizer_state);
  w.number(c.schedule_step);
  w.blob(c.rng_state);
  w.number(c.epoch);
  write_history(w, c.history);
  w.blob(c.best_params);
  w.number(c.best_epoch);
  w.number(c.best_loss);
  w.blob(c.early_stop);
  w.number(c.accumulate);
  w.words(c.param_groups);
  w.blob(c.early_stop_params);
  w.number(c.early_stop_epoch);
  w.number(checksum(w.bytes()));
  return std::move(w.bytes());
}

Checkpoint decode_checkpoint(std::string_view bytes, std::string_view source) {
  Reader header(bytes, source);
  if (bytes.size() < sizeof(kMagic) + 8) {
    header.fail(fmt::format("it is too short to be a checkpoint ({} bytes)", bytes.size()));
  }
  if (std::memcmp(bytes.data(), kMagic, sizeof(kMagic)) != 0) {
    header.fail("not a descent checkpoint (wrong magic bytes)");
  }
  const std::string_view body = bytes.substr(0, bytes.size() - 4);
  std::uint32_t stored = 0;
  std::memcpy(&stored, bytes.data() + body.size(), 4);
  if (stored != checksum(body)) header.fail("its checksum does not match (the file is corrupt or truncated)");

  Reader r(body.substr(sizeof(kMagic)), source);
  Checkpoint c;
  c.version = r.number<std::uint32_t>();
  if (c.version < 1 || c.version > Checkpoint::kVersion) {
    r.fail(fmt::format("version {} is not supported (this build reads versions 1 to {})", c.version,
                       Checkpoint::kVersion));
  }
  for (auto* text : {&c.model, &c.optimizer, &c.schedule, &c.data}) *text = r.blob();
  if (c.version >= 2) {
    c.target = r.blob();
    c.data_hash = r.number<std::uint64_t>();
  }
  c.batch_size = r.number<std::int64_t>();
  c.test_fraction = r.number<double>();
  c.seed = r.number<std::uint64_t>();
  c.standardize = r.flag();
  c.clip_norm = r.number<double>();
  c.clip_value = r.number<double>();
  c.shape.inputs = r.number<std::int64_t>();
  c.shape.classification = r.flag();
  c.shape.num_classes = r.number<std::int64_t>();
  for (Index* v : {&c.shape.image.channels, &c.shape.image.height, &c.shape.image.width}) *v = r.number<std::int64_t>();
  c.double_precision = r.flag();
  c.num_params = r.number<std::int64_t>();
  c.feature_names = r.words();
  c.class_names = r.words();
  c.mean = r.vec();
  c.scale = r.vec();
  c.params = r.blob();
  c.optimizer_state = r.blob();
  c.schedule_step = r.number<std::int64_t>();
  c.rng_state = r.blob();
  c.epoch = r.number<std::int64_t>();
  c.history = read_history(r);
  c.best_params = r.blob();
  c.best_epoch = r.number<std::int64_t>();
  c.best_loss = r.number<double>();
  if (c.version >= 3) {
    c.early_stop = r.blob();
    c.accumulate = r.number<std::int64_t>();
    c.param_groups = r.words();
    c.early_stop_params = r.blob();
    c.early_stop_epoch = r.number<std::int64_t>();
  }
  if (!r.at_end()) r.fail("it has trailing bytes");
  validate_checkpoint(c, source);
  return c;
}

void save_checkpoint(const std::string& path, const Checkpoint& checkpoint) {
  io::write_file_atomic(path, encode_checkpoint(checkpoint));
}

Checkpoint load_checkpoint(const std::string& path) {
  std::string bytes;
  try {
    io::InputFile file(path);
    // The magic first: a device or a big file of something else is refused without reading it.
    const std::string_view head = file.head(sizeof(kMagic));
    if (head.size() == sizeof(kMagic) && std::memcmp(head.data(), kMagic, sizeof(kMagic)) != 0) {
      Reader(head, path).fail("not a descent checkpoint (wrong magic bytes)");
    }
    bytes = file.read_all();
  } catch (const Error& e) {
    if (std::string_view(e.what()).starts_with("checkpoint ")) throw;
    throw_input("checkpoint: {}", e.what());
  }
  return decode_checkpoint(bytes, path);
}

}  // namespace descent::ml
