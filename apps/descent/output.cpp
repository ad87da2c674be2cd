#include "output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

namespace descent::cli {

std::string fmt_num(double value, int digits) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0.0) return "0";
  return fmt::format("{:.{}g}", value, digits);
}

std::optional<Error> try_write(const std::function<void()>& write) {
  try {
    write();
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

int report_errors(const std::vector<std::optional<Error>>& errors, int status) {
  bool first = true;
  for (const auto& error : errors) {
    if (!error) continue;
    std::cout.flush();
    std::fprintf(stderr, "descent: error: %s\n", error->what());
    if (first) status = exit_code(error->code());
    first = false;
  }
  return status;
}

void Table::print(std::ostream& out) const {
  std::vector<std::size_t> width(header_.size(), 0);
  for (std::size_t c = 0; c < header_.size(); ++c) width[c] = header_[c].size();
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
      width[c] = std::max(width[c], row[c].size());
    }
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < width.size(); ++c) {
      const std::string cell = c < row.size() ? row[c] : "";
      if (c) line += "  ";
      line += fmt::format("{:>{}}", cell, width[c]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  };
  print_row(header_);
  std::string rule;
  for (std::size_t c = 0; c < width.size(); ++c) rule += (c ? "  " : "") + std::string(width[c], '-');
  out << rule << '\n';
  for (const auto& row : rows_) print_row(row);
}

bool stdout_is_terminal() { return isatty(STDOUT_FILENO) == 1; }
bool stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

}  // namespace descent::cli
