// Gradients, Hessian-vector products and Hessians of generic lambdas against closed forms.
#include "descent/autodiff/gradient.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <thread>

namespace descent::autodiff {
namespace {

constexpr double kTol = 1e-12;  // exact derivatives, rounding only

// Rosenbrock in n dimensions: sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, generic in the scalar.
auto rosenbrock = [](const auto& x) {
  using T = std::decay_t<decltype(x[0])>;
  T sum = 0.0;
  for (Index i = 0; i + 1 < x.size(); ++i) {
    const T a = x[i + 1] - x[i] * x[i];
    const T b = 1.0 - x[i];
    sum += 100.0 * a * a + b * b;
  }
  return sum;
};

// Closed forms (2-D): grad = (-400 x (y - x^2) - 2 (1 - x), 200 (y - x^2)),
// H = [[1200 x^2 - 400 y + 2, -400 x], [-400 x, 200]].
Vec rosenbrock_grad(double x, double y) {
  return (Vec(2) << -400.0 * x * (y - x * x) - 2.0 * (1.0 - x), 200.0 * (y - x * x)).finished();
}
Mat rosenbrock_hessian(double x, double y) {
  return (Mat(2, 2) << 1200.0 * x * x - 400.0 * y + 2.0, -400.0 * x, -400.0 * x, 200.0).finished();
}

TEST(Gradient, CourseExampleAtOnes) {
  // f(x,y,z) = 3x^2 y + zy - x: grad = (6xy - 1, 3x^2 + z, y) = (5, 4, 1) at (1,1,1).
  auto f = [](const auto& v) { return 3.0 * v[0] * v[0] * v[1] + v[2] * v[1] - v[0]; };
  const Vec x = Vec::Ones(3);
  Vec grad;
  const double fx = value_and_gradient(f, x, grad);
  EXPECT_EQ(fx, 3.0);
  EXPECT_EQ(grad, Vec((Vec(3) << 5.0, 4.0, 1.0).finished()));
}

TEST(Gradient, RosenbrockMatchesClosedForm) {
  const Vec x = (Vec(2) << -1.2, 1.0).finished();
  Vec grad;
  const double fx = value_and_gradient(rosenbrock, x, grad);
  EXPECT_NEAR(fx, 24.2, kTol * 24.2);  // 100 (1 - 1.44)^2 + 2.2^2
  EXPECT_TRUE(grad.isApprox(rosenbrock_grad(-1.2, 1.0), kTol));
}

TEST(Gradient, SameLambdaEvaluatesWithPlainDoubles) {
  const Vec x = (Vec(2) << -1.2, 1.0).finished();
  EXPECT_NEAR(value(rosenbrock, x), 24.2, 1e-12);
}

TEST(HessianVectorProduct, RosenbrockMatchesClosedForm) {
  const Vec x = (Vec(2) << 0.5, -0.3).finished();
  const Vec v = (Vec(2) << 0.7, -1.9).finished();
  Vec hv, grad;
  value_gradient_hvp(rosenbrock, x, v, hv, &grad);
  EXPECT_TRUE(hv.isApprox(rosenbrock_hessian(0.5, -0.3) * v, kTol));
  EXPECT_TRUE(grad.isApprox(rosenbrock_grad(0.5, -0.3), kTol));
}

TEST(Hessian, RosenbrockMatchesClosedForm) {
  const Vec x = (Vec(2) << -1.2, 1.0).finished();
  const Mat hess = hessian(rosenbrock, x);
  EXPECT_TRUE(hess.isApprox(rosenbrock_hessian(-1.2, 1.0), kTol));
}

TEST(Hessian, HigherDimensionalRosenbrockIsTridiagonal) {
  const Vec x = Vec::LinSpaced(5, -1.0, 1.0);
  const Mat hess = hessian(rosenbrock, x);
  for (Index i = 0; i < 5; ++i) {
    for (Index j = 0; j < 5; ++j) {
      if (std::abs(i - j) > 1) {
        EXPECT_EQ(hess(i, j), 0.0);
      }
    }
  }
  // d2f/dx_i dx_{i+1} = -400 x_i
  EXPECT_NEAR(hess(1, 2), -400.0 * x[1], kTol);
}

TEST(Gradient, NestedDerivativeUsesItsOwnTape) {
  // g(y) = y * f'(y) where f(x) = x^3 and f' is computed inside: g(2) = 2 * 12 = 24.
  auto inner = [](const Var& x) { return x * x * x; };
  auto outer = [&](const auto& v) {
    const double slope = derivative(inner, value_of(v[0]));
    return v[0] * slope;
  };
  const Vec y = (Vec(1) << 2.0).finished();
  Vec grad;
  EXPECT_EQ(value_and_gradient(outer, y, grad), 24.0);
  EXPECT_EQ(grad[0], 12.0);  // slope is a constant to the outer tape
}

TEST(Gradient, ConstantFunctionHasZeroGradient) {
  auto f = [](const auto&) { return Var(4.0); };
  const Vec x = Vec::Ones(3);
  EXPECT_EQ(gradient(f, x), Vec::Zero(3));
}

TEST(Gradient, TapeIsReusedBetweenCalls) {
  const Vec x = Vec::LinSpaced(100, -1.0, 1.0);
  Vec grad;
  value_and_gradient(rosenbrock, x, grad);
  std::size_t nodes = 0;
  {
    TapeSession<double> session;
    nodes = session.tape().size();  // cleared, but the same thread-local tape
  }
  EXPECT_EQ(nodes, 1u);
  const Vec first = grad;
  value_and_gradient(rosenbrock, x, grad);
  EXPECT_EQ(grad, first);
}

TEST(Gradient, ThreadsRecordOnTheirOwnTapes) {
  const Vec x = Vec::LinSpaced(50, -1.0, 1.0);
  const Vec expected = gradient(rosenbrock, x);
  Vec in_thread[2];
  std::thread a([&] {
    for (int k = 0; k < 20; ++k) in_thread[0] = gradient(rosenbrock, x);
  });
  std::thread b([&] {
    for (int k = 0; k < 20; ++k) in_thread[1] = gradient(rosenbrock, x);
  });
  a.join();
  b.join();
  EXPECT_EQ(in_thread[0], expected);
  EXPECT_EQ(in_thread[1], expected);
}

TEST(Gradient, AnExceptionInTheFunctionLeavesTheTapeUsable) {
  const Vec x = Vec::Ones(2);
  auto throws = [](const auto& v) -> std::decay_t<decltype(v[0])> {
    throw std::runtime_error("user error");
  };
  EXPECT_THROW(gradient(throws, x), std::runtime_error);
  EXPECT_EQ(gradient(rosenbrock, x), Vec::Zero(2));  // (1, 1) is the minimum
}

TEST(MakeObjective, GivesValueGradientAndHessian) {
  const Objective objective = make_objective(rosenbrock);
  const Vec x = (Vec(2) << -1.2, 1.0).finished();
  Vec grad;
  EXPECT_NEAR(objective.value_grad(x, nullptr), 24.2, 1e-12);
  EXPECT_NEAR(objective.value_grad(x, &grad), 24.2, 1e-12);
  EXPECT_TRUE(grad.isApprox(rosenbrock_grad(-1.2, 1.0), kTol));
  Mat hess;
  objective.hessian(x, hess);
  EXPECT_TRUE(hess.isApprox(rosenbrock_hessian(-1.2, 1.0), kTol));
}

}  // namespace
}  // namespace descent::autodiff
