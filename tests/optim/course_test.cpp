// The course examples (docs/architecture.md), with plain C++ objectives: every number is
// hand-worked in the comment above its test (gd on a quadratic multiplies each coordinate by 1 - 2 c lr).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in Eigen AVX-512
#endif
#include <gtest/gtest.h>

#include "descent/optim/minimize.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/optim/problems.hpp"

namespace descent::optim {
namespace {

constexpr double kPrinted = 5e-7;  // the course prints 6 decimals

RunSummary run(std::string_view problem, std::string_view optimizer, std::int64_t steps,
               bool trace = false) {
  const Problem* p = find_problem(problem);
  EXPECT_NE(p, nullptr);
  auto opt = make_optimizer(optimizer);
  return minimize(p->objective, p->start, *opt, nullptr,
                  {.steps = steps, .tol = 0.0, .trace = trace});
}

TEST(Course, BowlTwoGdStepsAreHandWorked) {
  // f = 3x^2 + y^2 from (1, 1), lr 0.1: x <- x - 0.1 * 6x = 0.4x, y <- y - 0.1 * 2y = 0.8y.
  const RunSummary s = run("bowl", "gd(lr=0.1)", 2, /*trace=*/true);
  ASSERT_EQ(s.trace.size(), 3u);
  EXPECT_NEAR(s.trace[1].x[0], 0.4, 1e-15);
  EXPECT_NEAR(s.trace[1].x[1], 0.8, 1e-15);
  EXPECT_NEAR(s.trace[2].x[0], 0.16, 1e-15);
  EXPECT_NEAR(s.trace[2].x[1], 0.64, 1e-15);
}

TEST(Course, ParabolaTenStepsForThreeLearningRates) {
  // f = x^2 from 10: x_10 = 10 (1 - 2 lr)^10 = 10 * 0.6^10, 10 * 0.9^10, 10 * (-1.2)^10.
  EXPECT_NEAR(run("parabola", "gd(lr=0.2)", 10).x[0], 0.060466, kPrinted);
  EXPECT_NEAR(run("parabola", "gd(lr=0.05)", 10).x[0], 3.486784, kPrinted);
  EXPECT_NEAR(run("parabola", "gd(lr=1.1)", 10).x[0], 61.917364, kPrinted);
}

TEST(Course, EllipseTwentyGdSteps) {
  // f = x1^2 + 2 x2^2 from (-5, -2), lr 0.1: (-5 * 0.8^20, -2 * 0.6^20).
  const RunSummary s = run("ellipse", "gd(lr=0.1)", 20);
  EXPECT_NEAR(s.x[0], -0.057646, kPrinted);
  EXPECT_NEAR(s.x[1], -0.000073, kPrinted);
}

TEST(Course, ValleyGdLr04) {
  // f = 0.1 x1^2 + 2 x2^2, lr 0.4: (-5 * 0.92^20, -2 * (-0.6)^20).
  const RunSummary s = run("valley", "gd(lr=0.4)", 20);
  EXPECT_NEAR(s.x[0], -0.943467, kPrinted);
  EXPECT_NEAR(s.x[1], -0.000073, kPrinted);
}

TEST(Course, ValleyGdLr06DivergesAlongX2) {
  // lr 0.6: (-5 * 0.88^20, -2 * (-1.4)^20): x2 grows but stays finite, so the budget runs out.
  const RunSummary s = run("valley", "gd(lr=0.6)", 20);
  EXPECT_NEAR(s.x[0], -0.387814, kPrinted);
  EXPECT_NEAR(s.x[1], -1673.365109, kPrinted);
  EXPECT_EQ(s.reason, StopReason::max_steps);
  EXPECT_EQ(s.best_step, 0);  // f only grew
}

TEST(Course, ValleyMomentum) {
  // PyTorch's heavy ball b = 0.5 b + g, x = x - 0.6 b, 20 steps (the course's printed result).
  const RunSummary s = run("valley", "momentum(lr=0.6, momentum=0.5)", 20);
  EXPECT_NEAR(s.x[0], 0.007188, kPrinted);
  EXPECT_NEAR(s.x[1], 0.002553, kPrinted);
}

TEST(Course, AdamDefaultsArePyTorchs) {
  EXPECT_EQ(make_optimizer("adam")->spec(),
            "adam(lr=0.001, betas=[0.9, 0.999], eps=1e-08, weight_decay=0, amsgrad=false, "
            "decoupled_weight_decay=false, maximize=false)");
}

TEST(Course, AdamFirstStepMovesEachCoordinateByLr) {
  // Bias-corrected: m_hat = g, v_hat = g^2, so x1 = x0 - lr * g / (|g| + eps) ~ x0 - lr sign(g).
  const RunSummary s = run("bowl", "adam", 1);
  EXPECT_NEAR(s.x[0], 1.0 - 0.001, 1e-10);
  EXPECT_NEAR(s.x[1], 1.0 - 0.001, 1e-10);
}

}  // namespace
}  // namespace descent::optim
