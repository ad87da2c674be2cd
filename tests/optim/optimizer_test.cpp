// make_optimizer: specs, defaults (PyTorch's), canonical spec text, and errors that name the key
// and its valid range; a few hand-worked single steps.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in Eigen AVX-512
#endif
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "descent/core/error.hpp"
#include "descent/optim/first_order.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::optim {
namespace {

std::string error_of(std::string_view spec) {
  try {
    make_optimizer(spec);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_usage);
    return e.what();
  }
  return "no error";
}

TEST(Optimizer, BadSpecsNameTheKeyAndItsRange) {
  EXPECT_EQ(error_of("adam(betas=[1.2, 0.9])"), "adam: betas[0] = 1.2; must lie in [0, 1)");
  EXPECT_EQ(error_of("adam(lr=-1)"), "adam: lr = -1; must be >= 0");
  EXPECT_EQ(error_of("sgd(nesterov=true)"),
            "sgd: nesterov = true needs momentum > 0 and dampening = 0 (got momentum = 0, "
            "dampening = 0)");
  EXPECT_NE(error_of("adam(momentum=0.9)").find("valid"), std::string::npos);
  EXPECT_NE(error_of("adamm").find("known: gd, sgd, momentum"), std::string::npos);
  EXPECT_NE(error_of("lbfgs(line_search_fn=wolfe)").find("none or strong_wolfe"), std::string::npos);
  EXPECT_NE(error_of("adam(betas=[0.9])").find("two values"), std::string::npos);
  EXPECT_NE(error_of("gd(line_search=armijo, momentum=0.9)").find("valid"), std::string::npos);
  EXPECT_EQ(error_of("rmsprop(eps=-1)"), "rmsprop: eps = -1; must be >= 0");
}

TEST(Optimizer, DefaultsArePyTorchs) {
  EXPECT_EQ(make_optimizer("sgd")->spec(),
            "sgd(lr=0.001, momentum=0, dampening=0, weight_decay=0, nesterov=false, maximize=false)");
  EXPECT_EQ(make_optimizer("momentum")->momentum(), 0.9);
  EXPECT_EQ(make_optimizer("adagrad")->spec(),
            "adagrad(lr=0.01, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, "
            "maximize=false)");
  EXPECT_EQ(make_optimizer("rmsprop")->spec(),
            "rmsprop(lr=0.01, alpha=0.99, eps=1e-08, weight_decay=0, momentum=0, centered=false, "
            "maximize=false)");
  EXPECT_EQ(make_optimizer("adadelta")->spec(),
            "adadelta(lr=1, rho=0.9, eps=1e-06, weight_decay=0, maximize=false)");
  EXPECT_EQ(make_optimizer("adamw")->spec(),
            "adamw(lr=0.001, betas=[0.9, 0.999], eps=1e-08, weight_decay=0.01, amsgrad=false, "
            "maximize=false)");
  EXPECT_EQ(make_optimizer("nadam")->spec(),
            "nadam(lr=0.002, betas=[0.9, 0.999], eps=1e-08, weight_decay=0, momentum_decay=0.004, "
            "decoupled_weight_decay=false, maximize=false)");
  EXPECT_EQ(make_optimizer("adamax")->lr(), 2e-3);
  EXPECT_EQ(make_optimizer("radam")->lr(), 1e-3);
  EXPECT_EQ(make_optimizer("lbfgs")->spec(),
            "lbfgs(lr=1, max_iter=20, max_eval=25, tolerance_grad=1e-07, tolerance_change=1e-09, "
            "history_size=100, line_search_fn=none, maximize=false)");
  EXPECT_EQ(make_optimizer("newton")->spec(), "newton(lr=1, damping=0, maximize=false)");
  EXPECT_EQ(make_optimizer("gd(line_search=armijo)")->spec(),
            "gd(lr=1, line_search=armijo, c1=0.0001, shrink=0.5, max_backtracks=50, maximize=false)");
}

TEST(Optimizer, CanonicalSpecRoundTrips) {
  for (const auto& name : optimizer_names()) {
    const auto first = make_optimizer(name);
    EXPECT_EQ(make_optimizer(first->spec())->spec(), first->spec()) << name;
  }
}

