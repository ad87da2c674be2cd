// Parsing of the CLI's small argument languages: `--at x=1,y=2` and `--range x=-2:2,y=-1:3`.
// Example: auto point = parse_point("x=1,y=2");  // {{"x", 1.0}, {"y", 2.0}}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

namespace descent::cli {

struct NamedValue {
  std::string name;
  double value = 0.0;
};
struct NamedRange {
  std::string name;
  double lo = 0.0;
  double hi = 0.0;
};

// "x=1,y=2" (also "x=1 y=2"); throws descent::Error (bad_usage) naming the bad piece.
std::vector<NamedValue> parse_point(std::string_view text, std::string_view flag = "--at");
// "x=-2:2,y=-1:3"; lo < hi required.
std::vector<NamedRange> parse_ranges(std::string_view text, std::string_view flag = "--range");
// "x=0:1, y=-inf:2" for --bounds: lo <= hi, either may be -inf/inf (also written "+inf");
// NaN and an empty interval are refused naming the variable.
std::vector<NamedRange> parse_bounds(std::string_view text, std::string_view flag = "--bounds");
// Finite number from text or throws bad_usage mentioning `what`.
double parse_number(std::string_view text, std::string_view what);

// CLI11 checks with short messages (CLI11's own range check prints DBL_MAX in 310 digits):
//   --steps: must be a non-negative integer no larger than 1000000000000000, got '-5'
// integer_in: an integer in [lo, hi]; number_in: a finite number in [lo, hi] ((lo, hi] when
// lo_open), e.g. number_in(0, 1, false, true) for [0, 1); hi = infinity: no upper bound.
CLI::Validator integer_in(std::int64_t lo, std::int64_t hi);
CLI::Validator number_in(double lo, double hi, bool lo_open = false, bool hi_open = false);
// A seed: an integer in [0, 2^64 - 1] ("-1" is refused, not wrapped around).
CLI::Validator seed_value();

}  // namespace descent::cli
