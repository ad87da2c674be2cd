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
// Nesting deeper than kMaxNesting levels is an error (never a stack overflow).
Expr parse(std::string_view text);

inline constexpr int kMaxNesting = 500;

// Names of the functions of the language, for messages and completion.
const std::vector<std::string>& function_names();

}  // namespace descent::symbolic
