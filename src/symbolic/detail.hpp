// Helpers shared inside the symbolic module (not installed).
#pragma once

#include "descent/symbolic/expr.hpp"

namespace descent::symbolic::detail {

// e = coefficient * rest, rest without a numeric factor (rest = 1 for a number).
struct Split {
  double coefficient;
  Expr rest;
};
Split split_coefficient(const Expr& e);

// e = base ^ exponent (exponent 1 when e is not a power).
struct PowerSplit {
  Expr base;
  Expr exponent;
};
PowerSplit split_power(const Expr& e);

// Polynomial degree of a monomial, for ordering terms (x^2 before x before 1); calls count 1.
double degree(const Expr& e);

// The order of the terms of a sum: higher degree first, then structurally.
bool term_before(const Expr& a, const Expr& b);

}  // namespace descent::symbolic::detail
