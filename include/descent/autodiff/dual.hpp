// Dual numbers v + d*eps (eps^2 = 0) for forward mode: the tangent d carries a directional
// derivative. Recorded on a reverse tape they give exact Hessian-vector products (forward over
// reverse). Example: Dual y = sin(Dual(1.0, 1.0));  // y.v = sin 1, y.d = cos 1
#pragma once

#include <cmath>

namespace descent::autodiff {

struct Dual {
  double v = 0.0;  // value
  double d = 0.0;  // tangent (directional derivative)

  constexpr Dual() = default;
  constexpr Dual(double value, double tangent = 0.0) : v(value), d(tangent) {}  // NOLINT: implicit

  constexpr Dual& operator+=(const Dual& o) {
    v += o.v;
    d += o.d;
    return *this;
  }
  constexpr Dual& operator-=(const Dual& o) {
    v -= o.v;
    d -= o.d;
    return *this;
  }
  constexpr Dual& operator*=(const Dual& o) {
    d = d * o.v + v * o.d;
    v *= o.v;
    return *this;
  }
  constexpr Dual& operator/=(const Dual& o) {
    v /= o.v;
    d = (d - v * o.d) / o.v;
    return *this;
  }

  friend constexpr Dual operator-(const Dual& a) { return {-a.v, -a.d}; }
  friend constexpr Dual operator+(Dual a, const Dual& b) { return a += b; }
  friend constexpr Dual operator-(Dual a, const Dual& b) { return a -= b; }
  friend constexpr Dual operator*(Dual a, const Dual& b) { return a *= b; }
  friend constexpr Dual operator/(Dual a, const Dual& b) { return a /= b; }
  friend constexpr Dual operator+(Dual a, double b) {
    a.v += b;
    return a;
  }
  friend constexpr Dual operator+(double a, Dual b) {
    b.v += a;
    return b;
  }
  friend constexpr Dual operator-(Dual a, double b) {
    a.v -= b;
    return a;
  }
  friend constexpr Dual operator-(double a, const Dual& b) { return {a - b.v, -b.d}; }
  friend constexpr Dual operator*(const Dual& a, double b) { return {a.v * b, a.d * b}; }
  friend constexpr Dual operator*(double a, const Dual& b) { return {a * b.v, a * b.d}; }
  friend constexpr Dual operator/(const Dual& a, double b) { return {a.v / b, a.d / b}; }
  friend constexpr Dual operator/(double a, const Dual& b) {
    const double q = a / b.v;
    return {q, -q * b.d / b.v};
  }

  // Comparisons look at values only (branches in user code follow the value).
  friend constexpr bool operator==(const Dual& a, const Dual& b) { return a.v == b.v; }
  friend constexpr bool operator<(const Dual& a, const Dual& b) { return a.v < b.v; }
  friend constexpr bool operator<=(const Dual& a, const Dual& b) { return a.v <= b.v; }
  friend constexpr bool operator>(const Dual& a, const Dual& b) { return a.v > b.v; }
  friend constexpr bool operator>=(const Dual& a, const Dual& b) { return a.v >= b.v; }
};

// The chain rule for a function with value fx and derivative dfx at x.v.
constexpr Dual chain(double fx, double dfx, const Dual& x) { return {fx, dfx * x.d}; }

// Numerically stable logistic function and softplus on doubles (used by Dual and Var).
inline double sigmoid(double x) {
  if (x >= 0.0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}
// softplus(x) = log(1 + e^x), computed without overflow.
inline double softplus(double x) {
  return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

inline Dual sin(const Dual& x) { return chain(std::sin(x.v), std::cos(x.v), x); }
inline Dual cos(const Dual& x) { return chain(std::cos(x.v), -std::sin(x.v), x); }
inline Dual tan(const Dual& x) {
  const double t = std::tan(x.v);
  return chain(t, 1.0 + t * t, x);
}
inline Dual asin(const Dual& x) {
  return chain(std::asin(x.v), 1.0 / std::sqrt(1.0 - x.v * x.v), x);
}
inline Dual acos(const Dual& x) {
  return chain(std::acos(x.v), -1.0 / std::sqrt(1.0 - x.v * x.v), x);
}
inline Dual atan(const Dual& x) { return chain(std::atan(x.v), 1.0 / (1.0 + x.v * x.v), x); }
inline Dual sinh(const Dual& x) { return chain(std::sinh(x.v), std::cosh(x.v), x); }
inline Dual cosh(const Dual& x) { return chain(std::cosh(x.v), std::sinh(x.v), x); }
inline Dual tanh(const Dual& x) {
  const double t = std::tanh(x.v);
  return chain(t, 1.0 - t * t, x);
}
inline Dual exp(const Dual& x) {
  const double e = std::exp(x.v);
  return chain(e, e, x);
}
inline Dual log(const Dual& x) { return chain(std::log(x.v), 1.0 / x.v, x); }
inline Dual sqrt(const Dual& x) {
  const double s = std::sqrt(x.v);
  return chain(s, 0.5 / s, x);
}
// abs'(0) = 0, as in PyTorch.
inline Dual abs(const Dual& x) {
  return chain(std::abs(x.v), x.v > 0.0 ? 1.0 : (x.v < 0.0 ? -1.0 : 0.0), x);
}
inline Dual sigmoid(const Dual& x) {
  const double s = sigmoid(x.v);
  return chain(s, s * (1.0 - s), x);
}
inline Dual softplus(const Dual& x) { return chain(softplus(x.v), sigmoid(x.v), x); }
inline Dual pow(const Dual& x, double c) {
  if (c == 0.0) return {1.0, 0.0};
  return chain(std::pow(x.v, c), c * std::pow(x.v, c - 1.0), x);
}
// d(a^b) = b a^(b-1) da + a^b log(a) db; the log term is dropped where a = 0 and b >= 0
// (PyTorch's convention, so 0^b has a finite derivative in b).
inline Dual pow(const Dual& a, const Dual& b) {
  const double p = std::pow(a.v, b.v);
  const double da = b.v == 0.0 ? 0.0 : b.v * std::pow(a.v, b.v - 1.0);
  const double db = (a.v == 0.0 && b.v >= 0.0) ? 0.0 : p * std::log(a.v);
  return {p, da * a.d + db * b.d};
}
inline Dual pow(double a, const Dual& b) { return pow(Dual(a), b); }
// min/max pick the smaller/larger value; on a tie the first argument.
inline Dual min(const Dual& a, const Dual& b) { return b.v < a.v ? b : a; }
inline Dual max(const Dual& a, const Dual& b) { return b.v > a.v ? b : a; }

}  // namespace descent::autodiff
