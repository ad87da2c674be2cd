// Finite differences against closed forms.
#include "descent/numdiff/numdiff.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace descent::numdiff {
namespace {

// f(x, y) = x^2 y + sin(y): grad = (2xy, x^2 + cos y), H = [[2y, 2x], [2x, -sin y]].
double f(const Vec& v) { return v[0] * v[0] * v[1] + std::sin(v[1]); }
void f_grad(const Vec& v, Vec& g) {
  g.resize(2);
  g << 2.0 * v[0] * v[1], v[0] * v[0] + std::cos(v[1]);
}

TEST(Numdiff, CentralDerivativeOfExpAtOneIsAccurateTo1e9) {
  // d/dx e^x at 1 = e; central differences: truncation h^2 e / 6 + rounding eps e / h ~ 1e-10.
  const double d = derivative([](double x) { return std::exp(x); }, 1.0);
  EXPECT_NEAR(d, std::exp(1.0), 1e-9);
}

TEST(Numdiff, ForwardDerivativeIsLessAccurate) {
  // forward differences: error ~ h e / 2 + eps e / h ~ 1e-8 with h = sqrt(eps)
  const double d =
      derivative([](double x) { return std::exp(x); }, 1.0, {.scheme = Scheme::forward});
  EXPECT_NEAR(d, std::exp(1.0), 1e-7);
}

TEST(Numdiff, StepIsExactlyRepresentable) {
  const double x = 0.1;
  const double h = step_for(x);
  EXPECT_EQ((x + h) - x, h);
  EXPECT_NEAR(h, std::cbrt(2.220446049250313e-16), 1e-9);
  EXPECT_NEAR(step_for(1000.0) / 1000.0, std::cbrt(2.220446049250313e-16),
              1e-9);  // scales with |x|
}

TEST(Numdiff, GradientMatchesClosedForm) {
  const Vec x = (Vec(2) << 1.5, -0.7).finished();
  Vec exact;
  f_grad(x, exact);
  EXPECT_TRUE(gradient(f, x).isApprox(exact, 1e-9));
  EXPECT_TRUE(gradient(f, x, {.scheme = Scheme::forward}).isApprox(exact, 1e-6));
}

TEST(Numdiff, HessianFromGradientMatchesClosedFormAndIsSymmetric) {
  const Vec x = (Vec(2) << 1.5, -0.7).finished();
  const Mat expected = (Mat(2, 2) << 2 * x[1], 2 * x[0], 2 * x[0], -std::sin(x[1])).finished();
  const Mat hess = hessian(f_grad, x);
  EXPECT_TRUE(hess.isApprox(expected, 1e-9));
  EXPECT_EQ(hess(0, 1), hess(1, 0));
}

TEST(Numdiff, HessianFromValuesIsRoughlyRight) {
  const Vec x = (Vec(2) << 1.5, -0.7).finished();
  const Mat expected = (Mat(2, 2) << 2 * x[1], 2 * x[0], 2 * x[0], -std::sin(x[1])).finished();
  EXPECT_TRUE(hessian_from_values(f, x).isApprox(expected, 1e-5));
}

}  // namespace
}  // namespace descent::numdiff
