// Option checks, ranges and spec text shared by the rules; the default closure step.
#include <cmath>

#include "elementwise.hpp"
#include "options.hpp"

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

bool Range::contains(double v) const {
  if (std::isnan(v)) return false;
  const bool above = lo_open ? v > lo : v >= lo;
  const bool below = hi_open ? v < hi : v <= hi;
  return above && below;
}

std::string range_text(const Range& range, bool integer) {
  auto num = [&](double v) {
    return integer ? fmt::format("{}", static_cast<std::int64_t>(v)) : fmt::format("{}", v);
  };
  if (range.lo == -kInf && range.hi == kInf) return integer ? "any integer" : "any finite number";
  if (range.hi == kInf) return fmt::format("{} {}", range.lo_open ? ">" : ">=", num(range.lo));
  if (range.lo == -kInf) return fmt::format("{} {}", range.hi_open ? "<" : "<=", num(range.hi));
  return fmt::format("{}{}, {}{}", range.lo_open ? '(' : '[', num(range.lo), num(range.hi),
                     range.hi_open ? ')' : ']');
}

std::string Range::text() const {
  if (!must.empty()) return std::string(must);
  if (lo == -kInf && hi == kInf) return "must be a finite number";
  if (lo == -kInf || hi == kInf) return "must be " + range_text(*this, false);
  return "must lie in " + range_text(*this, false);
}

void check_range(std::string_view rule, std::string_view key, double value, const Range& range) {
  const bool unbounded = range.lo == -kInf || range.hi == kInf;
  if (!range.must.empty() && unbounded && !std::isfinite(value)) {
    throw_usage("{}: {} = {}; {}", rule, key, value, range.must);
  }
  if (unbounded && !std::isfinite(value)) check_finite(rule, key, value);
  if (!range.contains(value)) throw_usage("{}: {} = {}; {}", rule, key, value, range.text());
}

namespace {

// Range::text() with the bounds written as integers.
std::string integer_range_text(const Range& range) {
  if (!range.must.empty()) return std::string(range.must);
  if (range.lo == -kInf || range.hi == kInf) return "must be " + range_text(range, true);
  return "must lie in " + range_text(range, true);
}

}  // namespace

void check_range(std::string_view rule, std::string_view key, std::int64_t value,
                 const Range& range) {
  if (range.contains(static_cast<double>(value))) return;
  const std::string text = integer_range_text(range);
  throw_usage("{}: {} = {}; {}", rule, key, value, text);
}

namespace {

// Throws bad_usage "rule: key has value; must ..." unless range contains the list's element.
void check_element(std::string_view rule, std::string_view key, double value, const Range& range) {
  const bool unbounded = range.lo == -kInf || range.hi == kInf;
  if (range.contains(value) && !(unbounded && !std::isfinite(value))) return;
  throw_usage("{}: {} has {}; {}", rule, key, value, range.text());
}

void check_element(std::string_view rule, std::string_view key, std::int64_t value,
                   const Range& range) {
  if (range.contains(static_cast<double>(value))) return;
  const std::string text = integer_range_text(range);
  throw_usage("{}: {} has {}; {}", rule, key, value, text);
}

}  // namespace

void read_word(const Spec& spec, std::string_view key, std::string& dst) {
  dst = spec.word(key, dst);
}

void check_word(std::string_view rule, std::string_view key, const std::string& value,
                const std::vector<std::string_view>& words) {
  bool known = false;
  for (const auto w : words) known = known || w == value;
  if (!known) throw_usage("{}: {} = {}; must be {}", rule, key, value, join_words(words));
}
SpecValue word_value(const std::string& value) { return spec_word(value); }

void read_list(const Spec& spec, std::string_view key, std::vector<double>& dst) {
  dst = spec.numbers(key, dst);
}
void read_list(const Spec& spec, std::string_view key, std::vector<std::int64_t>& dst) {
  dst = spec.integers(key, dst);
}
void check_elements(std::string_view rule, std::string_view key, const std::vector<double>& values,
                    const Range& range) {
  for (const double v : values) check_element(rule, key, v, range);
}
void check_elements(std::string_view rule, std::string_view key,
                    const std::vector<std::int64_t>& values, const Range& range) {
  for (const std::int64_t v : values) check_element(rule, key, v, range);
}
SpecValue list_value(const std::vector<double>& values) { return spec_list(values); }
SpecValue list_value(const std::vector<std::int64_t>& values) {
  return spec_list(std::vector<double>(values.begin(), values.end()));
}
bool list_empty(const std::vector<double>& values) { return values.empty(); }
bool list_empty(const std::vector<std::int64_t>& values) { return values.empty(); }

std::string join_words(const std::vector<std::string_view>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

}  // namespace descent::optim::detail
