// Private: the one listing of a rule's options. A rule writes each option once, as a row of an
// OptionTable (key, field of its options struct, allowed range, one line of doc); parsing a spec,
// checking values, printing spec() and the `descent optimizers` listing all read that row.
// Example:  {"eps", &AdamOptions::eps, kNonnegative, "added to the denominator"}
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::optim::detail {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// An allowed interval; open ends exclude the bound. Infinite bounds also refuse non-finite values.
// `must`, when set, replaces the generated "must ..." text of every refusal (e.g. "must be a
// positive integer").
struct Range {
  double lo = -kInf;
  double hi = kInf;
  bool lo_open = false;
  bool hi_open = false;
  std::string_view must{};

  bool contains(double v) const;
  // "must be >= 0", "must be > 0", "must lie in [0, 1)", "must be a finite number".
  std::string text() const;
};

inline constexpr Range kFinite{};
inline constexpr Range kNonnegative{0.0, kInf};
inline constexpr Range kPositive{0.0, kInf, true};
inline constexpr Range kUnitOpen{0.0, 1.0, false, true};  // [0, 1): betas, momenta
inline constexpr Range kUnit{0.0, 1.0};                   // [0, 1]
inline constexpr Range kOpenUnit{0.0, 1.0, true, true};   // (0, 1)
constexpr Range at_least(double lo) { return {lo, kInf}; }
constexpr Range between(double lo, double hi) { return {lo, hi}; }
constexpr Range worded(Range range, std::string_view must) {
  range.must = must;
  return range;
}

// Throws bad_usage "rule: key = value; must ..." unless range contains value.
void check_range(std::string_view rule, std::string_view key, double value, const Range& range);
void check_range(std::string_view rule, std::string_view key, std::int64_t value,
                 const Range& range);

// Two numbers written as one list key, e.g. betas=[beta1, beta2].
template <typename O>
struct PairField {
  double O::*first;
  double O::*second;
};

// A list of numbers, e.g. milestones=[30, 80]; the row's range applies to each element.
template <typename T, typename O>
using ListField = std::vector<T> O::*;

// A word that is always the same (gd's line_search=armijo): printed, nothing to store.
struct FixedWord {
  std::string_view value;
};

template <typename O>
struct Option {
  using Field =
      std::variant<double O::*, std::int64_t O::*, bool O::*, std::string O::*, PairField<O>,
                   FixedWord, ListField<double, O>, ListField<std::int64_t, O>>;
  std::string_view key;
  Field field;
  Range range = kFinite;                // numbers, integers, each number of a pair
  std::string_view doc;                 // one line for `descent optimizers`
  std::vector<std::string_view> words;  // allowed values of a word option

  Option(std::string_view k, double O::*f, Range r, std::string_view d)
      : key(k), field(f), range(r), doc(d) {}
  Option(std::string_view k, std::int64_t O::*f, Range r, std::string_view d)
      : key(k), field(f), range(r), doc(d) {}
  Option(std::string_view k, bool O::*f, std::string_view d) : key(k), field(f), doc(d) {}
  Option(std::string_view k, std::string O::*f, std::vector<std::string_view> w, std::string_view d)
      : key(k), field(f), doc(d), words(std::move(w)) {}
  Option(std::string_view k, PairField<O> f, Range r, std::string_view d)
      : key(k), field(f), range(r), doc(d) {}
  Option(std::string_view k, FixedWord f, std::string_view d) : key(k), field(f), doc(d) {}
  Option(std::string_view k, ListField<double, O> f, Range r, std::string_view d)
      : key(k), field(f), range(r), doc(d) {}
  Option(std::string_view k, ListField<std::int64_t, O> f, Range r, std::string_view d)
      : key(k), field(f), range(r), doc(d) {}
};

template <typename O>
using OptionTable = std::vector<Option<O>>;

// The options every rule shares, written once.
template <typename O>
Option<O> lr_option(double O::*field, Range range = kNonnegative) {
  return {"lr", field, range, "learning rate (step size)"};
}
template <typename O>
Option<O> maximize_option(bool O::*field) {
  return {"maximize", field, "ascend: the gradient is negated first (as PyTorch)"};
}
template <typename O>
Option<O> betas_option(double O::*beta1, double O::*beta2) {
  return {"betas", PairField<O>{beta1, beta2}, kUnitOpen,
          "decay rates [beta1, beta2] of the moment averages"};
}
template <typename O>
Option<O> weight_decay_option(double O::*field) {
  return {"weight_decay", field, kNonnegative, "L2 penalty (decay) factor"};
}

std::string join_words(const std::vector<std::string_view>& words);  // "a, b or c"

// Every touch of a string or list field is out of line: inlined into the templates below for an O
// without such fields (or smaller than one), GCC 12 warns (-Warray-bounds) about the never-taken
// branch. dst = spec.word(key, dst):
void read_word(const Spec& spec, std::string_view key, std::string& dst);
// Throws bad_usage "rule: key = value; must be a, b or c" unless value is one of words.
void check_word(std::string_view rule, std::string_view key, const std::string& value,
                const std::vector<std::string_view>& words);
SpecValue word_value(const std::string& value);
// The list fields: read, check each element, print, test for empty.
void read_list(const Spec& spec, std::string_view key, std::vector<double>& dst);
void read_list(const Spec& spec, std::string_view key, std::vector<std::int64_t>& dst);
void check_elements(std::string_view rule, std::string_view key, const std::vector<double>& values,
                    const Range& range);
void check_elements(std::string_view rule, std::string_view key,
                    const std::vector<std::int64_t>& values, const Range& range);
SpecValue list_value(const std::vector<double>& values);
SpecValue list_value(const std::vector<std::int64_t>& values);
bool list_empty(const std::vector<double>& values);
bool list_empty(const std::vector<std::int64_t>& values);

// Throws unless every value of `o` lies in its row's range (bad_usage naming rule, key, range).
template <typename O>
void check_options(std::string_view rule, const OptionTable<O>& table, const O& o) {
  for (const auto& row : table) {
    std::visit(
        [&](const auto& f) {
          using F = std::decay_t<decltype(f)>;
          if constexpr (std::is_same_v<F, double O::*> || std::is_same_v<F, std::int64_t O::*>) {
            check_range(rule, row.key, o.*f, row.range);
          } else if constexpr (std::is_same_v<F, PairField<O>>) {
            check_range(rule, fmt::format("{}[0]", row.key), o.*(f.first), row.range);
            check_range(rule, fmt::format("{}[1]", row.key), o.*(f.second), row.range);
          } else if constexpr (std::is_same_v<F, ListField<double, O>> ||
                               std::is_same_v<F, ListField<std::int64_t, O>>) {
            check_elements(rule, row.key, o.*f, row.range);
          } else if constexpr (std::is_same_v<F, std::string O::*>) {
            check_word(rule, row.key, o.*f, row.words);
          }
        },
        row.field);
  }
}

// Reads the table's keys from `spec` over `defaults` (bad_usage for keys not in the table, wrong
// types, or a pair that is not two numbers). Ranges are checked by the rule's constructor.
template <typename O>
O read_options(const Spec& spec, const OptionTable<O>& table, O o) {
  std::vector<std::string> keys;
  for (const auto& row : table) keys.emplace_back(row.key);
  spec.check_keys(keys);
  for (const auto& row : table) {
    if (!spec.has(row.key)) continue;
    std::visit(
        [&](const auto& f) {
          using F = std::decay_t<decltype(f)>;
          if constexpr (std::is_same_v<F, double O::*>) {
            o.*f = spec.number(row.key, o.*f);
          } else if constexpr (std::is_same_v<F, std::int64_t O::*>) {
            o.*f = spec.integer(row.key, o.*f);
          } else if constexpr (std::is_same_v<F, bool O::*>) {
            o.*f = spec.boolean(row.key, o.*f);
          } else if constexpr (std::is_same_v<F, ListField<double, O>> ||
                               std::is_same_v<F, ListField<std::int64_t, O>>) {
            read_list(spec, row.key, o.*f);
          } else if constexpr (std::is_same_v<F, std::string O::*>) {
            read_word(spec, row.key, o.*f);
          } else if constexpr (std::is_same_v<F, PairField<O>>) {
            const auto v = spec.numbers(row.key, {o.*(f.first), o.*(f.second)});
            if (v.size() != 2) {
              throw_usage("{}: {} needs two values [{}1, {}2], got {}", spec.name(), row.key,
                          row.key.substr(0, row.key.size() - 1),
                          row.key.substr(0, row.key.size() - 1), v.size());
            }
            o.*(f.first) = v[0];
            o.*(f.second) = v[1];
          } else {
            const std::string w = spec.word(row.key, f.value);
            if (w != f.value)
              throw_usage("{}: {} = {}; must be {}", spec.name(), row.key, w, f.value);
          }
        },
        row.field);
  }
  return o;
}

// A key without a usable default: a number whose default lies outside its range (e.g. NaN, or 0
// for a positive count), or a list whose default is empty.
template <typename O>
bool is_unset(const Option<O>& row, const O& defaults) {
  return std::visit(
      [&](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, double O::*> || std::is_same_v<F, std::int64_t O::*>) {
          return !row.range.contains(static_cast<double>(defaults.*f));
        } else if constexpr (std::is_same_v<F, ListField<double, O>> ||
                             std::is_same_v<F, ListField<std::int64_t, O>>) {
          return list_empty(defaults.*f);
        } else {
          return false;
        }
      },
      row.field);
}

