// libFuzzer target for the CSV reader: the first byte picks the options (header given or
// detected, delimiter, missing values dropped, a text column), the rest is the text. Bad input
// must end in descent::Error, never a crash, a hang or unbounded memory; a table that parses
// must be rectangular.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "descent/core/error.hpp"
#include "descent/io/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace descent::io;
  if (size < 1) return 0;
  const std::uint8_t pick = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  CsvOptions options;
  constexpr char kDelimiters[] = {0, ',', ';', '\t', ' '};
  options.delimiter = kDelimiters[(pick >> 0) % 5];
  if ((pick >> 3) % 3 != 0) options.header = (pick >> 3) % 3 == 1;
  options.drop_missing = (pick >> 5) & 1;
  constexpr const char* kTextColumns[] = {"", "-1", "0", "label"};
  options.text_column = kTextColumns[(pick >> 6) % 4];
  try {
    const Table t = parse_csv(text, "fuzz.csv", options);
    if (t.values.rows() < 1 || static_cast<std::size_t>(t.values.cols()) != t.columns.size()) {
      __builtin_trap();
    }
    if (t.text_column >= 0 && t.text.size() != static_cast<std::size_t>(t.values.rows())) {
      __builtin_trap();
    }
  } catch (const descent::Error&) {
  }
  return 0;
}
