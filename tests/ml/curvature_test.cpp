// train --curvature's library side: Lanczos on the training loss's Hessian of a trained model.
// Linear regression's Hessian is the constant 2/n [Z 1]^T [Z 1], whose extreme eigenvalues
// tests/reference/generate_lstsq.py computed with NumPy (eigvalsh).
#include "descent/ml/curvature.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "descent/ml/trainer.hpp"

namespace descent::ml {
namespace {

// Central differences of a quadratic's gradient are exact up to rounding: eps / h ~ 1e-11
// relative per product, with h = eps^(1/3) |theta|.
constexpr double kDifferenceTol = 1e-7;

TEST(TrainingCurvature, MatchesNumpysEigenvaluesOfTheLinearRegressionHessian) {
  std::ifstream in(std::string(DESCENT_REFERENCE_DIR) + "/lstsq_diabetes.json");
  ASSERT_TRUE(in) << "missing lstsq_diabetes.json";
  const auto ref = nlohmann::json::parse(in);
  const double smallest = ref["hessian_eigenvalues"][0].get<double>();
  const double largest = ref["hessian_eigenvalues"][1].get<double>();
  const LabeledData data = load_labeled("diabetes");
  const TrainResult r = train(data, {.model = "linear",
                                     .optimizer = "gd(lr=0.1)",
                                     .batch_size = 0,
                                     .epochs = 3,
                                     .test_fraction = 0});
  const optim::Curvature c = training_curvature(data, r.final_state, {.top = 2});
  EXPECT_NEAR(c.lambda_max, largest, kDifferenceTol * largest);
  ASSERT_TRUE(c.smallest.has_value());  // 11 parameters: Lanczos spans the whole space
  EXPECT_NEAR(*c.smallest, smallest, kDifferenceTol * largest);
  EXPECT_NEAR(c.max_stable_lr, 2 / largest, kDifferenceTol * 2 / largest);
}

TEST(TrainingCurvature, GivesTheTopEigenvaluesOfASoftmaxModelInDescendingOrder) {
  const LabeledData data = load_labeled("iris");
  const TrainResult r =
      train(data, {.model = "softmax", .optimizer = "adam(lr=0.05)", .epochs = 5});
  const optim::Curvature c = training_curvature(data, r.final_state, {.top = 3});
  ASSERT_EQ(c.top.size(), 3u);
  EXPECT_GT(c.top[0], 0.0);
  EXPECT_GE(c.top[0], c.top[1]);
  EXPECT_GE(c.top[1], c.top[2]);
}

}  // namespace
}  // namespace descent::ml
