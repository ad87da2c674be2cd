#include "descent/core/rng.hpp"

#include <cmath>
#include <numbers>
#include <sstream>

#include "descent/core/error.hpp"

namespace descent {

double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // Box-Muller: u1 in (0, 1] so log(u1) is finite.
  const double u1 = 1.0 - uniform();
  const double u2 = uniform();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return radius * std::cos(angle);
}

std::uint64_t Rng::below(std::uint64_t n) {
  DESCENT_ASSERT(n > 0);
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t draw = engine_();
  while (draw >= limit) draw = engine_();
  return draw % n;
}

template <typename T>
static void fisher_yates(Rng& rng, std::span<T> items) {
  for (std::size_t i = items.size(); i > 1; --i) {
    const std::size_t j = rng.below(i);
    std::swap(items[i - 1], items[j]);
  }
}

void Rng::shuffle(std::span<std::int64_t> items) { fisher_yates(*this, items); }
void Rng::shuffle(std::span<std::size_t> items) { fisher_yates(*this, items); }

std::string Rng::save() const {
  std::ostringstream out;
  out.precision(17);
  out << engine_ << ' ' << (has_spare_ ? 1 : 0) << ' ' << std::hexfloat << spare_;
  return out.str();
}

void Rng::load(const std::string& state) {
  std::istringstream in(state);
  std::mt19937_64 engine;
  int has_spare = 0;
  std::string spare_text;
  in >> engine >> has_spare >> spare_text;
  const bool read = static_cast<bool>(in);
  char* end = nullptr;
  const double spare = std::strtod(spare_text.c_str(), &end);
  in >> std::ws;  // nothing may follow
  if (!read || !in.eof() || (has_spare != 0 && has_spare != 1) || spare_text.empty() ||
      *end != '\0' || !std::isfinite(spare)) {
    throw Error(ErrorCode::bad_input, "random number generator state is malformed");
  }
  engine_ = engine;
  has_spare_ = has_spare == 1;
  spare_ = spare;
}

}  // namespace descent
