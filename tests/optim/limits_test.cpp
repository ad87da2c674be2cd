// Work limits of the minimize driver: the step budget is bounded, and a trace kept for a
// picture stays bounded for any number of steps while keeping the last point.
#include <string>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/optim/minimize.hpp"
#include "descent/optim/objectives.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::optim {
namespace {

// f(x) = x: the gradient is never small, so a run takes every step it is given.
Objective slope() {
  Objective o;
  o.value_grad = [](const Vec& x, Vec* g) {
    if (g) *g = Vec::Ones(1);
    return x[0];
  };
  return o;
}

TEST(TraceLimit, KeepsAtMostTheLimitPlusTheLastPoint) {
  auto gd = make_optimizer("gd(lr=0.001)");
  const RunSummary s = minimize(slope(), Vec::Zero(1), *gd, nullptr,
                                {.steps = 100'000, .tol = 0, .trace = true, .trace_limit = 100});
  ASSERT_EQ(s.steps, 100'000);
  EXPECT_LE(s.trace.size(), 101u);
  EXPECT_GE(s.trace.size(), 50u);
  EXPECT_EQ(s.trace.front().step, 0);
  EXPECT_EQ(s.trace.back().step, 100'000);
}

TEST(TraceLimit, KeptStepsAreEvenlySpaced) {
  auto gd = make_optimizer("gd(lr=0.001)");
  const RunSummary s = minimize(slope(), Vec::Zero(1), *gd, nullptr,
                                {.steps = 1000, .tol = 0, .trace = true, .trace_limit = 10});
  const std::int64_t stride = s.trace[1].step - s.trace[0].step;
  for (std::size_t i = 1; i + 1 < s.trace.size(); ++i) {
    EXPECT_EQ(s.trace[i].step, static_cast<std::int64_t>(i) * stride);
  }
}

TEST(TraceLimit, ZeroKeepsEveryStep) {
  auto gd = make_optimizer("gd(lr=0.001)");
  const RunSummary s =
      minimize(slope(), Vec::Zero(1), *gd, nullptr, {.steps = 500, .tol = 0, .trace = true});
  EXPECT_EQ(s.trace.size(), 501u);
}

TEST(StepBudget, PastTheLimitIsRefused) {
  auto gd = make_optimizer("gd");
  try {
    minimize(slope(), Vec::Zero(1), *gd, nullptr, {.steps = kMaxSteps + 1});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_usage);
    EXPECT_EQ(std::string(e.what()),
              "minimize: steps = 1000000000000001; must lie in [0, 1000000000000000]");
  }
}

}  // namespace
}  // namespace descent::optim
