// Private helpers for the element-wise (first-order) rules: static-chunk OpenMP loops, state
// bytes, range checks, and the CRTP base that turns a rule's update<T>() into an Optimizer.
#pragma once

#include "quiet_eigen.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"
#include "descent/core/types.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::optim::detail {

// Arrays at least this long are split over OpenMP threads. The update of element i reads and
// writes only element i, so any split gives bit-identical results.
inline constexpr Index kParallelMin = Index{1} << 16;

// Calls body(begin, end) on contiguous static chunks of [0, n): one per thread for long arrays,
// one call for short ones. Chunk edges fall on multiples of 64 elements (whole cache lines).
template <typename Body>
void for_chunks(Index n, Body&& body) {
  if (n < kParallelMin || omp_get_max_threads() == 1) {
    body(Index{0}, n);
    return;
  }
#pragma omp parallel
  {
    const Index threads = omp_get_num_threads();
    const Index thread = omp_get_thread_num();
    Index chunk = (n + threads - 1) / threads;
    chunk = (chunk + 63) / 64 * 64;
    const Index begin = std::min(n, thread * chunk);
    const Index end = std::min(n, begin + chunk);
    if (begin < end) body(begin, end);
  }
}

// Calls body(std::bool_constant<A>, std::bool_constant<B>) for runtime flags a and b, so loop
// bodies are compiled once per combination with the flags as constants (no branch per element,
// which keeps GCC's vectorizer happy).
template <typename Body>
void with_flags(bool a, bool b, Body&& body) {
  if (a) {
    if (b) {
      body(std::true_type{}, std::true_type{});
    } else {
      body(std::true_type{}, std::false_type{});
    }
  } else if (b) {
    body(std::false_type{}, std::true_type{});
  } else {
    body(std::false_type{}, std::false_type{});
  }
}

// Little-endian-agnostic byte packing of the state (same machine, same build is all we need:
// checkpoints are resumed where they were written). Reads throw bad_input on truncation.
class ByteWriter {
 public:
  void text(std::string_view s) {
    i64(static_cast<std::int64_t>(s.size()));
    out_.append(s);
  }
  void i64(std::int64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  template <typename T>
  void array(const std::vector<T>& values) {
    i64(static_cast<std::int64_t>(values.size()));
    raw(values.data(), values.size() * sizeof(T));
  }
  std::string take() { return std::move(out_); }

 private:
  void raw(const void* p, std::size_t bytes) { out_.append(static_cast<const char*>(p), bytes); }
  std::string out_;
};

class ByteReader {
 public:
  // `who` is copied: callers pass temporaries such as this->name().
  ByteReader(std::string_view bytes, std::string_view who) : bytes_(bytes), who_(who) {}
  std::string text() {
    const auto n = i64();
    need(static_cast<std::size_t>(n));
    std::string s(bytes_.substr(pos_, static_cast<std::size_t>(n)));
    pos_ += static_cast<std::size_t>(n);
    return s;
  }
  std::int64_t i64() {
    std::int64_t v = 0;
    raw(&v, sizeof v);
    if (v < 0) fail();
    return v;
  }
  std::int64_t signed_i64() {
    std::int64_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  double f64() {
    double v = 0;
    raw(&v, sizeof v);
    return v;
  }
  template <typename T>
  std::vector<T> array() {
    const auto n = static_cast<std::size_t>(i64());
    if (n > bytes_.size()) fail();
    std::vector<T> values(n);
    raw(values.data(), n * sizeof(T));
    return values;
  }
  void finish() const {
    if (pos_ != bytes_.size()) fail();
  }
  [[noreturn]] void fail() const {
    throw_input("{}: optimizer state is truncated or not from this optimizer", who_);
  }

 private:
  void need(std::size_t bytes) const {
    if (bytes > bytes_.size() - pos_) fail();
  }
  void raw(void* p, std::size_t bytes) {
    need(bytes);
    if (bytes) std::memcpy(p, bytes_.data() + pos_, bytes);
    pos_ += bytes;
  }
  std::string_view bytes_;
  std::string who_;
  std::size_t pos_ = 0;
};

// Range checks that name the rule, the key and the valid range (docs/contributing.md).
void check_nonnegative(std::string_view rule, std::string_view key, double value);
void check_positive(std::string_view rule, std::string_view key, double value);
// lo <= value < hi
void check_unit_interval(std::string_view rule, std::string_view key, double value);
void check_finite(std::string_view rule, std::string_view key, double value);

// Spec text helpers.
std::string spec_text(std::string_view name,
                      std::initializer_list<std::pair<std::string, SpecValue>> args);

// The step/state machinery shared by the element-wise rules. Rule (the derived class) provides
//   static constexpr int kSlots;              // per-parameter buffers it keeps
//   template <typename T> void update(T* params, const T* grad, Index n, std::array<T*, 3> slots);
// called after step_ has been incremented (step_ is PyTorch's per-parameter step count t).
// State for float and double runs is kept apart; one optimizer serves one parameter type.
template <typename Rule>
class Elementwise : public Optimizer {
 public:
  using Optimizer::step;
  void step(std::span<double> params, std::span<const double> grad) final {
    run(params, grad, double_slots_);
  }
  void step(std::span<float> params, std::span<const float> grad) final {
    run(params, grad, float_slots_);
  }
  double lr() const override { return lr_; }
  void set_lr(double lr) override { lr_ = lr; }

