// Symbolic differentiation of expressions (any order), with the result simplified.
// Example: to_string(diff(parse("x^2 + 2*x + 3"), "x")) == "2*x + 2"
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "descent/symbolic/expr.hpp"

namespace descent::symbolic {

// Limits on derivative size, so that work and memory stay bounded for any formula: the product
// rule turns an n-factor product into n terms of n factors, so second derivatives of a product
// of a few hundred factors that share a variable grow to 10^7 operands (minutes, gigabytes; about 2
// s per million here). kMaxDerivativeSize counts the operands of every product, sum and call that
// differentiation builds (before sharing); kMaxHessianVariables bounds the dense n x n Hessian.
inline constexpr std::size_t kMaxDerivativeSize = 1'000'000;
inline constexpr std::size_t kMaxHessianVariables = 1000;

// The work left to one differentiation (a gradient, a Hessian, a compiled Program share one).
// charge() throws descent::Error (bad_input) "the derivatives of this formula are too large
// (more than 1000000 operands)" once the limit is passed.
class DiffBudget {
 public:
  explicit DiffBudget(std::size_t limit = kMaxDerivativeSize) : left_(limit), limit_(limit) {}
  void charge(std::size_t operands);

 private:
  std::size_t left_, limit_;
};

// d f / d var. Rules: chain rule for every function; abs' = sign; min/max through
// min(a,b) = (a + b - |a - b|)/2; sigmoid' = sigmoid*(1 - sigmoid); softplus' = sigmoid.
// Throws as DiffBudget::charge when the result would be too large.
Expr diff(const Expr& f, std::string_view var);
Expr diff(const Expr& f, std::string_view var, DiffBudget& budget);

// Gradient in the order of `vars` (a variable f does not use gets 0).
std::vector<Expr> gradient(const Expr& f, const std::vector<std::string>& vars);
std::vector<Expr> gradient(const Expr& f, const std::vector<std::string>& vars, DiffBudget& budget);

// Hessian, row-major dim x dim, symmetric entries shared (H[i][j] and H[j][i] are one Expr).
// More than kMaxHessianVariables variables is a bad_input error.
std::vector<Expr> hessian(const Expr& f, const std::vector<std::string>& vars);
// Throws the bad_input error of hessian() when n > kMaxHessianVariables.
void check_hessian_size(std::size_t n);

}  // namespace descent::symbolic
