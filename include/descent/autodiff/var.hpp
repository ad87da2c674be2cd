// Reverse-mode autodiff: a tape of (argument indices, partials) and the scalar BasicVar<S> that
// records onto the thread's active tape. S = double gives gradients; S = Dual gives exact
// Hessian-vector products (forward over reverse). Example: see gradient.hpp; most users never
// touch the tape directly.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "descent/autodiff/dual.hpp"
#include "descent/core/error.hpp"
#include "descent/core/types.hpp"

namespace descent::autodiff {

template <class S>
class BasicVar;

// Compile-time expression templates: an arithmetic expression of BasicVar values (a + b * c,
// 100 * a * a, x / 5) builds a small value-holding object instead of recording each operation;
// converting it to a BasicVar records ONE tape statement holding the partial derivative of the
// whole expression with respect to each variable in it (Adept / CoDiPack style). Operands are
// held by value (a BasicVar is a value and an index), so `auto e = sin(x) * y;` never dangles.
// An expression type E has: Scalar, value(), kArgs (most variables it can hold), and
// partials<kSlot>(sink, w), which hands sink.add<slot>(index, w * d value / d variable) for its
// n-th variable at slot kSlot + n.
template <class E>
concept Expression = requires { requires std::remove_cvref_t<E>::kIsExpression; };

template <class E>
concept IsBasicVar = requires { requires std::remove_cvref_t<E>::kIsVar; };

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
}  // namespace detail

// Collects an expression's (index, partial) pairs in registers, at slots known at compile time
// (the n-th variable of the expression goes to slot n; a constant operand has index 0).
template <class S, std::size_t kCount>
struct ArgSink {
  std::uint32_t index[kCount];
  S partial[kCount];
  template <std::size_t kSlot>
  void add(std::uint32_t i, const S& p) {
    index[kSlot] = i;
    partial[kSlot] = p;
  }
  // Nonzero when the expression holds a variable.
  std::uint32_t any() const {
    std::uint32_t bits = 0;
    for (std::size_t j = 0; j < kCount; ++j) bits |= index[j];
    return bits;
  }
};

// A Wengert list of statements. Statement i stands for one intermediate value y_i:
//   dy_i = sum over its arguments k of partial_k * dy_{index_k}
// with the arguments of statement i at [end(i - 1), end(i)) in two parallel arrays (4-byte
// indices, partials). Statement 0 is the "null" statement of constants; inputs have no
// arguments. A statement lists each variable once per run of equal neighbours: x * x records
// one argument with partial 2x (less to write and to sweep, and no back-to-back updates of one
// adjoint in the reverse sweep).
//
// Storage is address space reserved once for the largest tape that 32-bit indices allow; the
// system commits pages when they are first written, so a small tape costs little memory and a
// tape never moves or grows. Recording onto a tape therefore calls nothing, and the compiler
// keeps the write positions in registers across a user's loop: most of the speed of the forward
// pass. (A call there, even one that only throws, makes it store and reload them for every
// statement; the one call left, full(), is reached only from the null tape.)
// A statement past the limit records nothing and marks the tape overflowed; check(), called by
// every derivative function after the user's function returns, turns that into an error.
// Outside derivative calls the active tape is the null tape (see null_tape below), which holds
// nothing: recording a variable there is an error, recording constants is fine.
template <class S>
class Tape {
 public:
  struct Null {};
  // The most statements (and arguments) a tape holds: indices are 32-bit.
  static constexpr std::size_t kMaxStatements = std::numeric_limits<std::uint32_t>::max();

  // A tape for at most max_statements statements and as many arguments (tests pass small
  // limits). Throws std::bad_alloc if the system refuses even a small reservation.
  explicit Tape(std::size_t max_statements = kMaxStatements);
  // The null tape.
  constexpr explicit Tape(Null) {}
  ~Tape();
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  // Forgets all statements and the overflow mark (keeps the memory).
  void clear() {
    end_[0] = 0;
    size_ = 1;
    args_ = 0;
    overflowed_ = false;
  }
  // Throws descent::Error if a statement did not fit since clear().
  void check() const {
    if (overflowed_) full();
  }
  std::size_t size() const { return size_; }
  // Arguments recorded over all statements.
  std::size_t arguments() const { return args_; }
  std::size_t max_statements() const { return max_statements_; }

