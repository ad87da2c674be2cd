// Internal to descent/autodiff/var.hpp: BasicVar<S>, the scalar that records its computation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "descent/autodiff/detail/expression.hpp"
#include "descent/autodiff/detail/tape.hpp"

namespace descent::autodiff {

// A value and up to two terms: dvalue = partial(0) dy_index(0) + partial(1) dy_index(1), the
// first terms() of them in use. Constants have no terms; an input is its own
// statement with partial 1; `1 - x`, `x * x`, `sin(x)`, `x[i + 1] - x[i] * x[i]` are still one
// or two terms and record nothing (forward mode over a small support). Only a value with more
// than two distinct terms becomes a tape statement, and then it is one term again.
//
// `s += e` makes s an accumulator (one per tape at a time, see tape.hpp): e's terms go straight
// into the tape's adjoints, and s holds a token instead of terms. Copying an open accumulator
// closes it into a statement (the copy must not see later `+=`); moving does not.
template <class S>
class BasicVar {
 public:
  using Scalar = S;
  static constexpr bool kIsExpression = true;
  static constexpr bool kIsVar = true;
  static constexpr std::size_t kArgs = 2;

  constexpr BasicVar() = default;
  constexpr BasicVar(double constant) : value_(constant) {}  // NOLINT: implicit, like a literal
  BasicVar(const BasicVar& o)
      : value_(o.value_), i0_(o.i0_), i1_(o.i1_), p0_(o.p0_), p1_(o.p1_), n_(o.n_) {
    if (n_ == kAccumulator) [[unlikely]]
      settle();
  }
  BasicVar& operator=(const BasicVar& o) {
    if (this != &o) *this = BasicVar(o);
    return *this;
  }
  BasicVar(BasicVar&&) noexcept = default;
  BasicVar& operator=(BasicVar&&) noexcept = default;
  ~BasicVar() = default;
  // Collects an expression of variables (implicit, so `Var y = a * b + c;` and returning an
  // expression from a function returning Var work): its terms when at most two, else one
  // statement recorded on the tape.
  template <CompoundExpression E>
  requires std::is_same_v<typename E::Scalar, S> BasicVar(const E& e)
      : value_(e.value()) {  // NOLINT: implicit
    ArgSink<S, E::kArgs> sink;
    e.template partials<0>(sink, detail::UnitWeight{});
    const TwoTerms<S> t = TwoTerms<S>::of(sink);
    set_terms(t);
    if (!t.fits) [[unlikely]]
      record(e);
  }
  // The variable of statement `index`.
  static BasicVar make(const S& value, std::uint32_t index) {
    BasicVar v;
    v.value_ = value;
    v.i0_ = index;
    v.p0_ = S(1.0);
    v.n_ = 1;
    return v;
  }

  const S& value() const { return value_; }
  // Term k < terms(). An accumulator has none: copy it first (that makes it one term).
  std::uint32_t terms() const { return n_ == kAccumulator ? 0 : n_; }
  std::uint32_t index(std::size_t k = 0) const { return k == 0 ? i0_ : i1_; }
  const S& partial(std::size_t k = 0) const { return k == 0 ? p0_ : p1_; }
  bool is_constant() const { return n_ == 0; }
  // Whether this is the accumulator still open on `tape`.
  bool is_open_accumulator(const Tape<S>& tape) const {
    return n_ == kAccumulator && i0_ == tape.open_token();
  }
  // Hands the sink (index, w * partial) of both terms at slots kSlot, kSlot + 1.
  template <std::size_t kSlot, class Sink, class W>
  void partials(Sink& sink, const W& w) const {
    sink.template add<kSlot>(i0_, detail::times<S>(w, p0_), n_ > 0);
    sink.template add<kSlot + 1>(i1_, detail::times<S>(w, p1_), n_ > 1);
  }

  template <class E>
  requires Expression<E> || Constant<E>
  [[gnu::always_inline]] BasicVar& operator+=(const E& o) { return add<false>(o); }
  template <class E>
  requires Expression<E> || Constant<E>
  [[gnu::always_inline]] BasicVar& operator-=(const E& o) { return add<true>(o); }
  template <class E>
  requires Expression<E> || Constant<E> BasicVar& operator*=(const E& o) {
    return *this = *this * o;
  }
  template <class E>
  requires Expression<E> || Constant<E> BasicVar& operator/=(const E& o) {
    return *this = *this / o;
  }

  // This value's terms times c, with value v (a constant slope: -x, x + 1, 2 * x, x / 4).
  BasicVar affine(const S& v, double c) const {
    BasicVar r(*this);
    r.value_ = v;
    r.p0_ = r.p0_ * c;
    r.p1_ = r.p1_ * c;
    return r;
  }
  // y = f(x) with f'(x) = dfx: x's terms times dfx.
  static BasicVar unary(const S& fx, const BasicVar& x, const S& dfx) {
    BasicVar r(x);
    r.value_ = fx;
    r.p0_ = r.p0_ * dfx;
    r.p1_ = r.p1_ * dfx;
    return r;
  }
  // y = f(a, b) with partials da, db.
  static BasicVar binary(const S& fx, const BasicVar& a, const S& da, const BasicVar& b,
                         const S& db);

 private:
  static constexpr std::uint32_t kAccumulator = 3;  // n_ of an accumulator (i0_: its token)

