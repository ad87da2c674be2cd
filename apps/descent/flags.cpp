// flag_message: library option names to the CLI's flags in error messages (see flags.hpp).
#include "flags.hpp"

#include <array>
#include <regex>
#include <string_view>
#include <utility>

namespace descent::cli {
namespace {

// Option name (as the library and the Python API spell it) -> flag.
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kFlags{{
    {"epochs", "--epochs"},
    {"batch_size", "--batch-size"},
    {"clip_norm", "--clip-norm"},
    {"clip_value", "--clip-value"},
    {"threads", "--threads"},
    {"test_fraction", "--test-fraction"},
    {"resolution", "--resolution"},
    {"range", "--range"},
    {"steps", "--steps"},
    {"jit", "--jit"},
}};

// Whole sentences about the start point, which the CLI gives with --at.
constexpr std::array<std::pair<std::string_view, std::string_view>, 2> kSentences{{
    {"give the start point (e.g. x=1, y=1)", "give the start point with --at (e.g. --at x=1,y=1)"},
    {"; the start point gives ", "; --at gives "},
}};

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

std::string flag_message(const std::string& message) {
  std::string out = message;
  for (const auto& [name, flag] : kFlags) {
    const std::string n(name), f(flag);
    out = std::regex_replace(out, std::regex("^" + n + " (must|needs) "), f + " $1 ");
    out = std::regex_replace(out, std::regex("([( ])" + n + "=([^,) ]+)"), "$1" + f + " $2");
    out = std::regex_replace(out, std::regex("larger " + n + "\\b"), "larger " + f);
  }
  for (const auto& [from, to] : kSentences) out = replace_all(out, from, to);
  static const std::regex kNoValue("^variable '[^']*' has no value$");
  if (std::regex_match(out, kNoValue)) out += "; add it to --at";
  return out;
}

}  // namespace descent::cli
