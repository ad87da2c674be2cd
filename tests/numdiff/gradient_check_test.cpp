// The gradient checker passes right gradients and flags wrong ones, naming the coordinate.
#include "descent/numdiff/gradient_check.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace descent::numdiff {
namespace {

// Rosenbrock: grad = (-400 x (y - x^2) - 2 (1 - x), 200 (y - x^2)).
double rosenbrock(const Vec& v) {
  return 100.0 * std::pow(v[1] - v[0] * v[0], 2) + std::pow(1.0 - v[0], 2);
}
Vec rosenbrock_grad(const Vec& v) {
  return (Vec(2) << -400.0 * v[0] * (v[1] - v[0] * v[0]) - 2.0 * (1.0 - v[0]),
          200.0 * (v[1] - v[0] * v[0]))
      .finished();
}

TEST(GradientCheck, PassesTheRightGradient) {
  const Vec x = (Vec(2) << -1.2, 1.0).finished();
  const GradientCheckReport report = check_gradient(rosenbrock, rosenbrock_grad(x), x);
  EXPECT_TRUE(report.ok) << report.summary();
  EXPECT_EQ(report.coordinates.size(), 2u);
  EXPECT_LT(report.max_rel_error, 1e-8);
}

TEST(GradientCheck, PassesAtTheMinimumWhereTheGradientIsZero) {
  const Vec x = Vec::Ones(2);  // grad = 0; differences leave ~1e-8 truncation error
  EXPECT_TRUE(check_gradient(rosenbrock, rosenbrock_grad(x), x).ok);
}

TEST(GradientCheck, FlagsAWrongCoordinateAndNamesIt) {
  const Vec x = (Vec(2) << -1.2, 1.0).finished();
  Vec wrong = rosenbrock_grad(x);
  wrong[1] *= 1.001;  // off by 0.1%
  const GradientCheckReport report = check_gradient(rosenbrock, wrong, x);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.worst, 1);
  EXPECT_TRUE(report.coordinates[0].ok);
  EXPECT_FALSE(report.coordinates[1].ok);
  EXPECT_NEAR(report.coordinates[1].rel_error, 0.001 / 1.001, 1e-6);
  EXPECT_NE(report.summary({"x", "y"}).find("failed: worst y"), std::string::npos)
      << report.summary({"x", "y"});
}

TEST(GradientCheck, NanFails) {
  const Vec user = (Vec(1) << std::numeric_limits<double>::quiet_NaN()).finished();
  const Vec numerical = (Vec(1) << 1.0).finished();
  const GradientCheckReport report = compare_gradients(user, numerical);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.worst, 0);
}

TEST(GradientCheck, RelativeErrorUsesTheLargerMagnitude) {
  // |1000 - 1001| / 1001
  const Vec user = (Vec(1) << 1000.0).finished();
  const Vec numerical = (Vec(1) << 1001.0).finished();
  EXPECT_DOUBLE_EQ(compare_gradients(user, numerical).coordinates[0].rel_error, 1.0 / 1001.0);
}

}  // namespace
}  // namespace descent::numdiff

namespace descent::numdiff {
namespace {

TEST(GradientCheckNonFinite, ANanCountsAsAnInfiniteErrorNotAsZero) {
  const Vec user = (Vec(2) << 1.0, 2.0).finished();
  const Vec numerical = (Vec(2) << 1.0, std::numeric_limits<double>::quiet_NaN()).finished();
  const GradientCheckReport report = compare_gradients(user, numerical);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.worst, 1);
  EXPECT_TRUE(std::isinf(report.max_rel_error));
  EXPECT_TRUE(std::isinf(report.coordinates[1].rel_error));
}

}  // namespace
}  // namespace descent::numdiff
