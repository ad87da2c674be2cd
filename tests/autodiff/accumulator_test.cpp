// Sums written the plain way (`s += ...` in a loop, `auto s = 0.0 * x[0]; s = s + ...`): the
// accumulator that adds straight into the adjoints, closed into a statement whenever its value
// is used otherwise, against hand-written gradients, closed forms and finite differences.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

#include "descent/autodiff/gradient.hpp"

namespace descent::autodiff {
namespace {

// Rosenbrock written the plain way.
auto plain_rosenbrock = [](const auto& x) {
  using T = std::decay_t<decltype(x[0])>;
  T s = 0.0;
  for (Index i = 0; i + 1 < x.size(); ++i) {
    T a = 1.0 - x[i];
    T b = x[i + 1] - x[i] * x[i];
    s += a * a + 100.0 * b * b;
  }
  return s;
};

Vec hand_rosenbrock_gradient(const Vec& x) {
  Vec g = Vec::Zero(x.size());
  for (Index i = 0; i + 1 < x.size(); ++i) {
    const double a = 1.0 - x[i];
    const double b = x[i + 1] - x[i] * x[i];
    g[i] += -2.0 * a - 400.0 * b * x[i];
    g[i + 1] += 200.0 * b;
  }
  return g;
}

// Central differences, step h scaled to each coordinate.
template <class F>
Vec finite_difference_gradient(F&& f, const Vec& x) {
  Vec g(x.size());
  for (Index i = 0; i < x.size(); ++i) {
    const double h = 1e-6 * std::max(1.0, std::abs(x[i]));
    Vec up = x, down = x;
    up[i] += h;
    down[i] -= h;
    g[i] = (value(f, up) - value(f, down)) / (2.0 * h);
  }
  return g;
}

constexpr double kExact = 1e-13;  // the same formulas, summed in another order
constexpr double kFiniteDifference = 1e-7;

TEST(Accumulator, PlainRosenbrockMatchesTheHandWrittenGradientAtSeveralSizes) {
  for (const Index n : {2, 3, 10, 1000, 100000}) {
    const Vec x = Vec::LinSpaced(n, -1.2, 1.0);
    Vec grad;
    const double fx = value_and_gradient(plain_rosenbrock, x, grad);
    EXPECT_DOUBLE_EQ(fx, value(plain_rosenbrock, x)) << n;
    EXPECT_TRUE(grad.isApprox(hand_rosenbrock_gradient(x), kExact)) << n;
  }
}

// What the caller's output vectors may hold or be: the gradient replaces whatever was there
// (another size, nonzero values, the input itself), and a call leaves nothing behind for the next.
TEST(Accumulator, AGradientReplacesWhatTheCallersVectorHeld) {
  const Vec x = Vec::LinSpaced(1000, -1.2, 1.0);
  const Vec expected = gradient(plain_rosenbrock, x);
  for (const Index size : {0, 10, 1000, 2000}) {
    Vec grad = Vec::Constant(size, 7.0);
    value_and_gradient(plain_rosenbrock, x, grad);
    EXPECT_EQ(grad, expected) << size;
  }
}

TEST(Accumulator, AGradientWrittenOverItsOwnInputIsTheGradientAtThatInput) {
  const Vec x = Vec::LinSpaced(1000, -1.2, 1.0);
  Vec grad;
  const double fx = value_and_gradient(plain_rosenbrock, x, grad);
  Vec y = x;
  EXPECT_EQ(value_and_gradient(plain_rosenbrock, y, y), fx);
  EXPECT_EQ(y, grad);
}

TEST(Accumulator, AHessianVectorProductWrittenOverItsDirectionIsTheProductAlongIt) {
  const Vec x = Vec::LinSpaced(100, -1.2, 1.0);
  const Vec v = Vec::LinSpaced(100, 1.0, -2.0);
  Vec hv;
  Vec grad = Vec::Constant(3, 5.0);
  value_gradient_hvp(plain_rosenbrock, x, v, hv, &grad);
  Vec w = v;
  Vec grad_over_x = x;
  value_gradient_hvp(plain_rosenbrock, grad_over_x, w, w, &grad_over_x);
  EXPECT_EQ(w, hv);
  EXPECT_EQ(grad_over_x, grad);
  EXPECT_EQ(grad, gradient(plain_rosenbrock, x));
}

// value_and_gradient adds into the caller's vector while nothing is recorded, and onto the tape
// otherwise (always when the vector is the input itself): both give the same bits.
template <class F>
void expect_lent_and_own_adjoints_agree(F&& f, const Vec& x) {
  Vec lent = Vec::Constant(x.size(), -3.0);
  const double fx = value_and_gradient(f, x, lent);
  Vec own = x;
  EXPECT_EQ(value_and_gradient(f, own, own), fx);
  EXPECT_EQ(lent, own);
}

TEST(Accumulator, GradientsAddedIntoTheCallersVectorMatchTheTapesBitForBit) {
  const Vec x = Vec::LinSpaced(300, -1.2, 1.0);
  expect_lent_and_own_adjoints_agree(plain_rosenbrock, x);
  // A statement (three variables) half-way, after terms went into the caller's vector.
  expect_lent_and_own_adjoints_agree(
      [](const auto& v) {
        using T = std::decay_t<decltype(v[0])>;
        T s = 0.0;
        for (Index i = 0; i + 2 < v.size(); ++i) {
          s += v[i] * v[i + 1];
          if (i == v.size() / 2) s += v[i] * v[i + 1] * v[i + 2];
        }
        return s;
      },
      x);
  // The output is not the accumulator: the accumulator is closed, or dropped.
  expect_lent_and_own_adjoints_agree(
      [](const auto& v) {
        using T = std::decay_t<decltype(v[0])>;
        T s = 0.0;
        for (Index i = 0; i < v.size(); ++i) s += v[i] * v[i];
        return s / static_cast<double>(v.size());
      },
      x);
  expect_lent_and_own_adjoints_agree(
      [](const auto& v) {
        using T = std::decay_t<decltype(v[0])>;
        T s = 0.0;
        for (Index i = 0; i < v.size(); ++i) s += sin(v[i]);
        return v[0] * v[1];
      },
      x);
}

TEST(Accumulator, AFunctionThatThrowsWhileAddingIntoTheCallersVectorLeavesTheTapeUsable) {
  const Vec x = Vec::LinSpaced(300, -1.2, 1.0);
  const Vec expected = gradient(plain_rosenbrock, x);
  auto throws_late = [](const auto& v) {
    auto s = plain_rosenbrock(v);
    if (s.value() > 0.0) throw std::runtime_error("late");
    return s;
  };
  {
    Vec doomed(x.size());
    EXPECT_THROW(value_and_gradient(throws_late, x, doomed), std::runtime_error);
  }  // the vector the tape added into is gone
  EXPECT_EQ(gradient(plain_rosenbrock, x), expected);
}

TEST(Accumulator, CallsOfAlternatingSizesEachGiveTheirOwnGradient) {
  const Vec big = Vec::LinSpaced(100000, -1.2, 1.0);
  const Vec small = (Vec(3) << 0.5, -0.25, 2.0).finished();
  Vec grad;
  value_and_gradient(plain_rosenbrock, big, grad);
  const Vec first = grad;
  value_and_gradient(plain_rosenbrock, small, grad);
  EXPECT_TRUE(grad.isApprox(hand_rosenbrock_gradient(small), kExact));
  value_and_gradient(plain_rosenbrock, big, grad);
  EXPECT_EQ(grad, first);
}

TEST(Accumulator, OneAndTwoInputsGiveTheirClosedForms) {
  const Vec one = Vec::Constant(1, 3.0);
  Vec grad = Vec::Constant(1, 9.0);
  EXPECT_EQ(value_and_gradient(plain_rosenbrock, one, grad), 0.0);  // no terms at all
  EXPECT_EQ(grad, Vec::Zero(1));
  auto square = [](const auto& x) {
    using T = std::decay_t<decltype(x[0])>;
    T s = 0.0;
    s += x[0] * x[0];
    return s;
  };
  EXPECT_EQ(gradient(square, one), Vec::Constant(1, 6.0));
  const Vec two = (Vec(2) << -1.2, 1.0).finished();
  EXPECT_DOUBLE_EQ(value_and_gradient(plain_rosenbrock, two, grad), value(plain_rosenbrock, two));
  EXPECT_TRUE(grad.isApprox(hand_rosenbrock_gradient(two), kExact));
}

TEST(Accumulator, AutoDeclaredSumFromAScaledVariableCompilesAndDifferentiates) {
  auto f = [](const auto& x) {
    auto s = 0.0 * x[0];  // a variable, not an expression
    for (Index i = 0; i + 1 < x.size(); ++i) {
      auto a = 1.0 - x[i];
      auto b = x[i + 1] - x[i] * x[i];
      s = s + a * a;
      s = s + 100.0 * b * b;
    }
    return s;
  };
  const Vec x = Vec::LinSpaced(7, -0.8, 1.3);
  EXPECT_TRUE(gradient(f, x).isApprox(hand_rosenbrock_gradient(x), kExact));
  EXPECT_DOUBLE_EQ(value(f, x), value(plain_rosenbrock, x));
}

TEST(Accumulator, ACopyTakenBeforeMoreTermsKeepsItsOwnGradient) {
  // old = x0^2, s = x0^2 + x1^3, f = old * s: df/dx0 = 2 x0 s + old 2 x0, df/dx1 = old 3 x1^2.
  auto f = [](const auto& x) {
    using T = std::decay_t<decltype(x[0])>;
    T s = 0.0;
    s += x[0] * x[0];
    const T old = s;
    s += x[1] * x[1] * x[1];
    return old * s;
  };
  const Vec x = (Vec(2) << 1.5, -0.7).finished();
  const double old = 2.25, s = 2.25 - 0.343;
  const Vec expected = (Vec(2) << 3.0 * s + old * 3.0, old * 3.0 * 0.49).finished();
  EXPECT_TRUE(gradient(f, x).isApprox(expected, kExact));
}

TEST(Accumulator, AnAccumulatorReadInsideTheLoopIsClosedAndReopened) {
  // t = sum_i x_i * (x_0^2 + ... + x_i^2): s is used while it grows.
  auto f = [](const auto& x) {
    using T = std::decay_t<decltype(x[0])>;
    T s = 0.0, t = 0.0;
    for (Index i = 0; i < x.size(); ++i) {
      s += x[i] * x[i];
      t += s * x[i];
    }
    return t;
  };
  const Vec x = Vec::LinSpaced(9, -1.0, 2.0);
  EXPECT_TRUE(gradient(f, x).isApprox(finite_difference_gradient(f, x), kFiniteDifference));
}

TEST(Accumulator, AnAccumulatorOpenedAfterTheTapeStartedLoggingKeepsEveryTerm) {
  // Closing c scans a tape of 300 inputs for its 2 terms, so the tape logs from then on: t's
  // terms must go through the log (not the fast path), else its close finds only the first.
  // f = c * t with c = x0 x1, t = sum x_i^2: df/dx_i = 2 x_i c + t dc/dx_i.
  auto f = [](const auto& x) {
    using T = std::decay_t<decltype(x[0])>;
    T s = 0.0;
    s += x[0] * x[1];
    const T c = s;
    T t = 0.0;
    for (Index i = 0; i < x.size(); ++i) t += x[i] * x[i];
    const T u = t;
    return c * u;
  };
  const Vec x = Vec::LinSpaced(300, -1.0, 2.0);
  const double c = x[0] * x[1], t = x.squaredNorm();
  Vec expected = 2.0 * c * x;
  expected[0] += t * x[1];
  expected[1] += t * x[0];
  EXPECT_TRUE(gradient(f, x).isApprox(expected, kExact));
}

TEST(Accumulator, TwoAccumulatorsAtOnceAndSubtraction) {
  auto f = [](const auto& x) {
    using T = std::decay_t<decltype(x[0])>;
    using std::sin, std::sqrt;
    T s = 1.0, t = 0.0;
    for (Index i = 0; i < x.size(); ++i) {
      s += x[i] * x[i];
      t -= sin(x[i]) * 2.0;
      t += 0.5;
      s -= 0.1;
    }
    return s * t + sqrt(s);
  };
  const Vec x = Vec::LinSpaced(6, -1.0, 1.5);
  EXPECT_TRUE(gradient(f, x).isApprox(finite_difference_gradient(f, x), kFiniteDifference));
}

TEST(Accumulator, WideTermsAndCopiesInALoopStayCorrect) {
  // Every step touches the first and the last input and copies the sum (a close each time).
  auto f = [](const auto& x) {
    using T = std::decay_t<decltype(x[0])>;
    const Index n = x.size();
    T s = 0.0, t = 0.0;
    for (Index i = 0; i < n; ++i) {
      s += x[i] * x[n - 1] + x[0];
      const T copy = s;
      t += copy * 1e-3;
    }
    return t + s;
  };
  const Vec x = Vec::LinSpaced(300, -1.0, 1.0);
  EXPECT_TRUE(gradient(f, x).isApprox(finite_difference_gradient(f, x), kFiniteDifference));
}

TEST(Accumulator, EveryOperationInsideASumMatchesFiniteDifferences) {
  auto f = [](const auto& x) {
    using T = std::decay_t<decltype(x[0])>;
    using std::abs, std::acos, std::asin, std::atan, std::cos, std::cosh, std::exp, std::log,
        std::max, std::min, std::pow, std::sin, std::sinh, std::sqrt, std::tan, std::tanh;
    T s = 0.0;
    const T a = x[0], b = x[1], c = x[2];
    s += sin(a) * cos(b) + tan(c) - asin(a / 2.0) + acos(b / 3.0) * atan(c);
    s += sinh(a) / cosh(b) + tanh(c) * exp(a) - log(b + 2.0) + sqrt(c + 1.0);
    s += abs(a - b) + sigmoid(c) * softplus(a) + pow(b + 2.0, 1.5) + pow(c + 1.0, a + 2.0);
    s += min(a, b) * max(b, c) + 2.0 / (c + 3.0) - (a - 1.0) / (b + 3.0);
    s -= a * b * c;
    s *= 1.5;
    s /= 2.0;
    return s;
  };
  const Vec x = (Vec(3) << 0.3, -0.4, 0.6).finished();
  EXPECT_TRUE(gradient(f, x).isApprox(finite_difference_gradient(f, x), kFiniteDifference));
}

TEST(Accumulator, HessianOfThePlainRosenbrockIsItsClosedForm) {
  const Vec x = Vec::LinSpaced(4, -0.5, 1.2);
  const Mat h = hessian(plain_rosenbrock, x);
  Mat expected = Mat::Zero(4, 4);
  for (Index i = 0; i + 1 < 4; ++i) {
    expected(i, i) += 2.0 + 1200.0 * x[i] * x[i] - 400.0 * x[i + 1];
    expected(i, i + 1) += -400.0 * x[i];
    expected(i + 1, i) += -400.0 * x[i];
    expected(i + 1, i + 1) += 200.0;
  }
  EXPECT_TRUE(h.isApprox(expected, kExact));
}

TEST(Accumulator, ADerivativeInsideASumUsesItsOwnTape) {
  // f(x) = sum_i x_i * g'(x_i) with g(t) = t^3 accumulated: f = sum 3 x_i^3, df/dx_i = 9 x_i^2.
  auto f = [](const auto& x) {
    using T = std::decay_t<decltype(x[0])>;
    T s = 0.0;
    for (Index i = 0; i < x.size(); ++i) {
      const double slope = derivative(
          [](const Var& t) {
            Var cube = 0.0;
            cube += t * t * t;
            return cube;
          },
          value_of(x[i]));
      s += x[i] * x[i] * x[i] * (slope / (value_of(x[i]) * value_of(x[i])));
    }
    return s;
  };
  const Vec x = (Vec(3) << 0.5, -1.0, 2.0).finished();
  EXPECT_TRUE(gradient(f, x).isApprox(Vec(9.0 * x.array().square()), kExact));
}

TEST(Accumulator, ThreadsAccumulateOnTheirOwnTapes) {
  const Vec x = Vec::LinSpaced(20000, -1.2, 1.0);
  const Vec expected = gradient(plain_rosenbrock, x);
  std::vector<Vec> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) results[t] = gradient(plain_rosenbrock, x);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const Vec& g : results) EXPECT_EQ(g, expected);
}

