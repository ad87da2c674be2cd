// Option checks and spec text shared by the rules; the default closure step.
#include <cmath>

#include "elementwise.hpp"

namespace descent::optim {

double Optimizer::step(Vec& x, double /*f*/, const Vec& grad, const Objective& /*objective*/) {
  step(std::span<double>(x.data(), static_cast<std::size_t>(x.size())),
       std::span<const double>(grad.data(), static_cast<std::size_t>(grad.size())));
  return std::nan("");
}

}  // namespace descent::optim

namespace descent::optim::detail {

void check_finite(std::string_view rule, std::string_view key, double value) {
  if (!std::isfinite(value)) throw_usage("{}: {} = {}; must be a finite number", rule, key, value);
}

void check_nonnegative(std::string_view rule, std::string_view key, double value) {
  check_finite(rule, key, value);
  if (!(value >= 0.0)) throw_usage("{}: {} = {}; must be >= 0", rule, key, value);
}

void check_positive(std::string_view rule, std::string_view key, double value) {
  check_finite(rule, key, value);
  if (!(value > 0.0)) throw_usage("{}: {} = {}; must be > 0", rule, key, value);
}

void check_unit_interval(std::string_view rule, std::string_view key, double value) {
  if (!(value >= 0.0 && value < 1.0)) {
    throw_usage("{}: {} = {}; must lie in [0, 1)", rule, key, value);
  }
}

std::string spec_text(std::string_view name,
                      std::initializer_list<std::pair<std::string, SpecValue>> args) {
  Spec spec{std::string(name)};
  for (const auto& [key, value] : args) spec.set(key, value);
  return spec.text();
}

}  // namespace descent::optim::detail