TEST(Optimizer, ClosureRulesRefuseFlatArrays) {
  for (const char* spec : {"lbfgs", "newton", "gd(line_search=armijo)"}) {
    auto opt = make_optimizer(spec);
    EXPECT_TRUE(opt->needs_closure());
    std::vector<double> x = {1.0}, g = {1.0};
    EXPECT_THROW(opt->step(std::span<double>(x), std::span<const double>(g)), Error) << spec;
  }
}

TEST(Optimizer, SgdNesterovStepIsHandWorked) {
  // x = 1, g = 2, lr = 0.1, mu = 0.9: step 1 b = g = 2, d = g + mu b = 3.8, x = 1 - 0.38 = 0.62.
  auto opt = make_sgd({.lr = 0.1, .momentum = 0.9, .nesterov = true});
  std::vector<double> x = {1.0}, g = {2.0};
  opt->step(std::span<double>(x), std::span<const double>(g));
  EXPECT_DOUBLE_EQ(x[0], 0.62);
  // step 2 (same g): b = 0.9 * 2 + 2 = 3.8, d = 2 + 0.9 * 3.8 = 5.42, x = 0.62 - 0.542 = 0.078
  opt->step(std::span<double>(x), std::span<const double>(g));
  EXPECT_NEAR(x[0], 0.078, 1e-15);
}

TEST(Optimizer, MaximizeNegatesTheGradient) {
  auto up = make_optimizer("adam(lr=0.1, maximize=true)");
  std::vector<double> x = {0.0}, g = {1.0};
  up->step(std::span<double>(x), std::span<const double>(g));
  EXPECT_NEAR(x[0], 0.1, 1e-8);  // Adam's first step is lr * sign(g), here uphill
}

TEST(Optimizer, FloatStepsMatchDoubleStepsToFloatPrecision) {
  for (const auto& name : optimizer_names()) {
    auto d = make_optimizer(name);
    if (d->needs_closure()) continue;
    auto f = make_optimizer(name);
    std::vector<double> xd = {1.0, -2.0, 0.5};
    std::vector<float> xf = {1.0f, -2.0f, 0.5f};
    for (int k = 0; k < 5; ++k) {
      const std::vector<double> gd = {2 * xd[0], 2 * xd[1], 2 * xd[2]};
      const std::vector<float> gf = {2 * xf[0], 2 * xf[1], 2 * xf[2]};
      d->step(std::span<double>(xd), std::span<const double>(gd));
      f->step(std::span<float>(xf), std::span<const float>(gf));
    }
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(xf[i], xd[i], 1e-5) << name;
  }
}

TEST(Optimizer, LongArraysThreadedGiveTheSameResultAsShort) {
  // 1<<17 elements take the OpenMP path; element i's update must not depend on the split.
  const std::size_t n = std::size_t{1} << 17;
  for (const auto& name : optimizer_names()) {
    auto big = make_optimizer(name);
    if (big->needs_closure()) continue;
    std::vector<float> x(n), g(n);
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = 0.001f * static_cast<float>(i % 1000);
      g[i] = 0.01f * static_cast<float>((i % 7)) - 0.03f;
    }
    std::vector<float> head(x.begin(), x.begin() + 8), head_g(g.begin(), g.begin() + 8);
    auto small = make_optimizer(name);
    for (int k = 0; k < 3; ++k) {
      big->step(std::span<float>(x), std::span<const float>(g));
      small->step(std::span<float>(head), std::span<const float>(head_g));
    }
    for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(x[i], head[i]) << name;
  }
}

TEST(Optimizer, SizeChangeWithoutResetIsAnError) {
  auto opt = make_optimizer("adam");
  std::vector<double> x = {1.0, 2.0}, g = {1.0, 1.0};
  opt->step(std::span<double>(x), std::span<const double>(g));
  std::vector<double> y = {1.0}, h = {1.0};
  EXPECT_THROW(opt->step(std::span<double>(y), std::span<const double>(h)), Error);
  opt->reset();
  EXPECT_NO_THROW(opt->step(std::span<double>(y), std::span<const double>(h)));
}

}  // namespace
}  // namespace descent::optim
