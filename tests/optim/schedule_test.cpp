// Schedules: spec errors, the course's piecewise and exp_decay, resume by step count.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in Eigen AVX-512
#endif
#include "descent/optim/schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "descent/core/error.hpp"

namespace descent::optim {
namespace {

std::string error_of(std::string_view spec) {
  try {
    make_schedule(spec, 0.1);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Schedule, BadSpecsAreExplained) {
  EXPECT_EQ(error_of("cosine"), "cosine: t_max is required");
  EXPECT_EQ(error_of("step(step_size=0)"), "step: step_size = 0; must be a positive integer");
  EXPECT_NE(error_of("onecycle(max_lr=1)").find("total_steps is required"), std::string::npos);
  EXPECT_NE(error_of("piecewise(milestones=[10], values=[1, 2, 3])").find("values"),
            std::string::npos);
  EXPECT_NE(error_of("warmup").find("known: constant"), std::string::npos);
  EXPECT_NE(error_of("exponential(gamma=0.9, t=1)").find("valid"), std::string::npos);
}

TEST(Schedule, ExpDecayIsLr0TimesExpMinusLambdaT) {
  auto opt = make_optimizer("gd(lr=0.5)");
  auto s = make_schedule("exp_decay(lambda=0.1)", 0.5);
  s->start(*opt);
  for (int t = 1; t <= 5; ++t) s->step(*opt);
  EXPECT_DOUBLE_EQ(opt->lr(), 0.5 * std::exp(-0.5));
}

TEST(Schedule, PiecewiseWithOneValuePerMilestoneStartsAtBaseLr) {
  auto opt = make_optimizer("gd(lr=0.3)");
  auto s = make_schedule("piecewise(milestones=[2, 4], values=[0.2, 0.1])", 0.3);
  s->start(*opt);
  std::vector<double> lrs = {opt->lr()};
  for (int t = 1; t <= 5; ++t) {
    s->step(*opt);
    lrs.push_back(opt->lr());
  }
  EXPECT_EQ(lrs, (std::vector<double>{0.3, 0.3, 0.2, 0.2, 0.1, 0.1}));
}

TEST(Schedule, SetStepCountReplaysToTheSameLrBitForBit) {
  for (const char* spec : {"cosine(t_max=7, eta_min=0.01)", "linear", "polynomial(power=3)",
                           "onecycle(max_lr=1, total_steps=30)", "step(step_size=3)"}) {
    auto a = make_optimizer("sgd(lr=0.1, momentum=0.9)");
    auto b = make_optimizer("sgd(lr=0.1, momentum=0.9)");
    auto sa = make_schedule(spec, 0.1);
    auto sb = make_schedule(spec, 0.1);
    sa->start(*a);
    for (int t = 0; t < 17; ++t) sa->step(*a);
    sb->set_step_count(17, *b);
    EXPECT_EQ(a->lr(), b->lr()) << spec;
    EXPECT_EQ(a->momentum(), b->momentum()) << spec;
    EXPECT_EQ(sb->step_count(), 17);
  }
}

TEST(Schedule, ResumePastOnecycleEndIsRefused) {
  auto opt = make_optimizer("sgd(lr=0.1, momentum=0.9)");
  auto s = make_schedule("onecycle(max_lr=1, total_steps=10)", 0.1);
  s->set_step_count(10, *opt);  // the last valid count
  EXPECT_EQ(s->step_count(), 10);
  EXPECT_THROW(s->set_step_count(11, *opt), Error);
  EXPECT_EQ(s->step_count(), 10);
}

TEST(Schedule, OnecycleNeedsMomentumUnlessTurnedOff) {
  auto opt = make_optimizer("adagrad");
  auto s = make_schedule("onecycle(max_lr=1, total_steps=10)", 0.01);
  EXPECT_THROW(s->start(*opt), Error);
  auto off = make_schedule("onecycle(max_lr=1, total_steps=10, cycle_momentum=false)", 0.01);
  off->start(*opt);
  EXPECT_NEAR(opt->lr(), 1.0 / 25, 1e-15);  // max_lr / div_factor, via the cosine anneal
}

TEST(Schedule, CanonicalSpecsRoundTrip) {
  for (const char* spec : {"constant", "step(step_size=3)", "multistep(milestones=[5, 2])",
                           "exponential(gamma=0.9)", "cosine(t_max=10)", "linear",
                           "onecycle(max_lr=0.1, total_steps=100)", "polynomial",
                           "piecewise(milestones=[1], values=[0.1, 0.01])",
                           "exp_decay(lambda=0.01)"}) {
    const auto first = make_schedule(spec, 0.1)->spec();
    EXPECT_EQ(make_schedule(first, 0.1)->spec(), first) << spec;
  }
}

TEST(Schedule, RunLengthIsTheDefaultTotalOfOnecycleAndCosine) {
  EXPECT_EQ(make_schedule("cosine", 0.1, 30)->spec(), make_schedule("cosine(t_max=30)", 0.1)->spec());
  EXPECT_EQ(make_schedule("onecycle(max_lr=1)", 0.1, 30)->spec(),
            make_schedule("onecycle(max_lr=1, total_steps=30)", 0.1)->spec());
  // A value given wins over the run length.
  EXPECT_EQ(make_schedule("cosine(t_max=7)", 0.1, 30)->spec(), make_schedule("cosine(t_max=7)", 0.1)->spec());
  EXPECT_EQ(*make_schedule("onecycle(max_lr=1)", 0.1, 30)->step_limit(), 30);
}

}  // namespace
}  // namespace descent::optim
