// Printing expressions as formulas that read like a careful person wrote them and parse back.
// Example: to_string(parse("x*2 + -y")) == "2*x - y"
#pragma once

#include <string>

#include "descent/symbolic/expr.hpp"

namespace descent::symbolic {

// Minimal parentheses; a - b and a / b instead of negative coefficients and exponents;
// parse(to_string(f)) has the same value as f everywhere.
std::string to_string(const Expr& f);

}  // namespace descent::symbolic
