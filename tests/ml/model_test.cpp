// Networks: backward passes against central differences, layer bookkeeping, spec resolution.
#include "descent/ml/model.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"

namespace descent::ml {
namespace {

// Central differences on the mean loss, in float64: truncation error O(h^2) ~ 1e-10 and
// rounding ~ 1e-16 / h ~ 1e-11 at h = 1e-5, so analytic and numerical agree to ~1e-7 relative.
constexpr double kStep = 1e-5;
constexpr double kGradTol = 1e-6;

struct Batch {
  std::vector<double> x;
  std::vector<double> y;
};

Batch random_batch(Index rows, Index inputs, const ProblemShape& shape, Rng& rng) {
  Batch b;
  for (Index i = 0; i < rows * inputs; ++i) b.x.push_back(rng.normal());
  for (Index i = 0; i < rows; ++i) {
    b.y.push_back(shape.classification ? static_cast<double>(rng.below(static_cast<std::uint64_t>(shape.num_classes)))
                                       : rng.normal());
  }
  return b;
}

// Max over parameters of |analytic - numerical| / max(1, |numerical|).
double gradient_error(const std::string& spec, const ProblemShape& shape, Index rows) {
  Network<double> net(spec, shape);
  Rng rng(7);
  net.init(rng);
  // Nudge every parameter so that no relu sits exactly at a kink and zeros-init is generic.
  for (auto& p : net.params()) p += 0.05 * rng.normal();
  const Batch batch = random_batch(rows, shape.inputs, shape, rng);
  net.loss_and_grad(batch.x.data(), batch.y.data(), rows);
  const std::vector<double> analytic(net.grad().begin(), net.grad().end());
  double worst = 0.0;
  for (std::size_t i = 0; i < analytic.size(); ++i) {
    double& p = net.params()[i];
    const double saved = p;
    p = saved + kStep;
    const double up = net.loss_sum(batch.x.data(), batch.y.data(), rows) / static_cast<double>(rows);
    p = saved - kStep;
    const double down = net.loss_sum(batch.x.data(), batch.y.data(), rows) / static_cast<double>(rows);
    p = saved;
    const double numerical = (up - down) / (2 * kStep);
    worst = std::max(worst, std::abs(analytic[i] - numerical) / std::max(1.0, std::abs(numerical)));
  }
  return worst;
}

const ProblemShape kRegression{.inputs = 5, .classification = false};
const ProblemShape kThreeClasses{.inputs = 5, .classification = true, .num_classes = 3};
const ProblemShape kTwoClasses{.inputs = 5, .classification = true, .num_classes = 2};
const ProblemShape kImages{.inputs = 2 * 6 * 6, .classification = true, .num_classes = 3,
                           .image = {2, 6, 6}};

TEST(Network, LinearGradientMatchesCentralDifferences) {
  EXPECT_LT(gradient_error("linear", kRegression, 7), kGradTol);
}

TEST(Network, LogisticGradientMatchesCentralDifferences) {
  EXPECT_LT(gradient_error("logistic", kTwoClasses, 7), kGradTol);
}

TEST(Network, SoftmaxGradientMatchesCentralDifferences) {
  EXPECT_LT(gradient_error("softmax", kThreeClasses, 7), kGradTol);
}

TEST(Network, MlpGradientMatchesCentralDifferences) {
  EXPECT_LT(gradient_error("mlp(hidden=[6, 4], activation=relu)", kThreeClasses, 9), kGradTol);
  EXPECT_LT(gradient_error("mlp(hidden=[6], activation=tanh)", kRegression, 9), kGradTol);
  EXPECT_LT(gradient_error("mlp(hidden=[4], activation=sigmoid, init=uniform)", kThreeClasses, 9), kGradTol);
}

TEST(Network, CnnGradientMatchesCentralDifferences) {
  // Two input channels exercise the channels-last reordering; kernel 3 with padding, pool 2.
  EXPECT_LT(gradient_error("cnn(channels=[3, 2], kernel=3, hidden=5)", kImages, 4), kGradTol);
  EXPECT_LT(gradient_error("cnn(channels=[2], kernel=2, pool=3, hidden=0, activation=tanh)", kImages, 3),
            kGradTol);
}

TEST(Network, CnnGradientMatchesCentralDifferencesThroughTheVectorKernels) {
  // 4 and 8 channels fill whole float64 registers (4 lanes; 8 with AVX-512); relu runs after
  // the pool there.
  EXPECT_LT(gradient_error("cnn(channels=[4, 8], kernel=3, hidden=5)", kImages, 4), kGradTol);
}

TEST(Network, ParameterCountIsTheSumOfItsLayers) {
  // 784-256-10: 784*256 + 256 + 256*10 + 10 = 203530 (the PyTorch model's numel)
  const ProblemShape fashion{.inputs = 784, .classification = true, .num_classes = 10};
  Network<float> net("mlp(hidden=[256])", fashion);
  EXPECT_EQ(net.num_params(), 203530);
  // cnn(channels=[8,16], kernel=3, hidden=64) on 1x28x28: 80 + 1168 + 784*64+64 + 650 = 52138
  const ProblemShape images{.inputs = 784, .classification = true, .num_classes = 10, .image = {1, 28, 28}};
  Network<float> cnn("cnn(channels=[8, 16], kernel=3, hidden=64)", images);
  EXPECT_EQ(cnn.num_params(), 52138);
}

TEST(Network, ZerosInitGivesEveryHiddenUnitTheSameGradient) {
  // The symmetry problem: with all weights zero, every unit of a layer computes the same value,
  // so they all receive the same gradient and stay identical.
  Network<double> net("mlp(hidden=[3], activation=tanh, init=zeros)", kRegression);
  Rng rng(1);
  net.init(rng);
  const Batch batch = random_batch(4, kRegression.inputs, kRegression, rng);
  net.loss_and_grad(batch.x.data(), batch.y.data(), 4);
  // The first layer's weight gradient (3 x 5, row-major): all rows equal.
  const auto grad = net.grad();
  for (Index unit = 1; unit < 3; ++unit) {
    for (Index j = 0; j < 5; ++j) EXPECT_EQ(grad[unit * 5 + j], grad[j]);
  }
}

// The largest |value| in params[offset, offset + count).
double largest(std::span<const float> params, Index offset, Index count) {
  double top = 0.0;
  for (Index i = offset; i < offset + count; ++i) {
    top = std::max(top, std::abs(static_cast<double>(params[i])));
  }
  return top;
}

TEST(Network, DefaultInitDrawsWeightsAndBiasesInPyTorchsBounds) {
  // nn.Linear's default: weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  Network<float> net("mlp(hidden=[40])", kThreeClasses);
  Rng rng(3);
  net.init(rng);
  const auto p = net.params();
  const double first = 1.0 / std::sqrt(5.0), second = 1.0 / std::sqrt(40.0);
  for (const auto& [offset, count, bound] :
       {std::tuple<Index, Index, double>{0, 200, first},  // W1 40 x 5
        {200, 40, first},                                 // b1
        {240, 120, second},                               // W2 3 x 40
        {360, 3, second}}) {                              // b2
    EXPECT_LE(largest(p, offset, count), bound) << offset;
    EXPECT_GT(largest(p, offset, count), 0.5 * bound) << offset;  // spread out, biases too
  }
}

TEST(Network, DefaultConvInitUsesKernelTimesChannelsAsFanIn) {
  // nn.Conv2d's fan_in is in_channels x kernel x kernel: 2 x 3 x 3 = 18 for the first layer.
  Network<float> net("cnn(channels=[4], kernel=3, hidden=0)", kImages);
  Rng rng(3);
  net.init(rng);
  const double bound = 1.0 / std::sqrt(18.0);
  EXPECT_LE(largest(net.params(), 0, 4 * 18 + 4), bound);
  EXPECT_GT(largest(net.params(), 4 * 18, 4), 0.5 * bound);  // the biases are drawn too
}

TEST(Network, HeInitIsStillSelectableAndStartsBiasesAtZero) {
  // The default for relu networks before uniform: init=he selects it.
  Network<float> net("mlp(hidden=[40], init=he)", kThreeClasses);
  EXPECT_EQ(net.spec(), "mlp(hidden=[40], activation=relu, init=he)");
  Rng rng(3);
  net.init(rng);
  EXPECT_EQ(largest(net.params(), 200, 40), 0.0);
  EXPECT_GT(largest(net.params(), 0, 200), 1.0 / std::sqrt(5.0));  // normal, std sqrt(2/5)
}

TEST(ResolveModel, FillsDefaultsIntoCanonicalText) {
  EXPECT_EQ(resolve_model("mlp", kThreeClasses).spec.text(),
            "mlp(hidden=[64], activation=relu, init=uniform)");
  EXPECT_EQ(resolve_model("mlp(activation=tanh)", kThreeClasses).spec.text(),
            "mlp(hidden=[64], activation=tanh, init=uniform)");
  EXPECT_TRUE(resolve_model("softmax", kThreeClasses).double_precision);
  EXPECT_FALSE(resolve_model("mlp", kThreeClasses).double_precision);
}

TEST(ResolveModel, RejectsModelsThatDoNotFitTheProblem) {
  EXPECT_THROW(resolve_model("logistic", kThreeClasses), Error);
  EXPECT_THROW(resolve_model("linear", kThreeClasses), Error);
  EXPECT_THROW(resolve_model("softmax", kRegression), Error);
  EXPECT_THROW(resolve_model("cnn", kThreeClasses), Error);
  EXPECT_THROW(resolve_model("mlp(width=3)", kThreeClasses), Error);
  EXPECT_THROW(resolve_model("forest", kThreeClasses), Error);
  EXPECT_THROW(resolve_model("mlp(activation=swish)", kThreeClasses), Error);
}

}  // namespace
}  // namespace descent::ml