  std::string save_state() const override {
    ByteWriter out;
    out.text("descent-optim-1");
    out.text(this->name());
    out.i64(step_);
    out.f64(scalar_);
    out.i64(size_);
    out.i64(kind_);
    for (const auto& slot : double_slots_) out.array(slot);
    for (const auto& slot : float_slots_) out.array(slot);
    if constexpr (has_extra()) rule().extra_.save(out);
    return out.take();
  }
  void load_state(std::string_view bytes) override {
    ByteReader in(bytes, this->name());
    if (in.text() != "descent-optim-1") in.fail();
    const std::string saved_name = in.text();
    if (saved_name != this->name()) {
      throw_input("{}: the saved optimizer state is for '{}'", this->name(), saved_name);
    }
    const std::int64_t step = in.i64();
    const double scalar = in.f64();
    const std::int64_t size = in.signed_i64();
    const std::int64_t kind = in.i64();
    std::array<std::vector<double>, 3> doubles;
    std::array<std::vector<float>, 3> floats;
    for (auto& slot : doubles) slot = in.array<double>();
    for (auto& slot : floats) slot = in.array<float>();
    [[maybe_unused]] const auto extra = read_extra(in);
    in.finish();
    check_loaded(size, kind, scalar, doubles, floats);
    if (size_ >= 0 && size >= 0 && size != size_) {
      throw_input("{}: the saved optimizer state holds {} parameters, this run has {}",
                  this->name(), size, size_);
    }
    step_ = step;
    scalar_ = scalar;
    size_ = size;
    kind_ = kind;
    double_slots_ = std::move(doubles);
    float_slots_ = std::move(floats);
    if constexpr (has_extra()) rule().extra_ = extra;
  }
  std::int64_t state_size() const override { return size_; }
  void reset() override {
    step_ = 0;
    scalar_ = 1.0;
    size_ = -1;
    kind_ = 0;
    for (auto& slot : double_slots_) slot.clear();
    for (auto& slot : float_slots_) slot.clear();
    if constexpr (has_extra()) rule().extra_ = {};
  }

 protected:
  explicit Elementwise(double lr) : lr_(lr) {}

  double lr_;
  std::int64_t step_ = 0;
  double scalar_ = 1.0;  // a per-run scalar some rules keep (NAdam's mu_product)

