// The minimize driver's ftol, xtol and max_time stops, the stop reason a failing rule gives, and
// the point schedule-free rules report (x, the average, evaluated there).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in Eigen AVX-512
#endif
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "descent/core/error.hpp"
#include "descent/optim/minimize.hpp"
#include "descent/optim/problems.hpp"

namespace descent::optim {
namespace {

const Problem& problem(std::string_view name) { return *find_problem(name); }

// x^2 from 10 with gd(lr=0.1): every step multiplies x by 0.8 and f by 0.64.
RunSummary parabola(const MinimizeOptions& options) {
  auto opt = make_optimizer("gd(lr=0.1)");
  const auto& p = problem("parabola");
  return minimize(p.objective, p.start, *opt, nullptr, options);
}

TEST(Stopping, FtolStopsWhenTheRelativeChangeOfFIsSmall) {
  // |f_k - f_k+1| = 0.36 f_k, and max(|f_k|, |f_k+1|, 1) = 1 once f_k < 1: the first update
  // with 0.36 f_k <= 0.01, f_k = 100 * 0.64^k <= 0.0278, is k = 19 -> 20.
  const RunSummary s = parabola({.steps = 1000, .tol = 0.0, .ftol = 0.01});
  EXPECT_EQ(s.reason, StopReason::ftol);
  EXPECT_EQ(s.steps, 20);
  EXPECT_NE(s.message.find("ftol"), std::string::npos) << s.message;
}

TEST(Stopping, XtolStopsWhenTheStepIsSmallRelativeToX) {
  // The step is 0.2 |x_k|, and 0.2 |x| <= 0.25 (0.25 + |x|) always: the first update stops.
  const RunSummary s = parabola({.steps = 1000, .tol = 0.0, .xtol = 0.25});
  EXPECT_EQ(s.reason, StopReason::xtol);
  EXPECT_EQ(s.steps, 1);
}

TEST(Stopping, XtolWaitsUntilTheStepIsSmall) {
  // 0.2 |x| <= 0.1 (0.1 + |x|) <=> |x| <= 0.1: x_k = 10 * 0.8^k <= 0.1 first at k = 21 -> 22.
  const RunSummary s = parabola({.steps = 1000, .tol = 0.0, .xtol = 0.1});
  EXPECT_EQ(s.reason, StopReason::xtol);
  EXPECT_EQ(s.steps, 22);
}

TEST(Stopping, TheGradientTestComesBeforeFtol) {
  const RunSummary s = parabola({.steps = 1000, .tol = 1.0, .ftol = 1e-3});
  EXPECT_EQ(s.reason, StopReason::converged);
}

TEST(Stopping, ZeroTolerancesAreOff) {
  const RunSummary s = parabola({.steps = 50, .tol = 0.0});
  EXPECT_EQ(s.reason, StopReason::max_steps);
  EXPECT_EQ(s.steps, 50);
}

TEST(Stopping, MaxTimeStopsWithItsOwnReason) {
  // A nanosecond has passed by the first check, before any update.
  const RunSummary s = parabola({.steps = 1000, .tol = 0.0, .max_time = 1e-9});
  EXPECT_EQ(s.reason, StopReason::time_limit);
  EXPECT_EQ(s.steps, 0);
  EXPECT_NE(s.message.find("max_time"), std::string::npos) << s.message;
}

TEST(Stopping, NegativeOrNonFiniteTolerancesAreRefused) {
  for (const MinimizeOptions& o : {MinimizeOptions{.ftol = -1.0}, MinimizeOptions{.xtol = NAN},
                                   MinimizeOptions{.max_time = INFINITY}}) {
    EXPECT_THROW(parabola(o), Error);
  }
}

TEST(Stopping, AFailedArmijoSearchStopsAsALineSearchFailure) {
  // A gradient that points uphill: no step along -g decreases f.
  Objective wrong;
  wrong.value_grad = [](const Vec& x, Vec* g) {
    if (g) *g = -2 * x;
    return x.squaredNorm();
  };
  auto opt = make_optimizer("gd(line_search=armijo, max_backtracks=5)");
  const RunSummary s = minimize(wrong, Vec::Ones(2), *opt, nullptr, {.steps = 10});
  EXPECT_EQ(s.reason, StopReason::line_search_failed);
}

TEST(Stopping, ScheduleFreeRulesReportTheAveragedPointEvaluatedThere) {
  const auto& p = problem("rosenbrock");
  for (const char* spec : {"adamw_schedulefree(lr=0.01)", "sgd_schedulefree(lr=0.0005)"}) {
    SCOPED_TRACE(spec);
    auto opt = make_optimizer(spec);
    const RunSummary s =
        minimize(p.objective, p.start, *opt, nullptr, {.steps = 50, .tol = 0.0, .trace = true});
    Vec grad(2);
    EXPECT_EQ(s.f, p.objective.value_grad(s.x, &grad));
    EXPECT_EQ(s.grad_norm, grad.norm());
    EXPECT_NE(s.x, s.trace.back().x);  // the trace holds y, where gradients were taken
    EXPECT_EQ(s.evaluations, 52);      // 51 at y, one at x
  }
}

TEST(Stopping, ASecondMinimizeContinuesAScheduleFreeRunBitForBit) {
  const auto& p = problem("rosenbrock");
  auto whole = make_optimizer("adamw_schedulefree(lr=0.01)");
  const RunSummary all = minimize(p.objective, p.start, *whole, nullptr, {.steps = 30, .tol = 0.0});
  auto part = make_optimizer("adamw_schedulefree(lr=0.01)");
  const RunSummary first =
      minimize(p.objective, p.start, *part, nullptr, {.steps = 10, .tol = 0.0});
  const RunSummary rest = minimize(p.objective, first.x, *part, nullptr, {.steps = 20, .tol = 0.0});
  EXPECT_EQ(rest.x, all.x);
}

}  // namespace
}  // namespace descent::optim