  template <bool kMinus, class E>
  [[gnu::always_inline]] BasicVar& add(const E& o);
  template <bool kMinus, class E>
  [[gnu::noinline, gnu::cold]] BasicVar& add_slow(E o);
  template <bool kMinus, bool kMayLog, class E>
  [[gnu::always_inline]] void add_terms(Tape<S>& tape, const E& o);
  // An accumulator (by token) becomes the one term of its statement.
  void settle() {
    i0_ = ActiveTape<S>::tape->close(i0_);
    i1_ = 0;
    p0_ = S(1.0);
    p1_ = S(0.0);
    n_ = i0_ == 0 ? 0 : 1;
  }
  void set_terms(const TwoTerms<S>& t) {
    i0_ = t.i0;
    i1_ = t.i1;
    p0_ = t.p0;
    p1_ = t.p1;
    n_ = t.count;
  }
  // The slow path of an expression with more than two terms: one statement (the partials are
  // collected again, so that the fast path's sink never leaves registers).
  template <class E>
  [[gnu::noinline]] void record(const E& e) {
    ArgSink<S, E::kArgs> sink;
    e.template partials<0>(sink, detail::UnitWeight{});
    const std::size_t m = sink.compact();
    i0_ = ActiveTape<S>::tape->record(sink.index, sink.partial, m);
    i1_ = 0;
    p0_ = S(1.0);
    p1_ = S(0.0);
    n_ = 1;
  }

  S value_{};
  std::uint32_t i0_ = 0;
  std::uint32_t i1_ = 0;
  S p0_{};
  S p1_{};
  std::uint32_t n_ = 0;  // terms in use, or kAccumulator
};

template <class S>
BasicVar<S> BasicVar<S>::binary(const S& fx, const BasicVar& a, const S& da, const BasicVar& b,
                                const S& db) {
  const BasicVar x(a);
  const BasicVar y(b);
  ArgSink<S, 4> sink;
  x.template partials<0>(sink, da);
  y.template partials<2>(sink, db);
  BasicVar r;
  r.value_ = fx;
  const TwoTerms<S> t = TwoTerms<S>::of(sink);
  r.set_terms(t);
  if (!t.fits) [[unlikely]] {
    const std::size_t m = sink.compact();
    r.i0_ = ActiveTape<S>::tape->record(sink.index, sink.partial, m);
    r.i1_ = 0;
    r.p0_ = S(1.0);
    r.p1_ = S(0.0);
    r.n_ = 1;
  }
  return r;
}

// s += o (s -= o when kMinus): into the open accumulator when s is it, or opens one for s when
// none is open; else (another accumulator is open, or no tape) the plain s = s + o. The fast
// path (s is open, the tape does not log) calls nothing, so that the compiler keeps the loop's
// state in registers; everything else is add_slow.
template <class S>
template <bool kMinus, class E>
[[gnu::always_inline]] inline BasicVar<S>& BasicVar<S>::add(const E& o) {
  if constexpr (Constant<E>) {
    value_ = kMinus ? value_ - static_cast<double>(o) : value_ + static_cast<double>(o);
    return *this;
  } else {
    Tape<S>& tape = *ActiveTape<S>::tape;
    if (n_ == kAccumulator && i0_ == tape.quick_token()) [[likely]] {
      add_terms<kMinus, false>(tape, o);
      return *this;
    }
    return add_slow<kMinus>(o);
  }
}

// The rest of s += o, out of the user's loop: opening, closing, a logging tape, the plain sum.
// (o comes by value: a reference would make the caller keep the expression in memory on the
// fast path too.)
template <class S>
template <bool kMinus, class E>
BasicVar<S>& BasicVar<S>::add_slow(E o) {
  Tape<S>& tape = *ActiveTape<S>::tape;
  if (!is_open_accumulator(tape)) {
    if (n_ == kAccumulator) settle();
    if (tape.open_token() != 0 || !tape.can_accumulate()) {
      if constexpr (kMinus) {
        return *this = *this - o;
      } else {
        return *this = *this + o;
      }
    }
    const std::uint32_t token = tape.open();
    ArgSink<S, 2> own;
    partials<0>(own, detail::UnitWeight{});
    tape.accumulate(own);
    i0_ = token;
    n_ = kAccumulator;
  }
  add_terms<kMinus, true>(tape, o);
  return *this;
}

// Adds o's terms (negated when kMinus) to the open accumulator, this.
template <class S>
template <bool kMinus, bool kMayLog, class E>
[[gnu::always_inline]] inline void BasicVar<S>::add_terms(Tape<S>& tape, const E& o) {
  ArgSink<S, E::kArgs> sink;
  if constexpr (kMinus) {
    o.template partials<0>(sink, S(-1.0));
    value_ = value_ - o.value();
  } else {
    o.template partials<0>(sink, detail::UnitWeight{});
    value_ = value_ + o.value();
  }
  tape.template accumulate<kMayLog>(sink);
}

// A constant slope keeps a variable a variable (so `auto s = 0.0 * x[0];` is one): its terms
// are scaled, nothing is recorded.
template <class S>
BasicVar<S> operator-(const BasicVar<S>& a) {
  return a.affine(-a.value(), -1.0);
}
template <class S>
BasicVar<S> operator+(const BasicVar<S>& a, double c) {
  return a.affine(a.value() + c, 1.0);
}
template <class S>
BasicVar<S> operator+(double c, const BasicVar<S>& a) {
  return a.affine(c + a.value(), 1.0);
}
template <class S>
BasicVar<S> operator-(const BasicVar<S>& a, double c) {
  return a.affine(a.value() - c, 1.0);
}
template <class S>
BasicVar<S> operator-(double c, const BasicVar<S>& a) {
  return a.affine(c - a.value(), -1.0);
}
template <class S>
BasicVar<S> operator*(const BasicVar<S>& a, double c) {
  return a.affine(a.value() * c, c);
}
template <class S>
BasicVar<S> operator*(double c, const BasicVar<S>& a) {
  return a.affine(c * a.value(), c);
}
template <class S>
BasicVar<S> operator/(const BasicVar<S>& a, double c) {
  return a.affine(a.value() / c, 1.0 / c);
}

}  // namespace descent::autodiff
