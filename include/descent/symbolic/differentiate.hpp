// Symbolic differentiation of expressions (any order), with the result simplified.
// Example: to_string(diff(parse("x^2 + 2*x + 3"), "x")) == "2*x + 2"
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "descent/symbolic/expr.hpp"

namespace descent::symbolic {

// d f / d var. Rules: chain rule for every function; abs' = sign; min/max through
// min(a,b) = (a + b - |a - b|)/2; sigmoid' = sigmoid*(1 - sigmoid); softplus' = sigmoid.
Expr diff(const Expr& f, std::string_view var);

// Gradient in the order of `vars` (a variable f does not use gets 0).
std::vector<Expr> gradient(const Expr& f, const std::vector<std::string>& vars);

// Hessian, row-major dim x dim, symmetric entries shared (H[i][j] and H[j][i] are one Expr).
std::vector<Expr> hessian(const Expr& f, const std::vector<std::string>& vars);

}  // namespace descent::symbolic
