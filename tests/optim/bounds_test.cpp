// Box constraints in the minimize driver: projection after every step, the projected gradient
// in the stopping test, and the checks on the box.
#include "descent/optim/bounds.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "descent/core/error.hpp"
#include "descent/optim/minimize.hpp"
#include "descent/optim/problems.hpp"

namespace descent::optim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Vec vec2(double a, double b) { return Vec(Eigen::Vector2d(a, b)); }

TEST(Bounds, ProjectionClampsEachCoordinate) {
  const Bounds box{vec2(0, -kInf), vec2(1, 2)};
  Vec x = vec2(-3, 5);
  project(box, x);
  EXPECT_EQ(x, vec2(0, 2));
}

TEST(Bounds, ProjectedGradientDropsComponentsPushingOutOfTheBox) {
  const Bounds box{vec2(0, 0), vec2(1, 1)};
  // at x = 0 on a lower bound, gradient +3 (descent goes below 0): dropped; y free: kept
  EXPECT_DOUBLE_EQ(projected_grad_norm(box, vec2(0, 0.5), vec2(3, 4), false), 4.0);
  // the same gradient pointing into the box is kept
  EXPECT_DOUBLE_EQ(projected_grad_norm(box, vec2(0, 0.5), vec2(-3, 4), false), 5.0);
}

TEST(Bounds, ProjectedGradientFlipsItsTestWhenAscending) {
  const Bounds box{vec2(0, 0), vec2(1, 1)};
  EXPECT_DOUBLE_EQ(projected_grad_norm(box, vec2(1, 0.5), vec2(3, 0), true), 0.0);
}

TEST(Bounds, CheckRefusesANaNBound) {
  EXPECT_THROW(check_bounds({vec2(0, NAN), vec2(1, 1)}, 2), Error);
}

TEST(Bounds, CheckRefusesLowerAboveUpper) {
  EXPECT_THROW(check_bounds({vec2(2, 0), vec2(1, 1)}, 2), Error);
}

TEST(Bounds, CheckRefusesAWrongSize) {
  EXPECT_THROW(check_bounds({Vec::Zero(3), Vec::Ones(3)}, 2), Error);
}

TEST(Bounds, MinimizeProjectsAStartOutsideTheBox) {
  const Problem& bowl = *find_problem("bowl");
  auto gd = make_optimizer("gd(lr=0.1)");
  MinimizeOptions options{.steps = 0};
  options.bounds = {vec2(0.5, -1), vec2(2, 0.25)};
  const RunSummary s = minimize(bowl.objective, vec2(5, 5), *gd, nullptr, options);
  EXPECT_EQ(s.x, vec2(2, 0.25));
}

TEST(Bounds, EveryOptimizerStaysInTheBoxAndConvergesToTheBoundaryMinimum) {
  // bowl 3x^2 + y^2 with x in [0.5, 2]: the minimum is (0.5, 0), on the boundary.
  const Problem& bowl = *find_problem("bowl");
  MinimizeOptions options{.steps = 20000, .tol = 1e-6, .trace = true, .trace_limit = 200};
  options.bounds = {vec2(0.5, -1), vec2(2, 1)};
  for (const std::string& name : optimizer_names()) {
    if (!make_optimizer(name)->supports_bounds()) continue;  // BoundsTest.ScheduleFree...
    const std::string spec = name == "gd" || name == "sgd" ? name + "(lr=0.1)"
                             : name == "momentum"          ? "momentum(lr=0.05)"
                             : name == "lbfgs"             ? "lbfgs(line_search_fn=strong_wolfe)"
                             : name == "adadelta"          ? "adadelta(lr=1)"
                             : name == "adagrad"           ? "adagrad(lr=0.5)"
                             : name == "newton" || name == "lbfgsb" ? name
                                                                    : name + "(lr=0.01)";
    auto optimizer = make_optimizer(spec);
    const RunSummary s = minimize(bowl.objective, bowl.start, *optimizer, nullptr, options);
    for (const auto& p : s.trace) ASSERT_TRUE(inside(options.bounds, p.x)) << spec;
    EXPECT_NEAR(s.x[0], 0.5, 1e-12) << spec;
    EXPECT_NEAR(s.x[1], 0.0, 1e-3) << spec << ": " << s.message;
  }
}

TEST(Bounds, ScheduleFreeRulesRefuseBoundsWithABadUsageError) {
  const Problem& bowl = *find_problem("bowl");
  MinimizeOptions options{.steps = 10};
  options.bounds = {vec2(0.5, -1), vec2(2, 1)};
  for (const char* spec : {"adamw_schedulefree", "sgd_schedulefree"}) {
    auto optimizer = make_optimizer(spec);
    try {
      minimize(bowl.objective, bowl.start, *optimizer, nullptr, options);
      ADD_FAILURE() << spec << " took bounds";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_usage) << spec;
      EXPECT_NE(std::string(e.what()).find("does not take bounds"), std::string::npos) << e.what();
    }
  }
}

TEST(Bounds, ConvergedRunReportsTheProjectedGradientNorm) {
  const Problem& bowl = *find_problem("bowl");
  auto gd = make_optimizer("gd(lr=0.1)");
  MinimizeOptions options{.steps = 1000, .tol = 1e-8};
  options.bounds = {vec2(0.5, -1), vec2(2, 1)};
  const RunSummary s = minimize(bowl.objective, bowl.start, *gd, nullptr, options);
  EXPECT_TRUE(s.converged()) << s.message;
  EXPECT_LE(s.grad_norm, 1e-8);  // the full gradient's x component is 3 there
}

TEST(Bounds, MinimizeRefusesBoundsOfAnotherSize) {
  const Problem& bowl = *find_problem("bowl");
  auto gd = make_optimizer("gd");
  MinimizeOptions options;
  options.bounds = {Vec::Zero(3), Vec::Ones(3)};
  EXPECT_THROW(minimize(bowl.objective, bowl.start, *gd, nullptr, options), Error);
}

}  // namespace
}  // namespace descent::optim
