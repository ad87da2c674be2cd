// Option ranges beyond PyTorch's own checks, where a value it accepts ascends or breaks the
// rule: each refused with the rule, the key, the value and the range (bad_usage, exit 2).
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/optim/schedule.hpp"
#include "descent/optim/second_order.hpp"

namespace descent::optim {
namespace {

template <class Make>
std::string error_of(Make make) {
  try {
    make();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_usage);
    return e.what();
  }
  return "no error";
}

std::string optimizer_error(std::string_view spec) {
  return error_of([&] { make_optimizer(spec); });
}
std::string schedule_error(std::string_view spec) {
  return error_of([&] { make_schedule(spec, 0.1, 100); });
}

TEST(OptimizerRanges, RmspropAlphaAboveOneIsRefused) {
  EXPECT_EQ(optimizer_error("rmsprop(alpha=1.5)"), "rmsprop: alpha = 1.5; must lie in [0, 1]");
}

TEST(OptimizerRanges, NegativeNewtonDampingIsRefused) {
  EXPECT_EQ(optimizer_error("newton(damping=-1)"), "newton: damping = -1; must be >= 0");
}

TEST(OptimizerRanges, SgdDampeningOutsideTheUnitIntervalIsRefused) {
  EXPECT_EQ(optimizer_error("momentum(dampening=2)"),
            "momentum: dampening = 2; must lie in [0, 1]");
}

TEST(OptimizerRanges, LbfgsHistorySizeIsBounded) {
  EXPECT_EQ(optimizer_error("lbfgs(history_size=1e12)"),
            "lbfgs: history_size = 1000000000000; must lie in [1, 10000]");
}

TEST(OptimizerRanges, ArmijoBacktracksAreBounded) {
  EXPECT_EQ(optimizer_error("gd(line_search=armijo, max_backtracks=1e9)"),
            "gd: max_backtracks = 1000000000; must lie in [1, 1000]");
}

TEST(OptimizerRanges, NewtonRefusesMoreVariablesThanADenseHessianAllows) {
  auto newton = make_optimizer("newton");
  Objective objective;
  objective.value_grad = [](const Vec&, Vec*) { return 0.0; };
  objective.hessian = [](const Vec&, Mat&) { FAIL() << "the Hessian must not be computed"; };
  Vec x = Vec::Zero(kMaxNewtonVariables + 1);
  const Vec g = Vec::Ones(x.size());
  EXPECT_NE(error_of([&] { newton->step(x, 0.0, g, objective); }).find("at most 1000"),
            std::string::npos);
}

TEST(ScheduleRanges, NegativeCosineEtaMinIsRefused) {
  EXPECT_EQ(schedule_error("cosine(eta_min=-1)"),
            "cosine: eta_min = -1; must be a finite number >= 0");
}

TEST(ScheduleRanges, NegativePolynomialPowerIsRefused) {
  EXPECT_EQ(schedule_error("polynomial(power=-1)"),
            "polynomial: power = -1; must be a finite number >= 0");
}

TEST(ScheduleRanges, NegativePiecewiseLrIsRefused) {
  EXPECT_EQ(schedule_error("piecewise(milestones=[10], values=[0.1, -0.1])"),
            "piecewise: values has -0.1; every lr must be a finite number >= 0");
}

TEST(ScheduleRanges, OnecycleMomentumOutsideTheUnitIntervalIsRefused) {
  EXPECT_EQ(schedule_error("onecycle(max_lr=1, base_momentum=1.5)"),
            "onecycle: base_momentum = 1.5; must lie in [0, 1)");
}

}  // namespace
}  // namespace descent::optim
