// Schedules read their options from one table each (src/optim/schedule.cpp): these pin the
// messages and canonical spec text the hand-written parsing gave before the tables (except a
// refused milestone, which now reads like a refused piecewise value).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>

#include "descent/core/error.hpp"
#include "descent/optim/schedule.hpp"

namespace descent::optim {
namespace {

std::string error_of(std::string_view spec, std::int64_t run_steps = 0) {
  try {
    make_schedule(spec, 0.1, run_steps);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(ScheduleOptions, AGammaOfZeroIsRefusedAsNotPositive) {
  EXPECT_EQ(error_of("step(step_size=3, gamma=0)"), "step: gamma = 0; must be a finite number > 0");
}

TEST(ScheduleOptions, AnInfiniteGammaIsRefusedWithTheSameWords) {
  EXPECT_EQ(error_of("multistep(milestones=[2], gamma=inf)"),
            "multistep: gamma = inf; must be a finite number > 0");
}

TEST(ScheduleOptions, ExponentialWithoutGammaSaysItIsRequired) {
  EXPECT_EQ(error_of("exponential"), "exponential: gamma is required");
}

TEST(ScheduleOptions, MultistepWithoutMilestonesSaysTheyAreRequired) {
  EXPECT_EQ(error_of("multistep(gamma=0.5)"), "multistep: milestones is required");
}

TEST(ScheduleOptions, ANonPositiveMilestoneNamesTheMilestone) {
  EXPECT_EQ(error_of("multistep(milestones=[3, 0])"),
            "multistep: milestones has 0; must be a positive step");
}

TEST(ScheduleOptions, ANegativePiecewiseValueNamesTheValue) {
  EXPECT_EQ(error_of("piecewise(milestones=[2], values=[1, -1])"),
            "piecewise: values has -1; every lr must be a finite number >= 0");
}

TEST(ScheduleOptions, LinearStartFactorOutsideItsIntervalNamesTheInterval) {
  EXPECT_EQ(error_of("linear(start_factor=0)"), "linear: start_factor = 0; must lie in (0, 1]");
}

TEST(ScheduleOptions, PolynomialRefusesANegativePower) {
  EXPECT_EQ(error_of("polynomial(power=-1)"),
            "polynomial: power = -1; must be a finite number >= 0");
}

TEST(ScheduleOptions, ExpDecayRefusesANegativeLambda) {
  EXPECT_EQ(error_of("exp_decay(lambda=-1)"), "exp_decay: lambda = -1; must be >= 0");
}

TEST(ScheduleOptions, OnecycleRefusesAnUnknownAnnealStrategy) {
  EXPECT_EQ(error_of("onecycle(max_lr=1, total_steps=9, anneal_strategy=step)"),
            "onecycle: anneal_strategy = step; must be cos or linear");
}

TEST(ScheduleOptions, OnecycleRefusesAnInfiniteDivFactor) {
  EXPECT_EQ(error_of("onecycle(max_lr=1, total_steps=9, div_factor=inf)"),
            "onecycle: div_factor = inf; must be > 0");
}

TEST(ScheduleOptions, OnecycleRefusesAMomentumOfOne) {
  EXPECT_EQ(error_of("onecycle(max_lr=1, total_steps=9, base_momentum=1)"),
            "onecycle: base_momentum = 1; must lie in [0, 1)");
}

TEST(ScheduleOptions, OnecycleRefusesANegativeMaxLr) {
  EXPECT_EQ(error_of("onecycle(max_lr=-1, total_steps=9)"), "onecycle: max_lr = -1; must be > 0");
}

TEST(ScheduleOptions, MultistepPrintsItsMilestonesSorted) {
  EXPECT_EQ(make_schedule("multistep(milestones=[8, 3])", 0.1)->spec(),
            "multistep(milestones=[3, 8], gamma=0.1)");
}

TEST(ScheduleOptions, OnecyclePrintsEveryKeyInOrder) {
  EXPECT_EQ(make_schedule("onecycle(max_lr=1)", 0.1, 30)->spec(),
            "onecycle(max_lr=1, total_steps=30, pct_start=0.3, anneal_strategy=cos, "
            "div_factor=25, final_div_factor=10000, three_phase=false, cycle_momentum=true, "
            "base_momentum=0.85, max_momentum=0.95)");
}

TEST(ScheduleOptions, ConstantPrintsItsBareName) {
  EXPECT_EQ(make_schedule("constant", 0.1)->spec(), "constant");
}

TEST(ScheduleOptions, LinearPrintsItsDefaults) {
  EXPECT_EQ(make_schedule("linear", 0.1)->spec(),
            "linear(start_factor=0.3333333333333333, end_factor=1, total_iters=5)");
}

// The listing shows the defaults make_schedule really uses: for every option with a value as its
// default, the spec with key=default written out builds the same schedule as the spec without it.
TEST(ScheduleCatalog, EveryListedDefaultIsTheDefaultMakeScheduleUses) {
  // Values for the required options (the listing says "(required)" for them).
  const std::map<std::string, std::string> required = {
      {"step", "step_size=10"},   {"multistep", "milestones=[10]"},
      {"exponential", "gamma=0.9"}, {"onecycle", "max_lr=0.1"},
      {"piecewise", "milestones=[10], values=[0.1, 0.01]"}, {"exp_decay", "lambda=0.01"}};
  const auto catalog = schedule_catalog();
  ASSERT_EQ(catalog.size(), schedule_names().size());
  for (const auto& entry : catalog) {
    const auto it = required.find(entry.name);
    const std::string base = it == required.end() ? "" : it->second;
    const auto spec = [&](const std::string& extra) {
      std::string args = base;
      if (!extra.empty()) args += (args.empty() ? "" : ", ") + extra;
      return entry.name + (args.empty() ? "" : "(" + args + ")");
    };
    const std::string plain = make_schedule(spec(""), 0.1, 100)->spec();
    for (const auto& option : entry.options) {
      if (option.default_value == "(required)") {
        EXPECT_NE(base.find(option.key), std::string::npos) << entry.name << " " << option.key;
        continue;
      }
      // The run here is 100 steps long.
      const std::string value =
          option.default_value == "(the run's steps)" ? "100" : option.default_value;
      const std::string written = spec(option.key + "=" + value);
      EXPECT_EQ(make_schedule(written, 0.1, 100)->spec(), plain) << written;
    }
  }
}

}  // namespace
}  // namespace descent::optim
