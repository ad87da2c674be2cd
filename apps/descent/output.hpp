// Output for people: aligned tables and number formatting shared by the subcommands.
// Example: Table t({"step", "x", "f"}); t.add_row({"0", "1", "4"}); t.print(std::cout);
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/run_json.hpp"
#include "descent/core/error.hpp"

namespace descent::cli {

// A number for a table: up to `digits` significant digits, no trailing noise ("0.4", "1e-08").
std::string fmt_num(double value, int digits = 6);

// JSON-safe number: NaN and infinities become the strings "nan", "inf", "-inf".
using apps::json_num;

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Columns right-aligned (numbers) except the first when it is text; a rule under the header.
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// A write that comes after the work (a picture of the run): its error is returned, so that the
// results can still be printed before it.
// Example: const auto failed = try_write([&] { plot::save(figure, out); });
std::optional<Error> try_write(const std::function<void()>& write);

// After the results: prints "descent: error: ..." for each error (stdout flushed first) and
// returns the first one's exit status, or `status` when there is none.
int report_errors(const std::vector<std::optional<Error>>& errors, int status);

// True when stdout is a terminal (progress bars only then).
bool stdout_is_terminal();
bool stderr_is_terminal();

}  // namespace descent::cli