// Such keys must be given: throws bad_usage "rule: key is required".
template <typename O>
void check_required(const Spec& spec, const OptionTable<O>& table, const O& defaults) {
  for (const auto& row : table) {
    if (!spec.has(row.key) && is_unset(row, defaults)) {
      throw_usage("{}: {} is required", spec.name(), row.key);
    }
  }
}

template <typename O>
SpecValue option_value(const Option<O>& row, const O& o) {
  return std::visit(
      [&](const auto& f) -> SpecValue {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, double O::*>) {
          return spec_number(o.*f);
        } else if constexpr (std::is_same_v<F, std::int64_t O::*>) {
          return spec_number(static_cast<double>(o.*f));
        } else if constexpr (std::is_same_v<F, bool O::*>) {
          return spec_bool(o.*f);
        } else if constexpr (std::is_same_v<F, std::string O::*>) {
          return word_value(o.*f);
        } else if constexpr (std::is_same_v<F, PairField<O>>) {
          return spec_list({o.*(f.first), o.*(f.second)});
        } else if constexpr (std::is_same_v<F, ListField<double, O>> ||
                             std::is_same_v<F, ListField<std::int64_t, O>>) {
          return list_value(o.*f);
        } else {
          return spec_word(std::string(f.value));
        }
      },
      row.field);
}