  // Records y with dy = da * dx_a + db * dx_b; returns its index.
  std::uint32_t push(std::uint32_t a, const S& da, std::uint32_t b, const S& db) {
    const std::size_t s = size_;
    const std::size_t n = args_;
    if (n + 2 > max_args_ || s >= max_statements_) [[unlikely]] return overflow();
    index_[n] = a;
    partial_[n] = da;
    index_[n + 1] = b;
    partial_[n + 1] = db;
    return finish(s, n + 2);
  }
  // Records y with dy = da * dx_a.
  std::uint32_t push(std::uint32_t a, const S& da) {
    const std::size_t s = size_;
    const std::size_t n = args_;
    if (n + 1 > max_args_ || s >= max_statements_) [[unlikely]] return overflow();
    index_[n] = a;
    partial_[n] = da;
    return finish(s, n + 1);
  }
  // n new independent variables (leaves); returns the index of the first (the others follow).
  std::uint32_t push_inputs(std::size_t n) {
    const std::size_t s = size_;
    if (n > max_statements_ - s) full();
    std::fill(end_ + s, end_ + s + n, static_cast<std::uint32_t>(args_));
    size_ = s + n;
    return static_cast<std::uint32_t>(s);
  }
  std::uint32_t push_input() { return push_inputs(1); }
  // Records the expression e as one statement; returns its index, or 0 when e holds no
  // variable (a constant records nothing).
  template <class E>
  std::uint32_t record(const E& e) {
    constexpr std::size_t k = std::remove_cvref_t<E>::kArgs;
    const std::size_t s = size_;
    const std::size_t n = args_;
    if (n + k > max_args_ || s >= max_statements_) [[unlikely]] return overflow_with(e);
    ArgSink<S, k> sink;
    e.template partials<0>(sink, detail::UnitWeight{});
    if (sink.any() == 0) return 0;
    // Runs of one variable (x * x) become one argument.
    std::uint32_t* index = index_ + n;
    S* partial = partial_ + n;
    std::uint32_t current = sink.index[0];
    S sum = sink.partial[0];
    std::size_t m = 0;
    for (std::size_t j = 1; j < k; ++j) {
      if (sink.index[j] == current) {
        sum += sink.partial[j];
      } else {
        index[m] = current;
        partial[m] = sum;
        ++m;
        current = sink.index[j];
        sum = sink.partial[j];
      }
    }
    index[m] = current;
    partial[m] = sum;
    return finish(s, n + m + 1);
  }

  // Reverse sweep from statement `output` seeded with dy_output = seed, down to statement
  // `stop` + 1 (pass the last input's index when all inputs were recorded first: nothing below
  // them has arguments). Afterwards adjoint(i) is d output / d y_i for every statement up to
  // `stop` (the sweep uses and clears the adjoints above).
  void backward(std::uint32_t output, const S& seed = S(1.0), std::uint32_t stop = 0);
  const S& adjoint(std::uint32_t i) const { return adjoints_[i]; }

 private:
  std::uint32_t finish(std::size_t s, std::size_t args_end) {
    args_ = args_end;
    end_[s] = static_cast<std::uint32_t>(args_end);
    size_ = s + 1;
    return static_cast<std::uint32_t>(s);
  }
  // A statement with a variable that does not fit: on the null tape an error, else the tape
  // is full (recorded as a constant, reported by check()).
  std::uint32_t overflow() {
    if (end_ == nullptr) full();
    overflowed_ = true;
    return 0;
  }
  template <class E>
  std::uint32_t overflow_with(const E& e) {
    ArgSink<S, std::remove_cvref_t<E>::kArgs> sink;
    e.template partials<0>(sink, detail::UnitWeight{});
    return sink.any() == 0 ? 0 : overflow();
  }
  [[noreturn, gnu::cold, gnu::noinline]] void full() const;

  std::size_t max_statements_ = 0;
  std::size_t max_args_ = 0;
  std::uint32_t* end_ = nullptr;    // end_[i]: one past statement i's last argument
  std::uint32_t* index_ = nullptr;  // arguments [0, args_) are recorded
  S* partial_ = nullptr;
  std::size_t size_ = 0;  // statements
  std::size_t args_ = 0;
  bool overflowed_ = false;
  std::vector<S> adjoints_;
  std::size_t dirty_ = 0;  // adjoints_[i] is zero for i >= dirty_
};

