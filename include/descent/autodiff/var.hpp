// Reverse-mode autodiff's scalar: Var records its computation onto the thread's active tape
// while a derivative function (gradient.hpp) runs the user's generic lambda; DualVar does the
// same with dual numbers for exact Hessian-vector products (forward over reverse). Most users
// never name either: they write `template`-free generic code and call gradient.hpp's functions.
//
//   auto f = [](const auto& x) {
//     using T = std::decay_t<decltype(x[0])>;
//     T s = 0.0;  // or: auto s = 0.0 * x[0];
//     for (Index i = 0; i + 1 < x.size(); ++i) {
//       T a = 1.0 - x[i];
//       T b = x[i + 1] - x[i] * x[i];
//       s += a * a + 100.0 * b * b;
//     }
//     return s;
//   };
//
// Supported: + - * / with variables and numbers on either side, += -= *= /=, comparisons
// (values only), sin cos tan asin acos atan sinh cosh tanh exp log sqrt abs sigmoid softplus,
// pow(x, c), pow(a, b), min, max. How it works: docs/autodiff.md; the parts live in detail/.
#pragma once

#include "descent/autodiff/detail/basic_var.hpp"
#include "descent/autodiff/detail/expression.hpp"
#include "descent/autodiff/detail/math.hpp"
#include "descent/autodiff/detail/tape.hpp"
#include "descent/autodiff/dual.hpp"

namespace descent::autodiff {

using Var = BasicVar<double>;    // for gradients
using DualVar = BasicVar<Dual>;  // for Hessian-vector products

// The plain value of a scalar (double, Dual, or a recorded variable).
inline double value_of(double x) { return x; }
inline double value_of(const Dual& x) { return x.v; }
template <Expression E>
double value_of(const E& x) {
  return value_of(x.value());
}

}  // namespace descent::autodiff