// The terms a value carries (basic_var.hpp): a second term is taken without a branch on whether
// its index equals the first's, so terms whose indices are equal only at run time (x[j] * x[k]
// with j == k) must still add up exactly; a third merges or evicts a repeated index, else the
// value becomes a statement. Gradients and Hessian-vector products against closed forms.

// Index triples (j, k, l) known only at run time: all equal, j == k, j == l, k == l, distinct.
const std::vector<std::array<Index, 3>> kTriples = {{0, 0, 0}, {1, 1, 2}, {2, 3, 2},
                                                    {3, 4, 4}, {0, 2, 4}, {4, 1, 1}};

// f(x) = sum over the triples of t^2 with t = x_j x_k + x_l.
auto triples = [](const auto& x) {
  using T = std::decay_t<decltype(x[0])>;
  T s = 0.0;
  for (const auto& [j, k, l] : kTriples) {
    T t = x[j] * x[k] + x[l];
    s += t * t;
  }
  return s;
};

// The gradient of `triples`: df/dx = sum 2 t grad t, grad t = x_k e_j + x_j e_k + e_l.
Vec triples_gradient(const Vec& x) {
  Vec g = Vec::Zero(x.size());
  for (const auto& [j, k, l] : kTriples) {
    const double t = x[j] * x[k] + x[l];
    g[j] += 2.0 * t * x[k];
    g[k] += 2.0 * t * x[j];
    g[l] += 2.0 * t;
  }
  return g;
}

