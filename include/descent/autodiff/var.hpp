// Reverse-mode autodiff: a tape of (argument indices, partials) and the scalar BasicVar<S> that
// records onto the thread's active tape. S = double gives gradients; S = Dual gives exact
// Hessian-vector products (forward over reverse). Example: see gradient.hpp; most users never
// touch the tape directly.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <vector>

#include "descent/autodiff/dual.hpp"
#include "descent/core/error.hpp"
#include "descent/core/types.hpp"

namespace descent::autodiff {

// A Wengert list. Node i stands for one intermediate value y_i with at most two arguments:
//   dy_i = da * dy_a + db * dy_b
// Node 0 is the "null" node that inputs point to. A unary node points its unused second
// argument at itself with partial 0: the reverse sweep stays branch-free and never funnels
// unrelated nodes through one shared slot (which would serialize the sweep). Storage is reused
// after clear(): repeated gradients of the same function do not allocate once warm.
template <class S>
class Tape {
 public:
  struct Node {
    std::uint32_t a;
    std::uint32_t b;
    S da;
    S db;
  };

  Tape() { clear(); }

  // Forgets all nodes (keeps the memory).
  void clear() {
    if (capacity_ == 0) reserve(1024);
    nodes_.get()[0] = {0, 0, S(0.0), S(0.0)};
    size_ = 1;
  }
  // Makes room for `nodes` nodes in all (keeps those recorded).
  void reserve(std::size_t nodes) {
    if (nodes <= capacity_) return;
    // Raw storage: Node is an implicit-lifetime aggregate, and untouched capacity costs no
    // page faults.
    NodeBuffer bigger(static_cast<Node*>(std::malloc(nodes * sizeof(Node))));
    if (!bigger) throw std::bad_alloc();
    if (size_ > 0) std::memcpy(bigger.get(), nodes_.get(), size_ * sizeof(Node));
    nodes_ = std::move(bigger);
    capacity_ = nodes;
  }
  std::size_t size() const { return size_; }

  // Records y with dy = da * dx_a + db * dx_b; returns its index.
  std::uint32_t push(std::uint32_t a, const S& da, std::uint32_t b, const S& db) {
    if (size_ == capacity_) grow();
    nodes_.get()[size_] = {a, b, da, db};
    return static_cast<std::uint32_t>(size_++);
  }
  // Records y with dy = da * dx_a.
  std::uint32_t push(std::uint32_t a, const S& da) {
    if (size_ == capacity_) grow();
    const auto self = static_cast<std::uint32_t>(size_);
    nodes_.get()[size_++] = {a, self, da, S(0.0)};
    return self;
  }
  // A new independent variable (a leaf).
  std::uint32_t push_input() { return push(0, S(0.0), 0, S(0.0)); }

  // Reverse sweep from node `output` seeded with dy_output = seed, down to node `stop` + 1
  // (pass the last input's index when all inputs were recorded first: nothing below them has
  // arguments). Afterwards adjoint(i) is d output / d y_i for every node up to `output`.
  void backward(std::uint32_t output, const S& seed = S(1.0), std::uint32_t stop = 0) {
    adjoints_.assign(size_, S(0.0));
    if (output == 0) return;  // a constant output: every derivative is zero
    adjoints_[output] = seed;
    const Node* nodes = nodes_.get();
    S* adj = adjoints_.data();
    for (std::uint32_t i = output; i > stop; --i) {
      const Node& n = nodes[i];
      const S g = adj[i];
      adj[n.a] += n.da * g;
      adj[n.b] += n.db * g;
    }
  }
  const S& adjoint(std::uint32_t i) const { return adjoints_[i]; }

 private:
  [[gnu::cold, gnu::noinline]] void grow() {
    constexpr std::size_t kMaxNodes = std::numeric_limits<std::uint32_t>::max();
    if (capacity_ >= kMaxNodes) {
      throw Error(ErrorCode::internal, "autodiff: tape exceeds 2^32 nodes");
    }
    reserve(std::min(kMaxNodes, capacity_ * 2));
  }

  struct Free {
    void operator()(Node* p) const { std::free(p); }
  };
  using NodeBuffer = std::unique_ptr<Node, Free>;

  NodeBuffer nodes_;  // nodes_[0, size_) are recorded
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  std::vector<S> adjoints_;
};

// The tape that BasicVar<S> operations record onto in this thread (set by TapeSession).
template <class S>
struct ActiveTape {
  static inline thread_local Tape<S>* tape = nullptr;
};

// A scalar that records its computation. Constants (built from a double) live at index 0 and
// record nothing; operations on two constants stay constants.
template <class S>
class BasicVar {
 public:
  using Scalar = S;

  constexpr BasicVar() = default;
  constexpr BasicVar(double constant) : value_(constant) {}  // NOLINT: implicit, like a literal
  static BasicVar make(const S& value, std::uint32_t index) {
    BasicVar v;
    v.value_ = value;
    v.index_ = index;
    return v;
  }

  const S& value() const { return value_; }
  std::uint32_t index() const { return index_; }
  bool is_constant() const { return index_ == 0; }

