// The formula parser (the language: docs/architecture.md): numbers, variables, pi, e, + - * / ^
// ** (right associative, tighter than unary minus), parentheses and the language's functions.
// Example: Expr f = parse("3*x^2*y + z*y - x");
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "descent/symbolic/expr.hpp"

namespace descent::symbolic {

// Parses and simplifies `text`. Throws descent::Error (bad_input) whose message reads
//   formula:1:9: expected ')' to close '(' opened at column 4
//     (x + (y * 2
//             ^
// Nesting deeper than kMaxNesting levels is an error (never a stack overflow). A part that
// folds to a constant that is not finite is an error too: '1e999', 'log(-1)', '1/0'.
Expr parse(std::string_view text);

inline constexpr int kMaxNesting = 500;

// A formula with the sub-expressions its text wrote, innermost first. Simplification can cancel
// a written part (x/x is 1, log(x) - log(x) is 0); evaluating `written` as well as `expr` at a
// point tells whether the formula as written is defined there (see domain.hpp).
struct ParsedFormula {
  Expr expr;
  std::vector<Expr> written;
};
ParsedFormula parse_formula(std::string_view text);

// True for the names the language reserves for constants: pi and e. They cannot be variables.
bool is_constant_name(std::string_view name);

// Names of the functions of the language, for messages and completion.
const std::vector<std::string>& function_names();

}  // namespace descent::symbolic