// The tape of no derivative call: holds nothing, so constants pass and variables are an error.
// Shared by all threads and never written.
template <class S>
inline constinit Tape<S> null_tape{typename Tape<S>::Null{}};

// The tape that BasicVar<S> operations record onto in this thread (set by TapeSession; never
// null, so that recording has no branch that keeps the compiler from moving loads out of loops).
template <class S>
struct ActiveTape {
  static inline thread_local Tape<S>* tape = &null_tape<S>;
};

// A scalar that records its computation. Constants (built from a double) live at index 0 and
// record nothing; operations on constants only stay constants. Arithmetic on BasicVar builds an
// expression (above) that records one statement when it becomes a BasicVar again.
template <class S>
class BasicVar {
 public:
  using Scalar = S;
  static constexpr bool kIsExpression = true;
  static constexpr bool kIsVar = true;
  static constexpr std::size_t kArgs = 1;

  constexpr BasicVar() = default;
  constexpr BasicVar(double constant) : value_(constant) {}  // NOLINT: implicit, like a literal
  // Records an expression of variables (implicit, so `Var y = a * b + c;` and returning an
  // expression from a function returning Var work). An expression with constant slope in one
  // variable (1 - x, 2 * x, -x / 3) records nothing: the result is that variable's statement
  // with a scale (d result = scale * d statement).
  template <CompoundExpression E>
    requires std::is_same_v<typename E::Scalar, S>
  BasicVar(const E& e) : value_(e.value()) {  // NOLINT: implicit
    if constexpr (requires { requires E::kAffineOfVar; }) {
      scale_ = e.affine_scale();
      index_ = e.affine_index();
    } else {
      index_ = record(e);
    }
  }
  static BasicVar make(const S& value, std::uint32_t index) {
    BasicVar v;
    v.value_ = value;
    v.index_ = index;
    return v;
  }

  const S& value() const { return value_; }
  // This value is scale() * y_index() (a constant when index() is 0).
  std::uint32_t index() const { return index_; }
  double scale() const { return scale_; }
  bool is_constant() const { return index_ == 0; }
  // Hands the sink (index, w * scale) at slot kSlot.
  template <std::size_t kSlot, class Sink, class W>
  void partials(Sink& sink, const W& w) const {
    sink.template add<kSlot>(index_, detail::times<S>(w, scale_));
  }

  template <class E>
    requires Expression<E> || Constant<E>
  BasicVar& operator+=(const E& o) {
    return *this = *this + o;
  }
  template <class E>
    requires Expression<E> || Constant<E>
  BasicVar& operator-=(const E& o) {
    return *this = *this - o;
  }
  template <class E>
    requires Expression<E> || Constant<E>
  BasicVar& operator*=(const E& o) {
    return *this = *this * o;
  }
  template <class E>
    requires Expression<E> || Constant<E>
  BasicVar& operator/=(const E& o) {
    return *this = *this / o;
  }

  // y = f(x) with f'(x) = dfx.
  static BasicVar unary(const S& fx, const BasicVar& x, const S& dfx) {
    if (x.index_ == 0) return make(fx, 0);
    return make(fx, ActiveTape<S>::tape->push(x.index_, dfx * x.scale_));
  }
  // y = f(a, b) with partials da, db.
  static BasicVar binary(const S& fx, const BasicVar& a, const S& da, const BasicVar& b,
                         const S& db) {
    if (a.index_ == 0) return unary(fx, b, db);
    if (b.index_ == 0) return unary(fx, a, da);
    return make(fx, ActiveTape<S>::tape->push(a.index_, da * a.scale_, b.index_, db * b.scale_));
  }

 private:
  template <class E>
  static std::uint32_t record(const E& e) {
    return ActiveTape<S>::tape->record(e);
  }

  S value_{};
  double scale_ = 1.0;
  std::uint32_t index_ = 0;
};