  BasicVar& operator+=(const BasicVar& o) { return *this = *this + o; }
  BasicVar& operator-=(const BasicVar& o) { return *this = *this - o; }
  BasicVar& operator*=(const BasicVar& o) { return *this = *this * o; }
  BasicVar& operator/=(const BasicVar& o) { return *this = *this / o; }
  BasicVar& operator+=(double o) { return *this = *this + o; }
  BasicVar& operator-=(double o) { return *this = *this - o; }
  BasicVar& operator*=(double o) { return *this = *this * o; }
  BasicVar& operator/=(double o) { return *this = *this / o; }

  // y = f(x) with f'(x) = dfx.
  static BasicVar unary(const S& fx, const BasicVar& x, const S& dfx) {
    if (x.index_ == 0) return make(fx, 0);
    return make(fx, ActiveTape<S>::tape->push(x.index_, dfx));
  }
  // y = f(a, b) with partials da, db.
  static BasicVar binary(const S& fx, const BasicVar& a, const S& da, const BasicVar& b,
                         const S& db) {
    if (a.index_ == 0) return unary(fx, b, db);
    if (b.index_ == 0) return unary(fx, a, da);
    return make(fx, ActiveTape<S>::tape->push(a.index_, da, b.index_, db));
  }

  friend BasicVar operator+(const BasicVar& a) { return a; }
  friend BasicVar operator-(const BasicVar& a) { return unary(-a.value_, a, S(-1.0)); }
  friend BasicVar operator+(const BasicVar& a, const BasicVar& b) {
    return binary(a.value_ + b.value_, a, S(1.0), b, S(1.0));
  }
  friend BasicVar operator-(const BasicVar& a, const BasicVar& b) {
    return binary(a.value_ - b.value_, a, S(1.0), b, S(-1.0));
  }
  friend BasicVar operator*(const BasicVar& a, const BasicVar& b) {
    return binary(a.value_ * b.value_, a, b.value_, b, a.value_);
  }
  // d(a/b) = da / b - (a/b) db / b
  friend BasicVar operator/(const BasicVar& a, const BasicVar& b) {
    const S inv = 1.0 / b.value_;
    const S q = a.value_ * inv;
    return binary(q, a, inv, b, -q * inv);
  }
  friend BasicVar operator+(const BasicVar& a, double c) { return unary(a.value_ + c, a, S(1.0)); }
  friend BasicVar operator+(double c, const BasicVar& a) { return unary(c + a.value_, a, S(1.0)); }
  friend BasicVar operator-(const BasicVar& a, double c) { return unary(a.value_ - c, a, S(1.0)); }
  friend BasicVar operator-(double c, const BasicVar& a) { return unary(c - a.value_, a, S(-1.0)); }
  friend BasicVar operator*(const BasicVar& a, double c) { return unary(a.value_ * c, a, S(c)); }
  friend BasicVar operator*(double c, const BasicVar& a) { return unary(c * a.value_, a, S(c)); }
  friend BasicVar operator/(const BasicVar& a, double c) {
    return unary(a.value_ / c, a, S(1.0 / c));
  }
  friend BasicVar operator/(double c, const BasicVar& a) {
    const S inv = 1.0 / a.value_;
    const S q = c * inv;
    return unary(q, a, -q * inv);
  }

  // Comparisons look at values only.
  friend bool operator==(const BasicVar& a, const BasicVar& b) { return a.value_ == b.value_; }
  friend bool operator==(const BasicVar& a, double c) { return a.value_ == S(c); }
  friend bool operator<(const BasicVar& a, const BasicVar& b) { return a.value_ < b.value_; }
  friend bool operator<(const BasicVar& a, double c) { return a.value_ < S(c); }
  friend bool operator<(double c, const BasicVar& a) { return S(c) < a.value_; }
  friend bool operator<=(const BasicVar& a, const BasicVar& b) { return a.value_ <= b.value_; }
  friend bool operator<=(const BasicVar& a, double c) { return a.value_ <= S(c); }
  friend bool operator<=(double c, const BasicVar& a) { return S(c) <= a.value_; }
  friend bool operator>(const BasicVar& a, const BasicVar& b) { return a.value_ > b.value_; }
  friend bool operator>(const BasicVar& a, double c) { return a.value_ > S(c); }
  friend bool operator>(double c, const BasicVar& a) { return S(c) > a.value_; }
  friend bool operator>=(const BasicVar& a, const BasicVar& b) { return a.value_ >= b.value_; }
  friend bool operator>=(const BasicVar& a, double c) { return a.value_ >= S(c); }
  friend bool operator>=(double c, const BasicVar& a) { return S(c) >= a.value_; }

 private:
  S value_{};
  std::uint32_t index_ = 0;
};

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

// The plain value of a scalar (double, Dual, or a recorded variable).
inline double value_of(double x) { return x; }
inline double value_of(const Dual& x) { return x.v; }
template <class S>
double value_of(const BasicVar<S>& x) {
  return value_of(x.value());
}

}  // namespace descent::autodiff
