// The optimizer registry and the option tables: the catalog lists every rule with its options,
// its defaults are what make_optimizer uses, and every rule's ranges are enforced with a message
// that names the rule, the key, the value and the range.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "descent/core/error.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::optim {
namespace {

std::string optimizer_error(std::string_view spec) {
  try {
    make_optimizer(spec);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_usage);
    return e.what();
  }
  return "no error";
}

// name(key=default, ...) from the catalog.
std::string spec_from_catalog(const OptimizerInfo& rule) {
  std::string out = rule.name + "(";
  for (std::size_t i = 0; i < rule.options.size(); ++i) {
    out += (i ? ", " : "") + rule.options[i].key + "=" + rule.options[i].default_value;
  }
  return out + ")";
}

TEST(Registry, TheCatalogListsEveryOptimizerInNameOrder) {
  const auto catalog = optimizer_catalog();
  const auto names = optimizer_names();
  ASSERT_EQ(catalog.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(catalog[i].name, names[i]);
    EXPECT_FALSE(catalog[i].summary.empty()) << names[i];
    EXPECT_FALSE(catalog[i].options.empty()) << names[i];
    for (const auto& o : catalog[i].options) {
      EXPECT_FALSE(o.doc.empty()) << names[i] << " " << o.key;
      EXPECT_FALSE(o.range.empty()) << names[i] << " " << o.key;
    }
  }
}

// The catalog's defaults, written as a spec, build the same rule as the bare name (gd's listing
// adds the armijo keys, which plain gd does not take).
TEST(Registry, CatalogDefaultsAreTheDefaultsMakeOptimizerUses) {
  for (const auto& rule : optimizer_catalog()) {
    if (rule.name == "gd") continue;
    EXPECT_EQ(make_optimizer(spec_from_catalog(rule))->spec(), make_optimizer(rule.name)->spec())
        << rule.name;
  }
}

TEST(Registry, NewRulesHaveTheirAuthorsDefaults) {
  EXPECT_EQ(make_optimizer("lion")->spec(),
            "lion(lr=0.0001, betas=[0.9, 0.99], weight_decay=0, maximize=false)");
  EXPECT_EQ(make_optimizer("adamw_schedulefree")->spec(),
            "adamw_schedulefree(lr=0.0025, betas=[0.9, 0.999], eps=1e-08, weight_decay=0, "
            "warmup_steps=0, r=0, weight_lr_power=2, maximize=false)");
  EXPECT_EQ(make_optimizer("sgd_schedulefree")->spec(),
            "sgd_schedulefree(lr=1, momentum=0.9, weight_decay=0, warmup_steps=0, r=0, "
            "weight_lr_power=2, maximize=false)");
}

TEST(Registry, AnUnknownKeyListsTheRulesKeys) {
  const std::string error = optimizer_error("lion(beta1=0.9)");
  EXPECT_NE(error.find("beta1"), std::string::npos) << error;
  EXPECT_NE(error.find("betas"), std::string::npos) << error;
}

TEST(Registry, LionBetasOutsideTheUnitIntervalAreRefused) {
  EXPECT_EQ(optimizer_error("lion(betas=[0.9, 1])"), "lion: betas[1] = 1; must lie in [0, 1)");
}

TEST(Registry, LionNegativeLrIsRefused) {
  EXPECT_EQ(optimizer_error("lion(lr=-1)"), "lion: lr = -1; must be >= 0");
}

TEST(Registry, ScheduleFreeAdamwRefusesBeta1Zero) {
  // x = lerp(y, z, 1 - 1/beta1) divides by beta1.
  EXPECT_EQ(optimizer_error("adamw_schedulefree(betas=[0, 0.999])"),
            "adamw_schedulefree: betas[0] = 0; must lie in (0, 1)");
}

TEST(Registry, ScheduleFreeSgdMomentumMustLieInTheOpenUnitInterval) {
  EXPECT_EQ(optimizer_error("sgd_schedulefree(momentum=1)"),
            "sgd_schedulefree: momentum = 1; must lie in (0, 1)");
}

TEST(Registry, ScheduleFreeWarmupStepsMustBeNonnegative) {
  EXPECT_EQ(optimizer_error("adamw_schedulefree(warmup_steps=-1)"),
            "adamw_schedulefree: warmup_steps = -1; must be >= 0");
}

TEST(Registry, AnInfiniteLrIsRefusedAsNotFinite) {
  EXPECT_EQ(optimizer_error("adam(lr=inf)"), "adam: lr = inf; must be a finite number");
}

TEST(Registry, AWrongWordListsTheAllowedWords) {
  EXPECT_EQ(optimizer_error("lbfgs(line_search_fn=wolfe)"),
            "lbfgs: line_search_fn = wolfe; must be none or strong_wolfe");
}

TEST(Registry, LionStepIsHandWorked) {
  // Step 1: m = 0, c = 0.1 g = sign(g) -> x -= lr; m = 0.01 g. Decay first: x = 1 * (1 - 0.1 *
  // 0.5).
  auto lion = make_optimizer("lion(lr=0.1, weight_decay=0.5)");
  std::vector<double> x = {1.0, -1.0, 2.0}, g = {3.0, -2.0, 0.0};
  lion->step(std::span<double>(x), std::span<const double>(g));
  EXPECT_DOUBLE_EQ(x[0], 0.95 - 0.1);
  EXPECT_DOUBLE_EQ(x[1], -0.95 + 0.1);
  EXPECT_DOUBLE_EQ(x[2], 1.9);  // sign(0) = 0: decay only
}

TEST(Registry, ScheduleFreeRulesRefuseAStepAtTheEvalPoint) {
  auto opt = make_optimizer("sgd_schedulefree(lr=0.1)");
  std::vector<double> x = {1.0}, g = {1.0};
  opt->step(std::span<double>(x), std::span<const double>(g));
  opt->to_eval(std::span<double>(x));
  EXPECT_THROW(opt->step(std::span<double>(x), std::span<const double>(g)), Error);
  opt->to_train(std::span<double>(x));
  EXPECT_NO_THROW(opt->step(std::span<double>(x), std::span<const double>(g)));
}

TEST(Registry, EvalAndTrainDoNothingForOtherRules) {
  auto adam = make_optimizer("adam(lr=0.1)");
  std::vector<double> x = {1.0}, g = {1.0};
  adam->step(std::span<double>(x), std::span<const double>(g));
  const std::vector<double> before = x;
  adam->to_eval(std::span<double>(x));
  EXPECT_EQ(x, before);
  adam->to_train(std::span<double>(x));
  EXPECT_EQ(x, before);
}

}  // namespace
}  // namespace descent::optim
