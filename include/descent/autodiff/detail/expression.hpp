// Internal to descent/autodiff/var.hpp: compile-time expression templates. An arithmetic
// expression of BasicVar values (a + b * c, a * a + 100 * b * b) builds a small value-holding
// object instead of recording each operation; converting it to a BasicVar (or adding it to an
// accumulator with +=) collects the partial derivative of the whole expression with respect to
// each variable term in it at once (Adept / CoDiPack style). Operands are held by value, so
// `auto e = sin(x) * y;` never dangles. An expression type E has: Scalar, value(), kArgs (slots
// for its variable terms), and partials<kSlot>(sink, w), which hands
// sink.add<slot>(index, w * d value / d term) for its n-th term at slot kSlot + n.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "descent/autodiff/dual.hpp"

namespace descent::autodiff {

template <class S>
class BasicVar;

// Declared `auto`, an expression stays an expression: it cannot be assigned another one. Each
// node's operator= for other types is this readable error instead of pages of overloads.
template <class E>
inline constexpr bool kDependentFalse = false;
#define DESCENT_AD_NO_REASSIGN                                                                  \
  template <class Other>                                                                        \
  void operator=(const Other&) {                                                                \
    static_assert(kDependentFalse<Other>,                                                       \
                  "autodiff: an `auto` variable holds an expression and cannot be reassigned; " \
                  "declare it with the scalar type (T s = ...; where T is the type of x[0])");  \
  }

template <class E>
concept Expression = requires {
  requires std::remove_cvref_t<E>::kIsExpression;
};

template <class E>
concept IsBasicVar = requires {
  requires std::remove_cvref_t<E>::kIsVar;
};

// An expression that is not itself a BasicVar (math functions materialize these first).
template <class E>
concept CompoundExpression = Expression<E> && !IsBasicVar<E>;

// A plain number next to an expression (int literals included).
template <class C>
concept Constant = std::is_arithmetic_v<std::remove_cvref_t<C>>;

namespace detail {
// The weight 1 handed to an expression's root: multiplying by it is free (for dual numbers
// 1 * x is not foldable by the compiler, as 0 * inf is not 0).
struct UnitWeight {};
template <class S>
S weight_value(const S& w) {
  return w;
}
template <class S>
S weight_value(UnitWeight) {
  return S(1.0);
}
template <class S, class X>
S times(const S& w, const X& x) {
  return w * x;
}
template <class S, class X>
S times(UnitWeight, const X& x) {
  return S(x);
}
template <class S>
S negated(const S& w) {
  return -w;
}
template <class S>
S negated(UnitWeight) {
  return S(-1.0);
}

// Whether a partial derivative is exactly zero (a dual number compares its value only).
inline bool is_zero(double x) { return x == 0.0; }
inline bool is_zero(const Dual& x) { return x.v == 0.0 && x.d == 0.0; }
}  // namespace detail

// Collects an expression's terms (index, partial) at slots known at compile time (the n-th term
// slot of the expression goes to slot n). A slot may be empty (a variable with fewer terms, a
// constant): `used` says so. After inlining, the compiler usually knows which slots are used
// and which indices are equal (x[i] and x[i + 1] are not), and folds the bookkeeping below away.
template <class S, std::size_t kCount>
struct ArgSink {
  std::uint32_t index[kCount];
  S partial[kCount];
  bool used[kCount];
  template <std::size_t kSlot>
  void add(std::uint32_t i, const S& p, bool in_use) {
    index[kSlot] = i;
    partial[kSlot] = p;
    used[kSlot] = in_use;
  }
  // Moves the distinct used terms to the front, each with the sum of its partials (in slot
  // order); returns how many there are. (The slow path: it keeps the sink in memory.)
  std::size_t compact() {
    std::size_t m = 0;
    for (std::size_t j = 0; j < kCount; ++j) {
      if (!used[j]) continue;
      const std::uint32_t i = index[j];
      std::size_t t = 0;
      while (t < m && index[t] != i) ++t;
      if (t < m) {
        partial[t] += partial[j];
      } else {
        index[m] = i;
        partial[m] = partial[j];
        ++m;
      }
    }
    return m;
  }
  // Calls take(index, partial) for every used slot, in order, each slot named at compile time
  // (so the sink stays in registers).
  template <class Take>
  void for_each(Take&& take) const {
    [&]<std::size_t... kJ>(std::index_sequence<kJ...>) {
      ((used[kJ] ? take(index[kJ], partial[kJ]) : void()), ...);
    }
    (std::make_index_sequence<kCount>{});
  }
};

// At most two terms, summed from a sink's slots in order (an index may fill both places, the
// second with partial 0); fits is false when the sink holds more.
template <class S>
struct TwoTerms {
  std::uint32_t count = 0;
  std::uint32_t i0 = 0;
  std::uint32_t i1 = 0;
  S p0{};
  S p1{};
  bool fits = true;
  // Adds the term (i, p) if it fits. The second term is appended without a branch on whether
  // its index equals the first's (the compiler rarely knows whether x[i + 1] and x[i] are one
  // variable): when it does, the first takes its partial and the second keeps 0. So the count
  // depends only on the expression's shape, and code after it has no branches of its own. A
  // term that finds both places taken merges into one with its index, or into a place whose
  // index repeats the other's.
  bool add(std::uint32_t i, const S& p) {
    if (count == 0) {
      i0 = i;
      p0 = p;
      count = 1;
      return true;
    }
    const bool eq0 = i == i0;
    if (count == 1) {
      p0 = eq0 ? S(p0 + p) : p0;
      i1 = i;
      p1 = eq0 ? S(0.0) : p;
      count = 2;
      return true;
    }
    const bool eq1 = i == i1;
    if (eq0 || eq1) {
      p0 = eq0 ? S(p0 + p) : p0;
      p1 = eq0 ? p1 : S(p1 + p);
      return true;
    }
    if (i0 == i1) {
      p0 = p0 + p1;
      i1 = i;
      p1 = p;
      return true;
    }
    return false;
  }
  template <std::size_t kCount>
  static TwoTerms of(const ArgSink<S, kCount>& sink) {
    TwoTerms t;
    sink.for_each([&](std::uint32_t i, const S& p) {
      if (!t.add(i, p)) t.fits = false;
    });
    return t;
  }
};

// The expression nodes. Each stores its operands by value and its own value.
template <class A, class B, bool kMinus>
struct SumExpr {  // a + b, or a - b when kMinus
  using Scalar = typename A::Scalar;
  static constexpr bool kIsExpression = true;
  DESCENT_AD_NO_REASSIGN
  static constexpr std::size_t kArgs = A::kArgs + B::kArgs;
  A a;
  B b;
  Scalar v;
  SumExpr(const A& a_, const B& b_)
      : a(a_), b(b_), v(kMinus ? a_.value() - b_.value() : a_.value() + b_.value()) {}
  const Scalar& value() const { return v; }
  template <std::size_t kSlot, class Sink, class W>
  void partials(Sink& sink, const W& w) const {
    a.template partials<kSlot>(sink, w);
    if constexpr (kMinus) {
      b.template partials<kSlot + A::kArgs>(sink, detail::negated<Scalar>(w));
    } else {
      b.template partials<kSlot + A::kArgs>(sink, w);
    }
  }
};

template <class A, class B>
struct ProductExpr {  // a * b
  using Scalar = typename A::Scalar;
  static constexpr bool kIsExpression = true;
  DESCENT_AD_NO_REASSIGN
  static constexpr std::size_t kArgs = A::kArgs + B::kArgs;
  A a;
  B b;
  Scalar v;
  ProductExpr(const A& a_, const B& b_) : a(a_), b(b_), v(a_.value() * b_.value()) {}
  const Scalar& value() const { return v; }
  template <std::size_t kSlot, class Sink, class W>
  void partials(Sink& sink, const W& w) const {
    a.template partials<kSlot>(sink, detail::times<Scalar>(w, b.value()));
    b.template partials<kSlot + A::kArgs>(sink, detail::times<Scalar>(w, a.value()));
  }
};

template <class A, class B>
struct QuotientExpr {  // a / b: d = da / b - (a / b) db / b
  using Scalar = typename A::Scalar;
  static constexpr bool kIsExpression = true;
  DESCENT_AD_NO_REASSIGN
  static constexpr std::size_t kArgs = A::kArgs + B::kArgs;
  A a;
  B b;
  Scalar inv;
  Scalar v;
  QuotientExpr(const A& a_, const B& b_)
      : a(a_), b(b_), inv(1.0 / b_.value()), v(a_.value() * inv) {}
  const Scalar& value() const { return v; }
  template <std::size_t kSlot, class Sink, class W>
  void partials(Sink& sink, const W& w) const {
    a.template partials<kSlot>(sink, detail::times<Scalar>(w, inv));
    b.template partials<kSlot + A::kArgs>(sink, detail::times<Scalar>(w, Scalar(-v * inv)));
  }
};

template <class A>
struct ScaledExpr {  // f(a) with a constant slope c: a + c, c - a, -a, a * c, a / c
  using Scalar = typename A::Scalar;
  static constexpr bool kIsExpression = true;
  DESCENT_AD_NO_REASSIGN
  static constexpr std::size_t kArgs = A::kArgs;
  A a;
  Scalar v;
  double c;
  ScaledExpr(const A& a_, const Scalar& v_, double c_) : a(a_), v(v_), c(c_) {}
  const Scalar& value() const { return v; }
  template <std::size_t kSlot, class Sink, class W>
  void partials(Sink& sink, const W& w) const {
    a.template partials<kSlot>(sink, detail::times<Scalar>(w, c));
  }
};

template <class A>
struct ChainExpr {  // f(a) with slope d in S: c / a
  using Scalar = typename A::Scalar;
  static constexpr bool kIsExpression = true;
  DESCENT_AD_NO_REASSIGN
  static constexpr std::size_t kArgs = A::kArgs;
  A a;
  Scalar v;
  Scalar d;
  ChainExpr(const A& a_, const Scalar& v_, const Scalar& d_) : a(a_), v(v_), d(d_) {}
  const Scalar& value() const { return v; }
  template <std::size_t kSlot, class Sink, class W>
  void partials(Sink& sink, const W& w) const {
    a.template partials<kSlot>(sink, detail::times<Scalar>(w, d));
  }
};

template <class A, class B>
concept ExpressionPair =
    Expression<A> && Expression<B> && std::is_same_v<typename A::Scalar, typename B::Scalar>;

template <Expression A>
A operator+(const A& a) {
  return a;
}
template <Expression A>
ScaledExpr<A> operator-(const A& a) {
  return {a, -a.value(), -1.0};
}
template <class A, class B>
requires ExpressionPair<A, B> SumExpr<A, B, false>
operator+(const A& a, const B& b) { return {a, b}; }
template <class A, class B>
requires ExpressionPair<A, B> SumExpr<A, B, true>
operator-(const A& a, const B& b) { return {a, b}; }
template <class A, class B>
requires ExpressionPair<A, B> ProductExpr<A, B>
operator*(const A& a, const B& b) { return {a, b}; }
template <class A, class B>
requires ExpressionPair<A, B> QuotientExpr<A, B>
operator/(const A& a, const B& b) { return {a, b}; }
template <Expression A>
ScaledExpr<A> operator+(const A& a, double c) {
  return {a, a.value() + c, 1.0};
}
template <Expression A>
ScaledExpr<A> operator+(double c, const A& a) {
  return {a, c + a.value(), 1.0};
}
template <Expression A>
ScaledExpr<A> operator-(const A& a, double c) {
  return {a, a.value() - c, 1.0};
}
template <Expression A>
ScaledExpr<A> operator-(double c, const A& a) {
  return {a, c - a.value(), -1.0};
}
template <Expression A>
ScaledExpr<A> operator*(const A& a, double c) {
  return {a, a.value() * c, c};
}
template <Expression A>
ScaledExpr<A> operator*(double c, const A& a) {
  return {a, c * a.value(), c};
}
template <Expression A>
ScaledExpr<A> operator/(const A& a, double c) {
  return {a, a.value() / c, 1.0 / c};
}
template <Expression A>
ChainExpr<A> operator/(double c, const A& a) {
  using Scalar = typename A::Scalar;
  const Scalar inv = 1.0 / a.value();
  const Scalar q = c * inv;
  return {a, q, -q * inv};
}

// Comparisons look at values only.
namespace detail {
template <class X>
auto compared_value(const X& x) {
  if constexpr (Expression<X>) {
    return x.value();
  } else {
    return static_cast<double>(x);
  }
}
}  // namespace detail
template <class A, class B>
concept ComparableOperands = (Expression<A> && Expression<B>) || (Expression<A> && Constant<B>) ||
                             (Constant<A> && Expression<B>);
#define DESCENT_AD_COMPARE(op)                                     \
  template <class A, class B>                                      \
  requires ComparableOperands<A, B>                                \
  bool operator op(const A& a, const B& b) {                       \
    return detail::compared_value(a) op detail::compared_value(b); \
  }
DESCENT_AD_COMPARE(==)
DESCENT_AD_COMPARE(<)
DESCENT_AD_COMPARE(<=)
DESCENT_AD_COMPARE(>)
DESCENT_AD_COMPARE(>=)
#undef DESCENT_AD_COMPARE

}  // namespace descent::autodiff
