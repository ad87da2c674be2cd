// Specs written like calls, shared by optimizers, schedules and models:
//   adam(lr=0.01, betas=[0.9, 0.99], amsgrad=true)   mlp(hidden=[128, 64], activation=relu)
// Values are numbers, true/false, [lists], or words (bare or quoted). Keys are lower case.
// Example: Spec s = Spec::parse("adam(lr=0.01)"); double lr = s.number("lr", 1e-3);
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace descent {

struct SpecValue {
  enum class Kind { number, boolean, word, list };
  Kind kind = Kind::number;
  double number = 0.0;
  bool boolean = false;
  std::string word;
  std::vector<SpecValue> list;

  std::string text() const;  // as it would be written in a spec
};

class Spec {
 public:
  // Parses `name` or `name(key=value, ...)`. Throws descent::Error (bad_usage) naming the column:
  // "optimizer spec:1:9: expected '=' after key 'lr'".
  static Spec parse(std::string_view text, std::string_view what = "spec");

  Spec() = default;
  explicit Spec(std::string name) : name_(std::move(name)) {}

  const std::string& name() const { return name_; }
  const std::vector<std::pair<std::string, SpecValue>>& args() const { return args_; }
  bool has(std::string_view key) const { return find(key) != nullptr; }
  const SpecValue* find(std::string_view key) const;

  // Typed access with a default for an absent key. A present key of the wrong type throws
  // descent::Error (bad_usage): "adam: lr must be a number, got 'fast'".
  double number(std::string_view key, double fallback) const;
  std::int64_t integer(std::string_view key, std::int64_t fallback) const;
  bool boolean(std::string_view key, bool fallback) const;
  std::string word(std::string_view key, std::string_view fallback) const;
  std::vector<double> numbers(std::string_view key, std::vector<double> fallback) const;
  std::vector<std::int64_t> integers(std::string_view key, std::vector<std::int64_t> fallback) const;

  // Throws descent::Error (bad_usage) for a key not in `allowed`, listing the valid keys.
  void check_keys(std::initializer_list<std::string_view> allowed) const;
  void check_keys(const std::vector<std::string>& allowed) const;

  // Sets (or replaces) a key; used to fill in defaults and for printing.
  void set(std::string key, SpecValue value);

  // Canonical text: name(key=value, ...) in the order given.
  std::string text() const;

 private:
  std::string name_;
  std::vector<std::pair<std::string, SpecValue>> args_;
};

SpecValue spec_number(double value);
SpecValue spec_bool(bool value);
SpecValue spec_word(std::string value);
SpecValue spec_list(std::vector<double> values);

}  // namespace descent
