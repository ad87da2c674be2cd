// Internal to descent/autodiff/var.hpp: the elementary functions of BasicVar, found by
// argument-dependent lookup from generic code (`sin(x)`). Each is the chain rule y = f(x),
// dy = f'(x) dx with f' evaluated in S.
#pragma once

#include <cmath>

#include "descent/autodiff/detail/basic_var.hpp"
#include "descent/autodiff/dual.hpp"

namespace descent::autodiff {

namespace detail::std_math {
// The double overloads that the derivative formulas below call for S = double; for S = Dual,
// argument-dependent lookup adds the Dual overloads of dual.hpp.
using std::acos, std::asin, std::atan, std::cos, std::cosh, std::exp, std::log, std::sin, std::sinh,
    std::sqrt, std::tan, std::tanh;
}  // namespace detail::std_math

#define DESCENT_AD_UNARY(name, value_expr, deriv_expr) \
  template <class S>                                   \
  BasicVar<S> name(const BasicVar<S>& x) {             \
    using namespace detail::std_math;                  \
    const S& v = x.value();                            \
    const S y = value_expr;                            \
    return BasicVar<S>::unary(y, x, deriv_expr);       \
  }

DESCENT_AD_UNARY(sin, sin(v), cos(v))
DESCENT_AD_UNARY(cos, cos(v), -sin(v))
DESCENT_AD_UNARY(tan, tan(v), 1.0 + y * y)
DESCENT_AD_UNARY(asin, asin(v), 1.0 / sqrt(1.0 - v * v))
DESCENT_AD_UNARY(acos, acos(v), -1.0 / sqrt(1.0 - v * v))
DESCENT_AD_UNARY(atan, atan(v), 1.0 / (1.0 + v * v))
DESCENT_AD_UNARY(sinh, sinh(v), cosh(v))
DESCENT_AD_UNARY(cosh, cosh(v), sinh(v))
DESCENT_AD_UNARY(tanh, tanh(v), 1.0 - y * y)
DESCENT_AD_UNARY(exp, exp(v), y)
DESCENT_AD_UNARY(log, log(v), 1.0 / v)
DESCENT_AD_UNARY(sqrt, sqrt(v), 0.5 / y)
#undef DESCENT_AD_UNARY

// |x|, with derivative sign(x) and 0 at 0 (PyTorch's convention).
template <class S>
BasicVar<S> abs(const BasicVar<S>& x) {
  using std::abs;
  const S& v = x.value();
  const double sign = v > S(0.0) ? 1.0 : (v < S(0.0) ? -1.0 : 0.0);
  return BasicVar<S>::unary(abs(v), x, S(sign));
}
// sigmoid(x) = 1 / (1 + e^-x), derivative s (1 - s).
template <class S>
BasicVar<S> sigmoid(const BasicVar<S>& x) {
  const S s = sigmoid(x.value());
  return BasicVar<S>::unary(s, x, s * (1.0 - s));
}
// softplus(x) = log(1 + e^x), derivative sigmoid(x).
template <class S>
BasicVar<S> softplus(const BasicVar<S>& x) {
  return BasicVar<S>::unary(softplus(x.value()), x, sigmoid(x.value()));
}
// x^c, derivative c x^(c-1) (0 when c = 0).
template <class S>
BasicVar<S> pow(const BasicVar<S>& x, double c) {
  using std::pow;
  if (c == 2.0) return BasicVar<S>::unary(x.value() * x.value(), x, 2.0 * x.value());
  if (c == 0.0) return BasicVar<S>::unary(S(1.0), x, S(0.0));
  return BasicVar<S>::unary(pow(x.value(), c), x, c * pow(x.value(), c - 1.0));
}
// a^b: d = b a^(b-1) da + a^b log(a) db, the log term dropped where a = 0 and b >= 0
// (PyTorch's convention).
template <class S>
BasicVar<S> pow(const BasicVar<S>& a, const BasicVar<S>& b) {
  using std::log;
  using std::pow;
  const S& x = a.value();
  const S& y = b.value();
  const S p = pow(x, y);
  const S da = y == S(0.0) ? S(0.0) : y * pow(x, y - 1.0);
  const S db = (x == S(0.0) && y >= S(0.0)) ? S(0.0) : p * log(x);
  return BasicVar<S>::binary(p, a, da, b, db);
}
template <class S>
BasicVar<S> pow(double a, const BasicVar<S>& b) {
  return pow(BasicVar<S>(a), b);
}
// min/max: the gradient goes to the chosen argument; on a tie it is split in half (as
// torch.minimum / torch.maximum do).
template <class S>
BasicVar<S> min(const BasicVar<S>& a, const BasicVar<S>& b) {
  if (a.value() == b.value()) return BasicVar<S>::binary(a.value(), a, S(0.5), b, S(0.5));
  return a.value() < b.value() ? a : b;
}
template <class S>
BasicVar<S> max(const BasicVar<S>& a, const BasicVar<S>& b) {
  if (a.value() == b.value()) return BasicVar<S>::binary(a.value(), a, S(0.5), b, S(0.5));
  return a.value() > b.value() ? a : b;
}
template <class S>
BasicVar<S> min(const BasicVar<S>& a, double b) {
  return min(a, BasicVar<S>(b));
}
template <class S>
BasicVar<S> min(double a, const BasicVar<S>& b) {
  return min(BasicVar<S>(a), b);
}
template <class S>
BasicVar<S> max(const BasicVar<S>& a, double b) {
  return max(a, BasicVar<S>(b));
}
template <class S>
BasicVar<S> max(double a, const BasicVar<S>& b) {
  return max(BasicVar<S>(a), b);
}

// The math functions of a compound expression record it first.
template <CompoundExpression E>
using VarOf = BasicVar<typename E::Scalar>;
#define DESCENT_AD_MATERIALIZE(name) \
  template <CompoundExpression E>    \
  VarOf<E> name(const E& e) {        \
    return name(VarOf<E>(e));        \
  }
DESCENT_AD_MATERIALIZE(sin)
DESCENT_AD_MATERIALIZE(cos)
DESCENT_AD_MATERIALIZE(tan)
DESCENT_AD_MATERIALIZE(asin)
DESCENT_AD_MATERIALIZE(acos)
DESCENT_AD_MATERIALIZE(atan)
DESCENT_AD_MATERIALIZE(sinh)
DESCENT_AD_MATERIALIZE(cosh)
DESCENT_AD_MATERIALIZE(tanh)
DESCENT_AD_MATERIALIZE(exp)
DESCENT_AD_MATERIALIZE(log)
DESCENT_AD_MATERIALIZE(sqrt)
DESCENT_AD_MATERIALIZE(abs)
DESCENT_AD_MATERIALIZE(sigmoid)
DESCENT_AD_MATERIALIZE(softplus)
#undef DESCENT_AD_MATERIALIZE
template <CompoundExpression E>
VarOf<E> pow(const E& x, double c) {
  return pow(VarOf<E>(x), c);
}

namespace detail {
// The scalar type of a pair with at least one compound expression (the other an expression or
// a number).
template <class A, class B>
auto pair_scalar() {
  if constexpr (Expression<A>) {
    return typename A::Scalar{};
  } else {
    return typename B::Scalar{};
  }
}
template <class A, class B>
concept MixedPair = (CompoundExpression<A> && (Expression<B> || Constant<B>)) ||
                    (CompoundExpression<B> && (Expression<A> || Constant<A>));
template <class S, class X>
BasicVar<S> as_var(const X& x) {
  if constexpr (Expression<X>) {
    return BasicVar<S>(x);
  } else {
    return BasicVar<S>(static_cast<double>(x));
  }
}
}  // namespace detail
#define DESCENT_AD_MATERIALIZE2(name)                        \
  template <class A, class B>                                \
  requires detail::MixedPair<A, B>                           \
  auto name(const A& a, const B& b) {                        \
    using S = decltype(detail::pair_scalar<A, B>());         \
    return name(detail::as_var<S>(a), detail::as_var<S>(b)); \
  }
DESCENT_AD_MATERIALIZE2(pow)
DESCENT_AD_MATERIALIZE2(min)
DESCENT_AD_MATERIALIZE2(max)
#undef DESCENT_AD_MATERIALIZE2

}  // namespace descent::autodiff
