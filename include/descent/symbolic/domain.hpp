// Where a formula is defined. The rule (shared by every command that evaluates a formula at a
// user's point): a value or derivative that is not finite there is an error naming the part and
// the point, never a result. Example:
//   require_defined(parse_formula("log(x)"), {"x"}, {-1.0});  // throws "log(x) is undefined at x =
//   -1"
// Simplification keeps its printed form (x/x is 1, as in SymPy), but the written parts are
// checked too, so x/x at x = 0 is refused ("x^-1 is infinite at x = 0") rather than 1.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "descent/symbolic/expr.hpp"
#include "descent/symbolic/parser.hpp"

namespace descent::symbolic {

// The innermost sub-expression of `exprs` (walked in order, each bottom-up) whose value at the
// point is not finite while its arguments are; nullopt when every one is finite. values[i]
// belongs to vars[i]; a variable missing from vars is a bad_usage error.
std::optional<Expr> first_non_finite(std::span<const Expr> exprs,
                                     const std::vector<std::string>& vars,
                                     std::span<const double> values);

// "x = -1, y = 2": the point restricted to the variables of `part` (all of vars when it has
// none in common).
std::string describe_point(const Expr& part, const std::vector<std::string>& vars,
                           std::span<const double> values);

// Throws descent::Error (bad_input) "log(x) is undefined at x = -1" (NaN) or
// "x^-1 is infinite at x = 0" (an infinity) when the formula as written is not finite at the
// point. With `derivatives`, each partial derivative is checked too ("df/dx = 0.5*x^-0.5 is
// infinite at x = 0"). Used where a result at the point would be printed.
void require_defined(const ParsedFormula& f, const std::vector<std::string>& vars,
                     std::span<const double> values, bool derivatives = false);

}  // namespace descent::symbolic
