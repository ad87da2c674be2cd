// Numeric CSV tables: comma (or auto-detected ';', tab, whitespace) separated, optional header
// row (auto-detected), quoted fields, a UTF-8 byte order mark skipped, errors that name the file,
// line and column.
// Example: Table t = read_csv("iris.csv"); t.values.rows() == 150;
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "descent/core/types.hpp"

namespace descent::io {

// The most fields a row may have (a limit on what a small file can make the trainer allocate).
inline constexpr std::size_t kMaxCsvColumns = std::size_t{1} << 20;

struct CsvOptions {
  // Skip rows with a missing value (empty, NA, NaN, ?) instead of failing on them.
  bool drop_missing = false;
  // Whether the first row is a header; unset = detect: it is if a field is not a number, except
  // that a row whose only text is in text_column is data when the next row's field there is
  // text too (class names from the first row on).
  std::optional<bool> header{};
  // Field separator; 0 = detect from the first line (',' then ';' then tab, else whitespace).
  // ' ' means runs of spaces/tabs.
  char delimiter = 0;
  // One column that may hold text (class names such as "setosa"): its header name, 0-based
  // index, or -1 for the last column; empty = none. Its fields are kept in Table::text and its
  // values are NaN where a field is not a number.
  std::string text_column{};
};

struct Table {
  std::vector<std::string> columns{};  // header names, or "x0", "x1", ... without a header
  bool header = false;                 // the first row was read as the header
  RowMat values{};                     // rows x columns
  Index text_column = -1;              // the resolved CsvOptions::text_column, or -1
  std::vector<std::string> text{};     // that column's fields, one per row of values
};

// Parses CSV text; source_name prefixes error messages ("iris.csv:17: expected 5 fields, found 4",
// "data.csv:3:2: 'abc' is not a number"). Every data row must have as many fields as the first.
// Throws Error(bad_input) naming the line (and column) on ragged rows, non-numbers, unterminated
// quotes, missing values (unless drop_missing), more than kMaxCsvColumns fields, a NUL byte
// (binary data) or UTF-16 text, or no data rows at all.
Table parse_csv(std::string_view text, std::string_view source_name,
                const CsvOptions& options = {});

// Reads a .csv or gzipped .csv.gz file (gzip recognized by its magic bytes), once, within
// kMaxInputBytes (see read_text).
Table read_csv(const std::string& path, const CsvOptions& options = {});

}  // namespace descent::io
