// Numeric CSV tables: comma (or auto-detected ';', tab, whitespace) separated, optional header
// row (auto-detected), quoted fields, errors that name the file, line and column.
// Example: Table t = read_csv("iris.csv"); t.values.rows() == 150;
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "descent/core/types.hpp"

namespace descent::io {

struct CsvOptions {
  // Skip rows with a missing value (empty, NA, NaN, ?) instead of failing on them.
  bool drop_missing = false;
  // Whether the first row is a header; unset = it is if any of its fields is not a number.
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
  RowMat values{};                     // rows x columns
  Index text_column = -1;              // the resolved CsvOptions::text_column, or -1
  std::vector<std::string> text{};     // that column's fields, one per row of values
};

// Parses CSV text; source_name prefixes error messages ("iris.csv:17: expected 5 fields, found 4",
// "data.csv:3:2: 'abc' is not a number"). Every data row must have as many fields as the first.
// Throws Error(bad_input) naming the line (and column) on ragged rows, non-numbers, unterminated
// quotes, missing values (unless drop_missing), or no data rows at all.
Table parse_csv(std::string_view text, std::string_view source_name,
                const CsvOptions& options = {});

// Reads a .csv or gzipped .csv.gz file (gzip recognized by its magic bytes).
Table read_csv(const std::string& path, const CsvOptions& options = {});

}  // namespace descent::io
