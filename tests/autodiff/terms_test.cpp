// The terms a value carries (basic_var.hpp): a second term is taken without a branch on whether
// its index equals the first's, so terms whose indices are equal only at run time (x[j] * x[k]
// with j == k) must still add up exactly; a third merges or evicts a repeated index, else the
// value becomes a statement. Gradients and Hessian-vector products against closed forms.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "descent/autodiff/gradient.hpp"

namespace descent::autodiff {
namespace {

constexpr double kExact = 1e-13;  // the same formulas, summed in another order

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

TEST(Terms, IndicesEqualOnlyAtRunTimeGiveTheClosedFormGradient) {
  Vec grad;
  value_and_gradient(triples, kAt, grad);
  EXPECT_TRUE(grad.isApprox(triples_gradient(kAt), kExact)) << grad.transpose();
}

TEST(Terms, IndicesEqualOnlyAtRunTimeGiveTheClosedFormHessianVectorProduct) {
  const Vec hv = hessian_vector_product(triples, kAt, kDirection);
  EXPECT_TRUE(hv.isApprox(triples_hessian(kAt) * kDirection, kExact)) << hv.transpose();
}

// Rosenbrock in the two forms of bench/: the plain loop and `const T` temporaries.
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

TEST(Terms, HessianVectorProductsOfBothRosenbrockFormsAreTheClosedForm) {
  const Index n = 1001;
  const Vec x = Vec::LinSpaced(n, -1.2, 1.0);
  const Vec v = Vec::LinSpaced(n, 2.0, -0.5).array().sin().matrix();
  const Vec expected = rosenbrock_hvp(x, v);
  EXPECT_TRUE(hessian_vector_product(plain_rosenbrock, x, v).isApprox(expected, kExact));
  EXPECT_TRUE(hessian_vector_product(const_rosenbrock, x, v).isApprox(expected, kExact));
}

TEST(Terms, BothRosenbrockFormsGiveTheSameGradient) {
  const Vec x = Vec::LinSpaced(1001, -1.2, 1.0);
  Vec plain;
  Vec with_const;
  value_and_gradient(plain_rosenbrock, x, plain);
  value_and_gradient(const_rosenbrock, x, with_const);
  EXPECT_TRUE(plain.isApprox(with_const, kExact));
}

}  // namespace
}  // namespace descent::autodiff
