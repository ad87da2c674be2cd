// Tree evaluation of expressions, for doubles and for any scalar type T with the usual math
// functions found by ADL (the autodiff Var type): sin, cos, ..., abs, pow, min, max, sigmoid,
// softplus. Example: double v = evaluate(parse("x*y"), {{"x", 2.0}, {"y", 3.0}});  // 6
// Evaluation walks the DAG once per node (memoized); for speed compile a Program instead.
#pragma once

#include <cmath>
#include <map>
#include <span>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "descent/core/error.hpp"
#include "descent/symbolic/expr.hpp"

namespace descent::symbolic {

// Value of f with every variable taken from `values`; throws descent::Error (bad_usage)
// "variable 'z' has no value" when one is missing.
double evaluate(const Expr& f, const std::map<std::string, double>& values);

namespace detail {

// The double versions of the functions that <cmath> lacks, found by unqualified lookup.
inline double sigmoid(double x) {
  // 1 / (1 + e^-x), written so that neither branch overflows.
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double ex = std::exp(x);
  return ex / (1.0 + ex);
}
inline double softplus(double x) {
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|)
  return (x > 0 ? x : 0.0) + std::log1p(std::exp(-std::fabs(x)));
}
inline double sign(double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : (x == 0 ? 0.0 : x)); }
inline double min(double a, double b) { return std::isnan(a) || std::isnan(b) ? a + b : (a < b ? a : b); }
inline double max(double a, double b) { return std::isnan(a) || std::isnan(b) ? a + b : (a > b ? a : b); }
inline double abs(double x) { return std::fabs(x); }

template <class T>
T from_double(double v) {
  return T(v);
}

template <class T>
T apply_call(Op op, const T& a) {
  using std::acos, std::asin, std::atan, std::cos, std::cosh, std::exp, std::log, std::sin,
      std::sinh, std::sqrt, std::tan, std::tanh;
  using detail::abs, detail::sigmoid, detail::softplus;
  switch (op) {
    case Op::sin: return sin(a);
    case Op::cos: return cos(a);
    case Op::tan: return tan(a);
    case Op::asin: return asin(a);
    case Op::acos: return acos(a);
    case Op::atan: return atan(a);
    case Op::sinh: return sinh(a);
    case Op::cosh: return cosh(a);
    case Op::tanh: return tanh(a);
    case Op::exp: return exp(a);
    case Op::log: return log(a);
    case Op::sqrt: return sqrt(a);
    case Op::abs: return abs(a);
    case Op::sigmoid: return sigmoid(a);
    case Op::softplus: return softplus(a);
    case Op::sign:
      // sign has derivative 0 (away from 0): a / |a| carries that for non-double scalars.
      if constexpr (std::is_same_v<T, double>) {
        return detail::sign(a);
      } else {
        return a / abs(a);
      }
    default: break;
  }
  throw Error(ErrorCode::internal, "evaluate: not a unary function");
}

template <class T>
T evaluate_node(const Expr& e, const std::vector<std::string>& vars, std::span<const T> values,
                std::unordered_map<const Node*, T>& memo) {
  if (auto it = memo.find(e.get()); it != memo.end()) return it->second;
  using detail::max, detail::min;
  using std::pow;
  T result = from_double<T>(0.0);
  switch (e.op()) {
    case Op::constant: result = from_double<T>(e.value()); break;
    case Op::variable: {
      std::size_t i = 0;
      while (i < vars.size() && vars[i] != e.name()) ++i;
      if (i >= vars.size() || i >= values.size()) {
        throw_usage("variable '{}' has no value", e.name());
      }
      result = values[i];
      break;
    }
    case Op::add: {
      result = evaluate_node(e.args()[0], vars, values, memo);
      for (std::size_t i = 1; i < e.args().size(); ++i) {
        result = result + evaluate_node(e.args()[i], vars, values, memo);
      }
      break;
    }
    case Op::mul: {
      result = evaluate_node(e.args()[0], vars, values, memo);
      for (std::size_t i = 1; i < e.args().size(); ++i) {
        result = result * evaluate_node(e.args()[i], vars, values, memo);
      }
      break;
    }
    case Op::pow: {
      const T base = evaluate_node(e.args()[0], vars, values, memo);
      if (e.args()[1].is_constant()) {
        result = pow(base, e.args()[1].value());
      } else {
        result = pow(base, evaluate_node(e.args()[1], vars, values, memo));
      }
      break;
    }
    case Op::min:
    case Op::max: {
      const T a = evaluate_node(e.args()[0], vars, values, memo);
      const T b = evaluate_node(e.args()[1], vars, values, memo);
      result = e.op() == Op::min ? min(a, b) : max(a, b);
      break;
    }
    default: result = apply_call(e.op(), evaluate_node(e.args()[0], vars, values, memo)); break;
  }
  memo.emplace(e.get(), result);
  return result;
}

}  // namespace detail

// Value of f for any scalar type T; values[i] belongs to vars[i]. Throws descent::Error
// (bad_usage) naming a variable of f that `vars` lacks.
template <class T>
T evaluate(const Expr& f, const std::vector<std::string>& vars, std::span<const T> values) {
  std::unordered_map<const Node*, T> memo;
  return detail::evaluate_node(f, vars, values, memo);
}

// Same with the variables in the order of variables(f).
template <class T>
T evaluate(const Expr& f, std::span<const T> values_in_variable_order) {
  return evaluate(f, variables(f), values_in_variable_order);
}

}  // namespace descent::symbolic
