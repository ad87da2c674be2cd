// `descent problems [--json]`: the built-in test functions (name, formula, start, minimum), each
// usable as EXPR of `descent minimize`.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "descent/optim/problems.hpp"
#include "output.hpp"

namespace descent::cli {
namespace {

std::string point_text(const Vec& x) {
  std::string out = "(";
  for (Index i = 0; i < x.size(); ++i) out += (i ? ", " : "") + fmt_num(x[i], 6);
  return out + ")";
}

nlohmann::json point_json(const Vec& x) {
  auto out = nlohmann::json::array();
  for (Index i = 0; i < x.size(); ++i) out.push_back(x[i]);
  return out;
}

int run_problems(bool json) {
  const auto& all = optim::problems();
  if (json) {
    auto doc = nlohmann::json::array();
    for (const auto& p : all) {
      auto minimizers = nlohmann::json::array();
      for (const auto& m : p.minimizers) minimizers.push_back(point_json(m));
      doc.push_back({{"name", p.name},
                     {"description", p.description},
                     {"formula", p.formula},
                     {"variables", p.variables},
                     {"start", point_json(p.start)},
                     {"minimizers", minimizers},
                     {"minimum", p.minimum},
                     {"optimizer", p.suggested_optimizer},
                     {"steps", p.suggested_steps}});
    }
    std::cout << nlohmann::json{{"problems", doc}}.dump(2) << '\n';
    return 0;
  }
  // Text columns read best left-aligned (Table right-aligns), so the rows are laid out here.
  std::vector<std::vector<std::string>> rows = {{"name", "dim", "start", "minimum", "at", "formula"}};
  for (const auto& p : all) {
    std::string at = point_text(p.minimizers.front());
    if (p.minimizers.size() > 1) at += fmt::format(" and {} more", p.minimizers.size() - 1);
    rows.push_back({p.name, std::to_string(p.variables.size()), point_text(p.start),
                    fmt_num(p.minimum, 8), at, p.formula});
  }
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      line += c + 1 < rows[r].size() ? fmt::format("{:<{}}  ", rows[r][c], width[c]) : rows[r][c];
    }
    std::cout << line << '\n';
    if (r == 0) {
      std::string rule;
      for (std::size_t c = 0; c < width.size(); ++c) rule += std::string(width[c], '-') + "  ";
      std::cout << rule.substr(0, rule.size() - 2) << '\n';
    }
  }
  std::cout << "\nTry: descent minimize rosenbrock   (a problem name works as EXPR; --at "
               "defaults to its start)\n";
  return 0;
}

RunFn setup(CLI::App& sub) {
  auto json = std::make_shared<bool>(false);
  sub.add_flag("--json", *json, "print one JSON document");
  return [json] { return run_problems(*json); };
}

const bool kRegistered =
    register_command({"problems", "list the built-in test functions", 90, setup});

}  // namespace
}  // namespace descent::cli