namespace descent::ml {
namespace {

std::string size_error(std::string_view spec, const ProblemShape& shape) {
  try {
    Network<float> net(spec, shape);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_usage);
    return e.what();
  }
  return "no error";
}

TEST(ModelLimits, TooManyParametersAreRefusedBeforeAllocation) {
  const ProblemShape shape{.inputs = 784, .classification = true, .num_classes = 10};
  EXPECT_NE(
      size_error("mlp(hidden=[1000000, 1000000])", shape).find("parameters; at most 50000000"),
      std::string::npos);
}

TEST(ModelLimits, TooManyValuesPerExampleAreRefused) {
  const ProblemShape images{
      .inputs = 784, .classification = true, .num_classes = 10, .image = {1, 28, 28}};
  // One 1x1 convolution to 6,000 channels: 784 * 6,000 values per image (twice: the activation),
  // 4.7e7 parameters (the dense layer after it), under their limit.
  EXPECT_NE(size_error("cnn(channels=[6000], kernel=1, pool=1, hidden=0)", images)
                .find("values per example"),
            std::string::npos);
}

TEST(ModelLimits, AKernelWiderThanTheImageIsRefused) {
  const ProblemShape images{
      .inputs = 64, .classification = true, .num_classes = 10, .image = {1, 8, 8}};
  EXPECT_EQ(size_error("cnn(channels=[4], kernel=99)", images),
            "cnn: kernel = 99; must lie in [1, 8] for 8x8 images");
}

}  // namespace
}  // namespace descent::ml
