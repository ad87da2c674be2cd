#include "descent/plot/contour.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace descent::plot {
namespace {

Grid sample_xy(double (*f)(double, double), double lo, double hi, std::size_t n) {
  return Grid::sample(
      [f](const double* p, std::size_t count, double* out) {
        for (std::size_t k = 0; k < count; ++k) out[k] = f(p[2 * k], p[2 * k + 1]);
      },
      lo, hi, lo, hi, n, n);
}

double bowl(double x, double y) { return x * x + y * y; }
double rosenbrock(double x, double y) { return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x); }
double saddle(double x, double y) { return x * y; }

TEST(Grid, SampleVisitsEveryNodeRowByRow) {
  const Grid g = sample_xy(bowl, -1.0, 1.0, 3);  // nodes at -1, 0, 1
  ASSERT_EQ(g.values.size(), 9u);
  EXPECT_DOUBLE_EQ(g.at(0, 0), 2.0);  // (-1, -1)
  EXPECT_DOUBLE_EQ(g.at(1, 1), 0.0);  // (0, 0)
  EXPECT_DOUBLE_EQ(g.at(2, 1), 1.0);  // (1, 0)
}

TEST(Grid, InterpolationIsExactForBilinearFunctions) {
  // f = x*y is bilinear, so bilinear interpolation reproduces it anywhere.
  const Grid g = sample_xy(saddle, -2.0, 2.0, 5);
  EXPECT_NEAR(g.interpolate(0.3, -1.7), 0.3 * -1.7, 1e-12);
}

TEST(MarchingSquares, UnitCircleIsOneClosedLoopOfRadiusOne) {
  const Grid g = sample_xy(bowl, -2.0, 2.0, 81);
  const auto lines = trace_contour(g, 1.0);
  ASSERT_EQ(lines.size(), 1u);
  const Polyline& loop = lines.front();
  ASSERT_GT(loop.size(), 20u);
  EXPECT_DOUBLE_EQ(loop.front().x, loop.back().x);  // closed
  EXPECT_DOUBLE_EQ(loop.front().y, loop.back().y);
  // Linear interpolation of r^2 along a cell edge of h = 0.05 errs by at most h^2 / 4 in r^2.
  for (const auto& p : loop) EXPECT_NEAR(std::hypot(p.x, p.y), 1.0, 1e-3);
}

TEST(MarchingSquares, LevelOutsideTheValuesDrawsNothing) {
  const Grid g = sample_xy(bowl, -1.0, 1.0, 11);
  EXPECT_TRUE(trace_contour(g, 5.0).empty());
  EXPECT_TRUE(trace_contour(g, -1.0).empty());
}

TEST(MarchingSquares, SaddleLevelGivesTwoOpenBranches) {
  const Grid g = sample_xy(saddle, -1.0, 1.0, 20);  // even count: no node on the axes
  const auto lines = trace_contour(g, 0.25);         // the hyperbola xy = 1/4: two branches
  ASSERT_EQ(lines.size(), 2u);
  for (const auto& line : lines) {
    for (const auto& p : line) EXPECT_NEAR(p.x * p.y, 0.25, 0.01);
  }
}

TEST(ContourLevels, RosenbrockGetsLogarithmicLevelsThatReachIntoTheValley) {
  const Grid g = sample_xy(rosenbrock, -2.0, 2.0, 101);
  const auto levels = contour_levels(g.values, 20);
  ASSERT_EQ(levels.size(), 20u);
  // The values span 0 .. ~3600; with log spacing the lowest level sits far below 1% of that.
  EXPECT_LT(levels.front(), 1.0);
  EXPECT_GT(levels[1] / levels[0], 1.2);
  EXPECT_NEAR(levels[2] / levels[1], levels[11] / levels[10], 0.5);  // geometric-ish
}

TEST(ContourLevels, QuadraticGetsEvenlySpacedLevels) {
  const Grid g = sample_xy(bowl, -1.0, 1.0, 51);
  const auto levels = contour_levels(g.values, 4);  // range [0, 2]: 0.4 0.8 1.2 1.6
  ASSERT_EQ(levels.size(), 4u);
  EXPECT_NEAR(levels[0], 0.4, 1e-12);
  EXPECT_NEAR(levels[3], 1.6, 1e-12);
}

TEST(ContourLevels, ConstantGridHasNoLevels) {
  EXPECT_TRUE(contour_levels(std::vector<double>(10, 3.0), 5).empty());
}

}  // namespace
}  // namespace descent::plot