  // Rules with more per-run state than step_ and scalar_ keep it in a public member extra_ of a
  // type with save(ByteWriter&) const and static load(ByteReader&); it is saved after the
  // buffers and reset to {} by reset(). Other rules' bytes are unchanged.
  // The buffers of the scalar type T with the state's size (empty before the first step).
  template <typename T>
  std::array<std::vector<T>, 3>& slots_of() {
    if constexpr (sizeof(T) == sizeof(double)) {
      return double_slots_;
    } else {
      return float_slots_;
    }
  }
  // Throws bad_usage unless the state is sized for params (or unsized: returns false).
  template <typename T>
  bool sized_for(std::span<T> params) const {
    if (size_ < 0) return false;
    if (size_ != static_cast<std::int64_t>(params.size()) || kind_ != kind_of<T>()) {
      throw_usage("{}: state is for {} parameters, got {}", this->name(), size_, params.size());
    }
    return true;
  }

 private:
  static constexpr bool has_extra() {
    return requires(Rule & r) { r.extra_; };
  }
  auto read_extra(ByteReader& in) {
    if constexpr (has_extra()) {
      return decltype(Rule::extra_)::load(in);
    } else {
      return 0;
    }
  }
  Rule& rule() { return *static_cast<Rule*>(this); }
  const Rule& rule() const { return *static_cast<const Rule*>(this); }

  // Saved state must be what run() leaves: unsized with no buffers, or sized with the rule's
  // buffers of that length in one scalar type and none in the other; a finite scalar.
  void check_loaded(std::int64_t size, std::int64_t kind, double scalar,
                    const std::array<std::vector<double>, 3>& doubles,
                    const std::array<std::vector<float>, 3>& floats) const {
    const bool unsized = size == -1 && kind == 0;
    bool buffers_fit = size >= -1 && (unsized || kind == 1 || kind == 2);
    for (std::size_t s = 0; s < 3 && buffers_fit; ++s) {
      const auto used = static_cast<std::size_t>(static_cast<int>(s) < Rule::kSlots ? size : 0);
      buffers_fit =
          doubles[s].size() == (kind == 2 ? used : 0) && floats[s].size() == (kind == 1 ? used : 0);
    }
    if (!buffers_fit || !std::isfinite(scalar)) {
      throw_input(
          "{}: the saved optimizer state is inconsistent (size {}, buffers that do not "
          "match it, or a non-finite scalar)",
          this->name(), size);
    }
  }

  template <typename T>
  static constexpr std::int64_t kind_of() {
    return sizeof(T) == sizeof(double) ? 2 : 1;
  }

  template <typename T>
  void run(std::span<T> params, std::span<const T> grad, std::array<std::vector<T>, 3>& slots) {
    if (params.size() != grad.size()) {
      throw_usage("{}: {} parameters but {} gradient values", this->name(), params.size(),
                  grad.size());
    }
    const auto n = static_cast<Index>(params.size());
    if (size_ == n && kind_ == kind_of<T>()) {  // every step after the first: buffers are sized
      ++step_;
      static_cast<Rule*>(this)->template update<T>(
          params.data(), grad.data(), n, {slots[0].data(), slots[1].data(), slots[2].data()});
      return;
    }
    if (size_ < 0) {
      size_ = n;
      kind_ = kind_of<T>();
    } else if (size_ != n || kind_ != kind_of<T>()) {
      throw_usage("{}: state is for {} {} parameters, got {} {} (call reset() first)",
                  this->name(), size_, kind_ == 2 ? "double" : "float", n,
                  sizeof(T) == sizeof(double) ? "double" : "float");
    }
    std::array<T*, 3> pointers{};
    for (int s = 0; s < Rule::kSlots; ++s) {
      auto& slot = slots[static_cast<std::size_t>(s)];
      if (static_cast<Index>(slot.size()) != n) slot.assign(static_cast<std::size_t>(n), T(0));
      pointers[static_cast<std::size_t>(s)] = slot.data();
    }
    ++step_;
    static_cast<Rule*>(this)->template update<T>(params.data(), grad.data(), n, pointers);
  }

  std::int64_t size_ = -1;
  std::int64_t kind_ = 0;  // 0 unsized, 1 float, 2 double
  std::array<std::vector<double>, 3> double_slots_;
  std::array<std::vector<float>, 3> float_slots_;
};

}  // namespace descent::optim::detail
