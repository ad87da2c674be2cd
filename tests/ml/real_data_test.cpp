// The embedded data sets: the accuracies the course promises and the least-squares optimum.
#include <cmath>
#include <cstring>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "descent/ml/trainer.hpp"

namespace descent::ml {
namespace {

TEST(RealData, SoftmaxRegressionOnDigitsReaches95Percent) {
  const TrainResult r = train(load_labeled("digits"), {.model = "softmax", .optimizer = "adam(lr=0.01)", .epochs = 15});
  EXPECT_GE(r.test_metric, 0.95);
}

TEST(RealData, LogisticRegressionOnBreastCancerReaches95Percent) {
  const TrainResult r = train(load_labeled("breast_cancer"), {.model = "logistic", .optimizer = "adam(lr=0.01)", .epochs = 20});
  EXPECT_GE(r.test_metric, 0.95);
}

TEST(RealData, DefaultModelOnDigitsReaches95Percent) {
  // What `descent train` with no arguments does.
  const LabeledData digits = load_labeled("digits");
  const TrainResult r = train(digits, {});
  EXPECT_EQ(r.model, "mlp(hidden=[64], activation=relu, init=uniform)");
  EXPECT_GE(r.test_metric, 0.95);
}

TEST(RealData, FullBatchGdOnDiabetesReachesTheLeastSquaresOptimum) {
  // Fixture: tests/reference/generate_lstsq.py (NumPy lstsq, same standardization, no test set).
  std::ifstream in(std::string(DESCENT_REFERENCE_DIR) + "/lstsq_diabetes.json");
  ASSERT_TRUE(in) << "missing lstsq_diabetes.json";
  const auto ref = nlohmann::json::parse(in);
  // The Hessian 2/n [Z 1]^T [Z 1] has eigenvalues in [0.0171, 8.05]; lr 0.24 < 2 / 8.05 contracts
  // the error by at least 1 - 0.24 * 0.0171 = 0.9959 per step: 8000 steps give ~1e-14.
  const TrainResult r = train(load_labeled("diabetes"), {.model = "linear", .optimizer = "gd(lr=0.24)",
                                                         .batch_size = 0, .epochs = 8000, .test_fraction = 0});
  ASSERT_EQ(r.final_state.params.size(), 11 * sizeof(double));
  double theta[11];
  std::memcpy(theta, r.final_state.params.data(), sizeof theta);
  double err = 0, norm = 0;
  for (int i = 0; i < 11; ++i) {
    const double want = i < 10 ? ref["weights"][static_cast<std::size_t>(i)].get<double>() : ref["bias"].get<double>();
    err += (theta[i] - want) * (theta[i] - want);
    norm += want * want;
  }
  constexpr double kLstsqTol = 1e-6;  // the task's bar; float64 GD gets to ~1e-13
  EXPECT_LT(std::sqrt(err / norm), kLstsqTol);
  EXPECT_NEAR(r.history.epochs.back().train_loss, ref["loss"].get<double>(), kLstsqTol * ref["loss"].get<double>());
}

}  // namespace
}  // namespace descent::ml
