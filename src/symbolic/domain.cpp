// require_defined and its helpers: a bottom-up walk that evaluates each node once.
#include "descent/symbolic/domain.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/symbolic/differentiate.hpp"
#include "descent/symbolic/evaluate.hpp"
#include "descent/symbolic/printer.hpp"

namespace descent::symbolic {
namespace {

struct Walk {
  const std::vector<std::string>& vars;
  std::span<const double> values;
  std::unordered_map<const Node*, double> memo;
  std::unordered_set<const Node*> visited;
  std::optional<Expr> found;

  void visit(const Expr& e) {
    if (found || !visited.insert(e.get()).second) return;
    for (const Expr& a : e.args()) visit(a);
    if (found) return;
    if (!std::isfinite(detail::evaluate_node<double>(e, vars, values, memo))) found = e;
  }
};

std::string_view verdict(double value) { return std::isnan(value) ? "undefined" : "infinite"; }

// " at x = -1", or "" for a part without variables (undefined everywhere).
std::string where(const Expr& part, const std::vector<std::string>& vars,
                  std::span<const double> values) {
  if (variables(part).empty()) return "";
  return " at " + describe_point(part, vars, values);
}

}  // namespace

std::optional<Expr> first_non_finite(std::span<const Expr> exprs,
                                     const std::vector<std::string>& vars,
                                     std::span<const double> values) {
  Walk walk{vars, values, {}, {}, {}};
  for (const Expr& e : exprs) walk.visit(e);
  return walk.found;
}

std::string describe_point(const Expr& part, const std::vector<std::string>& vars,
                           std::span<const double> values) {
  const std::vector<std::string> used = variables(part);
  std::string out;
  for (std::size_t i = 0; i < vars.size() && i < values.size(); ++i) {
    if (!used.empty() && std::find(used.begin(), used.end(), vars[i]) == used.end()) continue;
    out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", vars[i], values[i]);
  }
  return out;
}

void require_defined(const ParsedFormula& f, const std::vector<std::string>& vars,
                     std::span<const double> values, bool derivatives) {
  std::vector<Expr> parts = f.written;
  parts.push_back(f.expr);
  if (const auto bad = first_non_finite(parts, vars, values)) {
    const double v = evaluate<double>(*bad, vars, values);
    throw Error(ErrorCode::bad_input,
                fmt::format("{} is {}{}", to_string(*bad), verdict(v), where(*bad, vars, values)));
  }
  if (!derivatives) return;
  const std::vector<Expr> partials = gradient(f.expr, vars);
  for (std::size_t i = 0; i < partials.size(); ++i) {
    const double v = evaluate<double>(partials[i], vars, values);
    if (std::isfinite(v)) continue;
    throw Error(ErrorCode::bad_input,
                fmt::format("df/d{} = {} is {}{}", vars[i], to_string(partials[i]), verdict(v),
                            where(partials[i], vars, values)));
  }
}

}  // namespace descent::symbolic
