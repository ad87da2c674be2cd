// Parameter groups (ml::detail::Stepper) against torch.optim's param_groups: the fixture of
// tests/reference/generate_param_groups.py, and the groups' selectors and refusals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "descent/core/error.hpp"
#include "descent/ml/model.hpp"
#include "ml/stepper.hpp"

namespace descent::ml::detail {
namespace {

// descent computes the cross-entropy gradient with its own kernels (not torch's), so the
// trajectories agree to rounding, not to the bit.
constexpr double kTorchTol = 1e-12;

const nlohmann::json& reference() {
  static const nlohmann::json doc = [] {
    std::ifstream in(std::string(DESCENT_REFERENCE_DIR) + "/param_groups.json");
    return nlohmann::json::parse(in);
  }();
  return doc;
}

const ProblemShape kShape{.inputs = 4, .classification = true, .num_classes = 3};

void expect_torch_trajectory(const nlohmann::json& c) {
  const nlohmann::json& doc = reference();
  Network<double> net("softmax", kShape);
  const auto initial = doc["initial"].get<std::vector<double>>();
  std::copy(initial.begin(), initial.end(), net.params().begin());
  std::vector<double> x, y;
  for (const auto& row : doc["x"]) {
    for (double v : row) x.push_back(v);
  }
  for (int label : doc["y"]) y.push_back(label);
  Stepper stepper(c["optimizer"].get<std::string>(), c["groups"].get<std::vector<std::string>>(),
                  param_layout("softmax", kShape));
  stepper.start(doc["schedule"].get<std::string>(), 0);
  for (const auto& expected : c["params"]) {
    net.loss_and_grad(x.data(), y.data(), static_cast<Index>(y.size()));
    stepper.step(net.params(), std::span<const double>(net.grad()));
    stepper.schedule_step();
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_NEAR(net.params()[i], expected[i].get<double>(), kTorchTol)
          << c["name"] << " entry " << i;
    }
  }
}

TEST(ParamGroups, AdamWithAWeightGroupAndABiasGroupFollowsTorch) {
  expect_torch_trajectory(reference()["cases"][0]);
}

TEST(ParamGroups, SgdWithMomentumPerGroupFollowsTorch) {
  expect_torch_trajectory(reference()["cases"][1]);
}

TEST(ParamGroups, LayersAreNamedByTheirPlaceAmongLayersWithParameters) {
  const auto layout = param_layout("mlp(hidden=[5])", kShape);
  ASSERT_EQ(layout.size(), 4u);
  EXPECT_EQ(layout[0].name(), "layer1.weight");
  EXPECT_EQ(layout[0].rows, 5);
  EXPECT_EQ(layout[0].cols, 4);
  EXPECT_EQ(layout[3].name(), "layer2.bias");
  EXPECT_EQ(layout[3].offset, 5 * 4 + 5 + 3 * 5);
}

TEST(ParamGroups, ALaterGroupOverridesAnEarlierOneWhereTheyOverlap) {
  Stepper stepper("sgd(lr=1)", {"bias: lr=0.5", "layer1.bias: lr=0.25"},
                  param_layout("softmax", kShape));
  stepper.start("constant", 0);
  std::vector<double> params(15, 0.0), grad(15, 1.0);
  stepper.step(std::span<double>(params), std::span<const double>(grad));
  EXPECT_EQ(params[0], -1.0);    // a weight: the run's lr
  EXPECT_EQ(params[12], -0.25);  // the bias: the last group's
  EXPECT_EQ(stepper.lr(), 1.0);  // the lr reported is the ungrouped parameters'
}

TEST(ParamGroups, GroupedStateRoundTrips) {
  const auto layout = param_layout("softmax", kShape);
  Stepper a("adam", {"bias: weight_decay=0.5"}, layout),
      b("adam", {"bias: weight_decay=0.5"}, layout);
  a.start("constant", 0);
  b.start("constant", 0);
  std::vector<double> pa(15, 1.0), g(15, 0.5);
  a.step(std::span<double>(pa), std::span<const double>(g));
  b.load_state(a.save_state());
  std::vector<double> pb = pa;
  a.step(std::span<double>(pa), std::span<const double>(g));
  b.step(std::span<double>(pb), std::span<const double>(g));
  EXPECT_EQ(pa, pb);
}

std::string refusal(const std::string& optimizer, const std::vector<std::string>& groups) {
  try {
    Stepper stepper(optimizer, groups, param_layout("mlp(hidden=[5])", kShape));
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_usage);
    return e.what();
  }
  return "(accepted)";
}

TEST(ParamGroups, AnUnknownSelectorIsRefused) {
  EXPECT_THAT(refusal("adam", {"biases: lr=1"}), testing::HasSubstr("selector 'biases' must be"));
}

TEST(ParamGroups, AGroupThatSelectsNothingIsRefused) {
  EXPECT_THAT(refusal("adam", {"layer3: lr=1"}),
              testing::HasSubstr("selects no parameter; the model has 2 layers"));
}

TEST(ParamGroups, AKeyTheRuleLacksIsRefusedListingItsKeys) {
  EXPECT_THAT(refusal("sgd", {"bias: betas=[0.9, 0.9]"}),
              testing::HasSubstr("sgd has no option 'betas'"));
}

TEST(ParamGroups, AValueOutOfRangeIsRefusedNamingTheGroup) {
  EXPECT_THAT(refusal("adam", {"bias: lr=-1"}),
              testing::HasSubstr("parameter group 'bias: lr=-1': adam"));
}

TEST(ParamGroups, MaximizeIsTheRunsNotAGroups) {
  EXPECT_THAT(refusal("adam", {"bias: maximize=true"}),
              testing::HasSubstr("maximize is the whole run's"));
}

TEST(ParamGroups, AGroupWithoutOptionsIsRefused) {
  EXPECT_THAT(refusal("adam", {"bias:"}), testing::HasSubstr("sets no option"));
}

}  // namespace
}  // namespace descent::ml::detail
