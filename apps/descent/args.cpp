#include "args.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/symbolic/parser.hpp"

namespace descent::cli {
namespace {

std::vector<std::string> split_items(std::string_view text) {
  std::vector<std::string> items;
  std::string current;
  for (char c : text) {
    if (c == ',' || c == ';' || std::isspace(static_cast<unsigned char>(c))) {
      if (!current.empty()) items.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) items.push_back(current);
  return items;
}

bool is_identifier(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

std::pair<std::string, std::string> split_assignment(const std::string& item, std::string_view flag,
                                                     std::string_view example) {
  const auto eq = item.find('=');
  if (eq == std::string::npos) {
    throw_usage("{}: '{}' is not of the form name=value (example: {} {})", flag, item, flag, example);
  }
  std::string name = item.substr(0, eq);
  if (!is_identifier(name)) throw_usage("{}: '{}' is not a variable name", flag, name);
  if (symbolic::is_constant_name(name)) {
    throw_usage(
        "{}: '{}' is a constant of the formula language, not a variable; it cannot be "
        "given a value",
        flag, name);
  }
  return {name, item.substr(eq + 1)};
}

}  // namespace

double parse_number(std::string_view text, std::string_view what) {
  std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) throw_usage("{}: '{}' is not a number", what, s);
  if (!std::isfinite(v)) throw_usage("{}: '{}' is not a finite number", what, s);
  return v;
}

CLI::Validator integer_in(std::int64_t lo, std::int64_t hi) {
  const std::string what = lo == 0   ? fmt::format("a non-negative integer no larger than {}", hi)
                           : lo == 1 ? fmt::format("a positive integer no larger than {}", hi)
                                     : fmt::format("an integer in [{}, {}]", lo, hi);
  return CLI::Validator(
      [lo, hi, what](std::string& text) -> std::string {
        std::int64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec != std::errc() || ptr != end || value < lo || value > hi) {
          return fmt::format("must be {}, got '{}'", what, text);
        }
        return {};
      },
      what);
}

CLI::Validator seed_value() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::uint64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec != std::errc() || ptr != end) {
          return fmt::format("must be an integer in [0, {}], got '{}'", UINT64_MAX, text);
        }
        return {};
      },
      "a seed");
}

CLI::Validator number_in(double lo, double hi, bool lo_open, bool hi_open) {
  const std::string what =
      std::isinf(hi)
          ? fmt::format("a finite number {} {}", lo_open ? ">" : ">=", lo)
          : fmt::format("a number in {}{}, {}{}", lo_open ? '(' : '[', lo, hi, hi_open ? ')' : ']');
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        const bool parsed = !text.empty() && end == text.c_str() + text.size();
        const bool above = lo_open ? v > lo : v >= lo;
        const bool below = hi_open ? v < hi : v <= hi;
        if (!parsed || !std::isfinite(v) || !above || !below) {
          return fmt::format("must be {}, got '{}'", what, text);
        }
        return {};
      },
      what);
}

std::vector<NamedValue> parse_point(std::string_view text, std::string_view flag) {
  std::vector<NamedValue> point;
  const auto items = split_items(text);
  if (items.empty()) throw_usage("{}: expected name=value pairs such as x=1,y=2", flag);
  for (const auto& item : items) {
    auto [name, value] = split_assignment(item, flag, "x=1,y=2");
    for (const auto& p : point) {
      if (p.name == name) throw_usage("{}: variable '{}' is given twice", flag, name);
    }
    point.push_back({name, parse_number(value, fmt::format("{} {}", flag, name))});
  }
  return point;
}

std::vector<NamedRange> parse_ranges(std::string_view text, std::string_view flag) {
  std::vector<NamedRange> ranges;
  const auto items = split_items(text);
  if (items.empty()) throw_usage("{}: expected name=lo:hi pairs such as x=-2:2,y=-1:3", flag);
  for (const auto& item : items) {
    auto [name, value] = split_assignment(item, flag, "x=-2:2,y=-1:3");
    const auto colon = value.find(':');
    if (colon == std::string::npos) throw_usage("{}: '{}' must be lo:hi, e.g. {}=-2:2", flag, item, name);
    const double lo = parse_number(value.substr(0, colon), fmt::format("{} {}", flag, name));
    const double hi = parse_number(value.substr(colon + 1), fmt::format("{} {}", flag, name));
    if (!(lo < hi)) throw_usage("{}: {} range {}:{} is empty; lo must be below hi", flag, name, lo, hi);
    ranges.push_back({name, lo, hi});
  }
  return ranges;
}

namespace {

double parse_bound(const std::string& text, std::string_view what) {
  if (text == "inf" || text == "+inf") return std::numeric_limits<double>::infinity();
  if (text == "-inf") return -std::numeric_limits<double>::infinity();
  return parse_number(text, what);
}

}  // namespace

std::vector<NamedRange> parse_bounds(std::string_view text, std::string_view flag) {
  std::vector<NamedRange> bounds;
  const auto items = split_items(text);
  if (items.empty()) throw_usage("{}: expected name=lo:hi pairs such as x=0:1,y=-inf:2", flag);
  for (const auto& item : items) {
    auto [name, value] = split_assignment(item, flag, "x=0:1,y=-inf:2");
    for (const auto& b : bounds) {
      if (b.name == name) throw_usage("{}: variable '{}' is given twice", flag, name);
    }
    const auto colon = value.find(':');
    if (colon == std::string::npos) {
      throw_usage("{}: '{}' must be lo:hi, e.g. {}=0:1 (inf and -inf for no bound)", flag, item, name);
    }
    const std::string what = fmt::format("{} {}", flag, name);
    const double lo = parse_bound(value.substr(0, colon), what);
    const double hi = parse_bound(value.substr(colon + 1), what);
    if (!(lo <= hi) || lo == std::numeric_limits<double>::infinity() ||
        hi == -std::numeric_limits<double>::infinity()) {
      throw_usage("{}: {} bounds {}:{} leave no room; lo must be <= hi (and lo < inf, hi > -inf)",
                  flag, name, lo, hi);
    }
    bounds.push_back({name, lo, hi});
  }
  return bounds;
}

}  // namespace descent::cli
