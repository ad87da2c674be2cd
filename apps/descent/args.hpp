// Parsing of the CLI's small argument languages: `--at x=1,y=2` and `--range x=-2:2,y=-1:3`.
// Example: auto point = parse_point("x=1,y=2");  // {{"x", 1.0}, {"y", 2.0}}
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
// Finite number from text or throws bad_usage mentioning `what`.
double parse_number(std::string_view text, std::string_view what);

}  // namespace descent::cli