// The Hessian of `triples`: sum 2 grad t grad t^T + 2 t (e_j e_k^T + e_k e_j^T).
Mat triples_hessian(const Vec& x) {
  Mat h = Mat::Zero(x.size(), x.size());
  for (const auto& [j, k, l] : kTriples) {
    const double t = x[j] * x[k] + x[l];
    Vec grad_t = Vec::Zero(x.size());
    grad_t[j] += x[k];
    grad_t[k] += x[j];
    grad_t[l] += 1.0;
    h += 2.0 * grad_t * grad_t.transpose();
    h(j, k) += 2.0 * t;
    h(k, j) += 2.0 * t;
  }
  return h;
}

const Vec kAt = (Vec(5) << 0.7, -1.3, 0.4, 2.1, -0.6).finished();
const Vec kDirection = (Vec(5) << 0.3, 1.1, -0.8, 0.5, 2.0).finished();

TEST(AccumulatorTerms, IndicesEqualOnlyAtRunTimeGiveTheClosedFormGradient) {
  Vec grad;
  value_and_gradient(triples, kAt, grad);
  EXPECT_TRUE(grad.isApprox(triples_gradient(kAt), kExact)) << grad.transpose();
}

TEST(AccumulatorTerms, IndicesEqualOnlyAtRunTimeGiveTheClosedFormHessianVectorProduct) {
  const Vec hv = hessian_vector_product(triples, kAt, kDirection);
  EXPECT_TRUE(hv.isApprox(triples_hessian(kAt) * kDirection, kExact)) << hv.transpose();
}