// The expression nodes. Each stores its operands by value and its own value.
template <class A, class B, bool kMinus>
struct SumExpr {  // a + b, or a - b when kMinus
  using Scalar = typename A::Scalar;
  static constexpr bool kIsExpression = true;
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
  static constexpr std::size_t kArgs = A::kArgs;
  // Whether a is one variable, possibly through more constant slopes (then this is too).
  static constexpr bool kAffineOfVar = IsBasicVar<A> || requires { requires A::kAffineOfVar; };
  A a;
  Scalar v;
  double c;
  ScaledExpr(const A& a_, const Scalar& v_, double c_) : a(a_), v(v_), c(c_) {}
  const Scalar& value() const { return v; }
  std::uint32_t affine_index() const {
    if constexpr (IsBasicVar<A>) {
      return a.index();
    } else {
      return a.affine_index();
    }
  }
  double affine_scale() const {
    if constexpr (IsBasicVar<A>) {
      return c * a.scale();
    } else {
      return c * a.affine_scale();
    }
  }
  template <std::size_t kSlot, class Sink, class W>
  void partials(Sink& sink, const W& w) const {
    a.template partials<kSlot>(sink, detail::times<Scalar>(w, c));
  }
};

template <class A>
struct ChainExpr {  // f(a) with slope d in S: c / a
  using Scalar = typename A::Scalar;
  static constexpr bool kIsExpression = true;
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
concept ExpressionPair = Expression<A> && Expression<B> &&
                         std::is_same_v<typename A::Scalar, typename B::Scalar>;

template <Expression A>
A operator+(const A& a) {
  return a;
}
template <Expression A>
ScaledExpr<A> operator-(const A& a) {
  return {a, -a.value(), -1.0};
}
template <class A, class B>
  requires ExpressionPair<A, B>
SumExpr<A, B, false> operator+(const A& a, const B& b) {
  return {a, b};
}
template <class A, class B>
  requires ExpressionPair<A, B>
SumExpr<A, B, true> operator-(const A& a, const B& b) {
  return {a, b};
}
template <class A, class B>
  requires ExpressionPair<A, B>
ProductExpr<A, B> operator*(const A& a, const B& b) {
  return {a, b};
}
template <class A, class B>
  requires ExpressionPair<A, B>
QuotientExpr<A, B> operator/(const A& a, const B& b) {
  return {a, b};
}
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
concept ComparableOperands =
    (Expression<A> && Expression<B>) || (Expression<A> && Constant<B>) ||
    (Constant<A> && Expression<B>);
#define DESCENT_AD_COMPARE(op)                                      \
  template <class A, class B>                                       \
    requires ComparableOperands<A, B>                               \
  bool operator op(const A& a, const B& b) {                        \
    return detail::compared_value(a) op detail::compared_value(b);  \
  }
DESCENT_AD_COMPARE(==)
DESCENT_AD_COMPARE(<)
DESCENT_AD_COMPARE(<=)
DESCENT_AD_COMPARE(>)
DESCENT_AD_COMPARE(>=)
#undef DESCENT_AD_COMPARE

using Var = BasicVar<double>;    // for gradients
using DualVar = BasicVar<Dual>;  // for Hessian-vector products

// Elementary functions, found by argument-dependent lookup from generic code (`sin(x)`).
// Each is the chain rule y = f(x), dy = f'(x) dx with f' evaluated in S.
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
#define DESCENT_AD_MATERIALIZE(name)             \
  template <CompoundExpression E>                \
  VarOf<E> name(const E& e) {                    \
    return name(VarOf<E>(e));                    \
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
#define DESCENT_AD_MATERIALIZE2(name)                                               \
  template <class A, class B>                                                       \
    requires detail::MixedPair<A, B>                                                \
  auto name(const A& a, const B& b) {                                               \
    using S = decltype(detail::pair_scalar<A, B>());                                \
    return name(detail::as_var<S>(a), detail::as_var<S>(b));                       \
  }
DESCENT_AD_MATERIALIZE2(pow)
DESCENT_AD_MATERIALIZE2(min)
DESCENT_AD_MATERIALIZE2(max)
#undef DESCENT_AD_MATERIALIZE2

// The plain value of a scalar (double, Dual, or a recorded variable).
inline double value_of(double x) { return x; }
inline double value_of(const Dual& x) { return x.v; }
template <Expression E>
double value_of(const E& x) {
  return value_of(x.value());
}

}  // namespace descent::autodiff
