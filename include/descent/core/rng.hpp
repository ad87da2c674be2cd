// Seeded random numbers with a portable, checkpointable state (mt19937_64 underneath; our own
// uniform and normal transforms so results do not depend on the standard library).
// Example: Rng rng(42); double u = rng.uniform(); std::size_t k = rng.below(10);
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <random>

namespace descent {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : engine_(seed) {}

  std::uint64_t next() { return engine_(); }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Standard normal (Box-Muller; the second value of each pair is cached and part of the state).
  double normal();
  double normal(double mean, double stddev) { return mean + stddev * normal(); }
  // Uniform integer in [0, n), unbiased (rejection sampling). n must be positive.
  std::uint64_t below(std::uint64_t n);
  // Fisher-Yates shuffle of an index array.
  void shuffle(std::span<std::int64_t> items);
  void shuffle(std::span<std::size_t> items);

  // The whole state as text, and back; load() throws descent::Error on malformed text.
  std::string save() const;
  void load(const std::string& state);

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace descent