// Canonical spec text: every key of the table, in its order.
template <typename O>
std::string spec_of(std::string_view rule, const OptionTable<O>& table, const O& o) {
  Spec spec{std::string(rule)};
  for (const auto& row : table) spec.set(std::string(row.key), option_value(row, o));
  return spec.text();
}

std::string range_text(const Range& range, bool integer);  // "[0, 1)", ">= 0", "any"

// The listings of `descent optimizers` and `descent schedules`: key, default (from `defaults`;
// "(required)" where it is unset), range, doc.
template <typename O>
std::vector<OptionInfo> describe_options(const OptionTable<O>& table, const O& defaults) {
  std::vector<OptionInfo> out;
  for (const auto& row : table) {
    std::string range = std::visit(
        [&](const auto& f) -> std::string {
          using F = std::decay_t<decltype(f)>;
          if constexpr (std::is_same_v<F, double O::*> || std::is_same_v<F, PairField<O>>) {
            return range_text(row.range, false);
          } else if constexpr (std::is_same_v<F, std::int64_t O::*>) {
            return range_text(row.range, true);
          } else if constexpr (std::is_same_v<F, ListField<double, O>>) {
            return "each " + range_text(row.range, false);
          } else if constexpr (std::is_same_v<F, ListField<std::int64_t, O>>) {
            return "each " + range_text(row.range, true);
          } else if constexpr (std::is_same_v<F, bool O::*>) {
            return "true or false";
          } else if constexpr (std::is_same_v<F, std::string O::*>) {
            return join_words(row.words);
          } else {
            return std::string(f.value);
          }
        },
        row.field);
    out.push_back({std::string(row.key),
                   is_unset(row, defaults) ? "(required)" : option_value(row, defaults).text(),
                   std::move(range), std::string(row.doc)});
  }
  return out;
}

}  // namespace descent::optim::detail
