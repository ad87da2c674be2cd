// The minimize driver: stopping rules, divergence with the best point and advice, maximize,
// callbacks, traces, closure rules (Newton, Armijo, L-BFGS) and the objective adapters.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in Eigen AVX-512
#endif
#include "descent/optim/minimize.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "descent/core/error.hpp"
#include "descent/optim/objectives.hpp"
#include "descent/optim/problems.hpp"

namespace descent::optim {
namespace {

const Problem& problem(std::string_view name) { return *find_problem(name); }

TEST(Minimize, StopsWhenTheGradientIsSmall) {
  auto opt = make_optimizer("gd(lr=0.1)");
  const auto& p = problem("bowl");
  const RunSummary s = minimize(p.objective, p.start, *opt, nullptr, {.steps = 1000, .tol = 1e-6});
  EXPECT_EQ(s.reason, StopReason::converged);
  EXPECT_LE(s.grad_norm, 1e-6);
  EXPECT_LT(s.steps, 1000);
  EXPECT_EQ(s.evaluations, s.steps + 1);
}

// The loop compares the squared gradient norm with the largest square whose root is <= tol:
// the stop must fall exactly where ||grad|| <= tol does. Here ||grad|| = ||(3, 4)|| = 5 exactly.
TEST(Minimize, ConvergesExactlyWhenTheGradientNormEqualsTolAndNotJustBelowIt) {
  const Objective plane = formula_objective("3*x + 4*y", {"x", "y"});
  const Vec start = Vec::Constant(2, 1.0);
  auto opt = make_optimizer("gd(lr=0.1)");
  const RunSummary at = minimize(plane, start, *opt, nullptr, {.steps = 3, .tol = 5.0});
  EXPECT_EQ(at.reason, StopReason::converged);
  EXPECT_EQ(at.steps, 0);
  EXPECT_EQ(at.grad_norm, 5.0);
  opt->reset();
  const RunSummary below =
      minimize(plane, start, *opt, nullptr, {.steps = 3, .tol = std::nextafter(5.0, 0.0)});
  EXPECT_EQ(below.reason, StopReason::max_steps);
  EXPECT_EQ(below.steps, 3);
  EXPECT_EQ(below.grad_norm, 5.0);
}

TEST(Minimize, ZeroStepsReportsTheStart) {
  auto opt = make_optimizer("adam");
  const auto& p = problem("rosenbrock");
  const RunSummary s = minimize(p.objective, p.start, *opt, nullptr, {.steps = 0});
  EXPECT_EQ(s.reason, StopReason::max_steps);
  EXPECT_EQ(s.x, p.start);
  EXPECT_DOUBLE_EQ(s.f, 24.2);  // (1 + 1.2)^2 + 100 (1 - 1.44)^2 = 4.84 + 19.36
}

TEST(Minimize, DivergenceKeepsTheBestPointAndAdvises) {
  // x^2 with lr 1.1: |x| grows by 1.2 per step until it overflows.
  auto opt = make_optimizer("gd(lr=1.1)");
  const auto& p = problem("parabola");
  const RunSummary s = minimize(p.objective, p.start, *opt, nullptr, {.steps = 100000});
  EXPECT_EQ(s.reason, StopReason::diverged);
  EXPECT_EQ(s.best_step, 0);
  EXPECT_DOUBLE_EQ(s.best_f, 100.0);
  EXPECT_EQ(s.best_x[0], 10.0);
  EXPECT_NE(s.message.find("diverged at step"), std::string::npos) << s.message;
  EXPECT_NE(s.message.find("best f = 100 at step 0"), std::string::npos) << s.message;
  EXPECT_NE(s.message.find("try a smaller lr (e.g. lr=0.11)"), std::string::npos) << s.message;
}

TEST(Minimize, DriverMaximizeEqualsSpecMaximize) {
  // Ascending f = 1 - (x - 1)^2 - (y + 2)^2 from 0 with Adam, both ways.
  Objective hill;
  hill.value_grad = [](const Vec& x, Vec* g) {
    if (g) *g << -2 * (x[0] - 1), -2 * (x[1] + 2);
    return 1 - (x[0] - 1) * (x[0] - 1) - (x[1] + 2) * (x[1] + 2);
  };
  auto a = make_optimizer("adam(lr=0.05)");
  auto b = make_optimizer("adam(lr=0.05, maximize=true)");
  const RunSummary by_driver =
      minimize(hill, Vec::Zero(2), *a, nullptr, {.steps = 300, .maximize = true});
  const RunSummary by_spec = minimize(hill, Vec::Zero(2), *b, nullptr, {.steps = 300});
  EXPECT_EQ(by_driver.x, by_spec.x);
  EXPECT_NEAR(by_driver.x[0], 1.0, 1e-2);
  EXPECT_NEAR(by_driver.x[1], -2.0, 1e-2);
  EXPECT_GE(by_driver.best_f, by_driver.f);  // best is the highest
}

TEST(Minimize, CallbackCanStopTheRun) {
  auto opt = make_optimizer("gd(lr=0.01)");
  const auto& p = problem("bowl");
  std::int64_t calls = 0;
  const RunSummary s = minimize(p.objective, p.start, *opt, nullptr,
                                {.steps = 100, .on_step = [&](const StepInfo& info) {
                                   ++calls;
                                   return info.step < 5;
                                 }});
  EXPECT_EQ(s.reason, StopReason::stopped_by_callback);
  EXPECT_EQ(s.steps, 5);
  EXPECT_EQ(calls, 6);  // steps 0..5
}

TEST(Minimize, TraceRowsAreStartThenEveryUpdateWithItsLr) {
  auto opt = make_optimizer("gd(lr=0.1)");
  auto schedule = make_schedule("exponential(gamma=0.5)", opt->lr());
  const auto& p = problem("bowl");
  const RunSummary s = minimize(p.objective, p.start, *opt, schedule.get(),
                                {.steps = 3, .tol = 0, .trace = true});
  ASSERT_EQ(s.trace.size(), 4u);
  EXPECT_EQ(s.trace[0].x, p.start);
  EXPECT_DOUBLE_EQ(s.trace[0].lr, 0.1);   // the lr of update 1
  EXPECT_DOUBLE_EQ(s.trace[1].lr, 0.1);   // update 1 used 0.1
  EXPECT_DOUBLE_EQ(s.trace[2].lr, 0.05);  // then the schedule halved it
  EXPECT_DOUBLE_EQ(s.trace[3].lr, 0.025);
}

TEST(Minimize, RefusesAScheduleShorterThanTheBudgetBeforeTheFirstStep) {
  // onecycle takes total_steps = 100 schedule steps; a 500-step budget would break at step 101.
  auto opt = make_optimizer("sgd(lr=0.1, momentum=0.9)");
  auto schedule = make_schedule("onecycle(max_lr=0.1, total_steps=100)", opt->lr());
  const auto& p = problem("bowl");
  int calls = 0;
  try {
    minimize(p.objective, p.start, *opt, schedule.get(),
             {.steps = 500, .on_step = [&](const StepInfo&) { return ++calls > 0; }});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_usage);
    EXPECT_EQ(std::string(e.what()),
              "schedule onecycle ends after total_steps = 100 steps, but the run may take 500 "
              "steps; set total_steps=500 (or more) in the schedule, or take at most 100 steps "
              "(steps=100)");
  }
  EXPECT_EQ(calls, 0);
}

TEST(Minimize, RunsAScheduleToItsLastStep) {
  // steps == total_steps: the schedule's last step follows the last update (PyTorch's order).
  auto opt = make_optimizer("sgd(lr=0.1, momentum=0.9)");
  auto schedule = make_schedule("onecycle(max_lr=0.1, total_steps=100)", opt->lr());
  const auto& p = problem("bowl");
  const RunSummary s = minimize(p.objective, p.start, *opt, schedule.get(), {.steps = 100, .tol = 0});
  EXPECT_EQ(s.steps, 100);
  EXPECT_EQ(schedule->step_count(), 100);
}

TEST(Minimize, NewtonSolvesAQuadraticInOneStep) {
  auto opt = make_optimizer("newton");
  const auto& p = problem("ill_conditioned");
  const RunSummary s = minimize(p.objective, p.start, *opt, nullptr, {.steps = 5});
  EXPECT_EQ(s.reason, StopReason::converged);
  EXPECT_EQ(s.steps, 1);
  EXPECT_LT(s.x.norm(), 1e-14);
}

TEST(Minimize, NewtonOnASingularHessianStopsWithAdvice) {
  // f = x^4 at x = 0 has grad 0 (converged), so start at f = (x + y)^2 where H = [[2,2],[2,2]].
  Objective flat;
  flat.value_grad = [](const Vec& x, Vec* g) {
    if (g) g->setConstant(2 * (x[0] + x[1]));
    return (x[0] + x[1]) * (x[0] + x[1]);
  };
  flat.hessian = [](const Vec&, Mat& h) { h = Mat::Constant(2, 2, 2.0); };
  auto opt = make_optimizer("newton");
  Vec x0(2);
  x0 << 1.0, 2.0;
  const RunSummary s = minimize(flat, x0, *opt, nullptr, {.steps = 5});
  EXPECT_EQ(s.reason, StopReason::no_progress);
  EXPECT_NE(s.message.find("singular"), std::string::npos) << s.message;
  EXPECT_NE(s.message.find("damping"), std::string::npos) << s.message;
  auto damped = make_optimizer("newton(damping=1)");
  EXPECT_NE(minimize(flat, x0, *damped, nullptr, {.steps = 5}).reason, StopReason::no_progress);
}

TEST(Minimize, NewtonWithoutHessianIsAUsageError) {
  Objective no_hessian = problem("bowl").objective;
  no_hessian.hessian = nullptr;
  auto opt = make_optimizer("newton");
  EXPECT_THROW(minimize(no_hessian, Vec::Ones(2), *opt), Error);
}

TEST(Minimize, ArmijoBacktracksFromLrOne) {
  // 3x^2 + y^2 from (1,1), g = (6, 2), |g|^2 = 40. t = 1: f(-5, -1) = 76 > 4 - 1e-4*40: reject;
  // t = 0.5: f(-2, 0) = 12: reject; t = 0.25: f(-0.5, 0.5) = 1 <= 4 - 0.001: accept.
  auto opt = make_optimizer("gd(line_search=armijo)");
  const auto& p = problem("bowl");
  const RunSummary s = minimize(p.objective, p.start, *opt, nullptr, {.steps = 1, .tol = 0});
  EXPECT_DOUBLE_EQ(s.x[0], -0.5);
  EXPECT_DOUBLE_EQ(s.x[1], 0.5);
  EXPECT_EQ(s.evaluations, 2 + 3);  // driver: start and end; line search: three trials
}

TEST(Minimize, ArmijoReportsAFailedLineSearch) {
  // A wrong gradient (pointing uphill) can never give sufficient decrease.
  Objective wrong;
  wrong.value_grad = [](const Vec& x, Vec* g) {
    if (g) *g = -2 * x;
    return x.squaredNorm();
  };
  auto opt = make_optimizer("gd(line_search=armijo, max_backtracks=10)");
  const RunSummary s = minimize(wrong, Vec::Ones(2), *opt, nullptr, {.steps = 5});
  EXPECT_EQ(s.reason, StopReason::line_search_failed);
  EXPECT_NE(s.message.find("line search"), std::string::npos);
}

TEST(Minimize, LbfgsReachesRosenbrocksMinimum) {
  auto opt = make_optimizer("lbfgs(line_search_fn=strong_wolfe, tolerance_change=1e-14)");
  const auto& p = problem("rosenbrock");
  const RunSummary s = minimize(p.objective, p.start, *opt, nullptr, {.steps = 20, .tol = 1e-6});
  EXPECT_LT((s.x - Vec::Ones(2)).norm(), 1e-6) << s.message;
}

TEST(Minimize, FormulaAndAutodiffObjectivesGiveTheSameRun) {
  const Objective formula = formula_objective("(1 - x)^2 + 100*(y - x^2)^2", {"x", "y"});
  const Objective lambda = autodiff_objective([](const auto& v) {
    auto a = 1.0 - v[0];
    auto b = v[1] - v[0] * v[0];
    return a * a + 100.0 * b * b;
  });
  auto a = make_optimizer("adam(lr=0.01)");
  auto b = make_optimizer("adam(lr=0.01)");
  const Vec x0 = problem("rosenbrock").start;
  const RunSummary ra = minimize(formula, x0, *a, nullptr, {.steps = 200});
  const RunSummary rb = minimize(lambda, x0, *b, nullptr, {.steps = 200});
  EXPECT_LT((ra.x - rb.x).norm(), 1e-12);
}

TEST(Minimize, BadOptionsAreUsageErrors) {
  auto opt = make_optimizer("gd");
  const auto& p = problem("bowl");
  EXPECT_THROW(minimize(p.objective, p.start, *opt, nullptr, {.steps = -1}), Error);
  EXPECT_THROW(minimize(p.objective, p.start, *opt, nullptr, {.tol = -1}), Error);
  EXPECT_THROW(minimize(p.objective, Vec(), *opt), Error);
}

}  // namespace
}  // namespace descent::optim
