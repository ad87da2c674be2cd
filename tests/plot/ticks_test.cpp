#include "descent/plot/ticks.hpp"

#include <gtest/gtest.h>

namespace descent::plot {
namespace {

TEST(Ticks, NiceStepIsOneTwoOrFiveTimesAPowerOfTen) {
  // span 10 / 6 ticks = 1.67 -> nearest of {1, 2, 5} in log terms is 2
  EXPECT_DOUBLE_EQ(nice_step(0.0, 10.0), 2.0);
  // span 4 / 6 = 0.67 -> 0.5
  EXPECT_DOUBLE_EQ(nice_step(-2.0, 2.0), 0.5);
  // span 3000 / 6 = 500
  EXPECT_DOUBLE_EQ(nice_step(0.0, 3000.0), 500.0);
}

TEST(Ticks, LinearTicksCoverTheRangeWithCleanLabels) {
  const auto ticks = linear_ticks(-2.0, 3.0, 5);  // step 1
  ASSERT_EQ(ticks.size(), 6u);
  EXPECT_EQ(ticks.front().label, "-2");
  EXPECT_EQ(ticks[2].label, "0");
  EXPECT_EQ(ticks.back().label, "3");
}

TEST(Ticks, DecimalLabelsHaveNoRoundingNoise) {
  const auto ticks = linear_ticks(0.0, 0.3, 3);  // step 0.1: 0.1 * 3 = 0.30000000000000004
  ASSERT_EQ(ticks.size(), 4u);
  EXPECT_EQ(ticks[3].label, "0.3");
  EXPECT_EQ(ticks[1].label, "0.1");
}

TEST(Ticks, NegativeZeroIsPrintedAsZero) {
  EXPECT_EQ(tick_label(-1e-17, 1.0), "0");
  EXPECT_EQ(tick_label(-1e-17, 0.5), "0.0");  // as many decimals as the step's labels
}

TEST(Ticks, LogTicksArePowersOfTenOverManyDecades) {
  const auto ticks = log_ticks(1e-3, 1e2);
  ASSERT_EQ(ticks.size(), 6u);
  EXPECT_DOUBLE_EQ(ticks.front().value, 1e-3);
  EXPECT_EQ(ticks.front().label, "10^-3");
  EXPECT_EQ(ticks.back().label, "10^2");
}

TEST(Ticks, LogTicksAddTwoAndFiveOverFewDecades) {
  const auto ticks = log_ticks(1.0, 100.0);  // 1 2 5 10 20 50 100
  ASSERT_EQ(ticks.size(), 7u);
  EXPECT_DOUBLE_EQ(ticks[1].value, 2.0);
  EXPECT_DOUBLE_EQ(ticks[5].value, 50.0);
}

TEST(Ticks, NiceLimitsWidenToTheStep) {
  double lo = 0.13, hi = 9.7;  // step 2 -> [0, 10]
  nice_limits(lo, hi);
  EXPECT_DOUBLE_EQ(lo, 0.0);
  EXPECT_DOUBLE_EQ(hi, 10.0);
}

}  // namespace
}  // namespace descent::plot