// Rosenbrock with `const T` temporaries, the other form of bench/.
auto const_rosenbrock = [](const auto& x) {
  using T = std::decay_t<decltype(x[0])>;
  T sum = 0.0;
  for (Index i = 0; i + 1 < x.size(); ++i) {
    const T a = x[i + 1] - x[i] * x[i];
    const T b = 1.0 - x[i];
    sum += 100.0 * a * a + b * b;
  }
  return sum;
};

// H v for N-D Rosenbrock, from its tridiagonal Hessian.
Vec rosenbrock_hvp(const Vec& x, const Vec& v) {
  Vec hv = Vec::Zero(x.size());
  for (Index i = 0; i + 1 < x.size(); ++i) {
    const double hii = 2.0 + 1200.0 * x[i] * x[i] - 400.0 * x[i + 1];
    const double hij = -400.0 * x[i];
    hv[i] += hii * v[i] + hij * v[i + 1];
    hv[i + 1] += hij * v[i] + 200.0 * v[i + 1];
  }
  return hv;
}

TEST(AccumulatorTerms, HessianVectorProductsOfBothRosenbrockFormsAreTheClosedForm) {
  const Index n = 1001;
  const Vec x = Vec::LinSpaced(n, -1.2, 1.0);
  const Vec v = Vec::LinSpaced(n, 2.0, -0.5).array().sin().matrix();
  const Vec expected = rosenbrock_hvp(x, v);
  EXPECT_TRUE(hessian_vector_product(plain_rosenbrock, x, v).isApprox(expected, kExact));
  EXPECT_TRUE(hessian_vector_product(const_rosenbrock, x, v).isApprox(expected, kExact));
}

TEST(AccumulatorTerms, BothRosenbrockFormsGiveTheSameGradient) {
  const Vec x = Vec::LinSpaced(1001, -1.2, 1.0);
  Vec plain;
  Vec with_const;
  value_and_gradient(plain_rosenbrock, x, plain);
  value_and_gradient(const_rosenbrock, x, with_const);
  EXPECT_TRUE(plain.isApprox(with_const, kExact));
}

}  // namespace
}  // namespace descent::autodiff
