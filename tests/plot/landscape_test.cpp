#include "descent/plot/landscape.hpp"

#include <omp.h>

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/plot/model_landscape.hpp"

namespace descent::plot {
namespace {

// L(p) = ||p||^2: the surface is known in closed form.
LossFactory squared_norm() {
  // (A plain loop: GCC 12 warns falsely on Eigen's AVX-512 reductions here.)
  return [] {
    return [](const Vec& p) {
      double sum = 0.0;
      for (Index i = 0; i < p.size(); ++i) sum += p[i] * p[i];
      return sum;
    };
  };
}

TEST(FilterNormalization, EachFilterTakesTheNormOfItsWeightsAndBiasesAreZero) {
  // One dense layer 3 -> 2: W (2 x 3) then b (2).
  Vec theta(8);
  theta << 1, 2, 2, 0, 3, 4, 7, 7;  // row norms 3 and 5
  const std::vector<ParamBlock> blocks = param_blocks({"dense(3 -> 2)"});
  ASSERT_EQ(blocks.size(), 2u);
  Rng rng(7);
  const Vec d = filter_normalized_direction(theta, blocks, rng);
  EXPECT_NEAR(d.segment(0, 3).norm(), 3.0, 1e-12);
  EXPECT_NEAR(d.segment(3, 3).norm(), 5.0, 1e-12);
  EXPECT_EQ(d[6], 0.0);
  EXPECT_EQ(d[7], 0.0);
}

TEST(FilterNormalization, SameSeedSameDirection) {
  const Vec theta = Vec::LinSpaced(10, 1.0, 2.0);
  Rng a(3), b(3);
  EXPECT_EQ(filter_normalized_direction(theta, {}, a), filter_normalized_direction(theta, {}, b));
}

TEST(ParamBlocks, ReadDenseAndConvolutionLayers) {
  // conv2d over 1 channel, kernel 3, 4 filters: 4 x 9 weights then 4 biases; then dense 16 -> 10.
  const auto blocks = param_blocks({"channels_last", "conv2d(1x4x4 -> 4, kernel 3)", "relu", "max_pool(2)",
                                    "dense(16 -> 10)"});
  ASSERT_EQ(blocks.size(), 4u);
  EXPECT_EQ(blocks[0].filters, 4);
  EXPECT_EQ(blocks[0].filter_size, 9);
  EXPECT_EQ(blocks[1].offset, 36);
  EXPECT_TRUE(blocks[1].bias);
  EXPECT_EQ(blocks[2].offset, 40);
  EXPECT_EQ(blocks[2].filter_size, 16);
  EXPECT_EQ(blocks[3].offset, 200);
}

TEST(LossSurface, MatchesTheClosedFormOnTheGrid) {
  Vec theta(2), d1(2), d2(2);
  theta << 1, 0;
  d1 << 1, 0;
  d2 << 0, 1;
  const Grid g = loss_surface(theta, d1, d2, squared_norm(), 1.0, 5);  // a, b in {-1, -0.5, 0, 0.5, 1}
  ASSERT_EQ(g.values.size(), 25u);
  EXPECT_DOUBLE_EQ(g.at(2, 2), 1.0);   // theta itself
  EXPECT_DOUBLE_EQ(g.at(0, 2), 0.0);   // a = -1: (0, 0)
  EXPECT_DOUBLE_EQ(g.at(4, 4), 5.0);   // (2, 1)
}

TEST(LossSurface, IsTheSameWithOneThreadOrMany) {
  Vec theta = Vec::LinSpaced(6, -1.0, 1.0);
  Rng rng(1);
  const Vec d1 = filter_normalized_direction(theta, {}, rng);
  const Vec d2 = filter_normalized_direction(theta, {}, rng);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const Grid one = loss_surface(theta, d1, d2, squared_norm(), 0.5, 7);
  omp_set_num_threads(std::max(threads, 2));
  const Grid many = loss_surface(theta, d1, d2, squared_norm(), 0.5, 7);
  omp_set_num_threads(threads);
  EXPECT_EQ(one.values, many.values);
}

TEST(LossLine, EndsAtBothParameterVectors) {
  Vec theta0(2), theta1(2);
  theta0 << 2, 0;
  theta1 << 0, 1;
  const auto losses = loss_line(theta0, theta1, {-0.5, 0.0, 1.0, 1.5}, squared_norm());
  EXPECT_DOUBLE_EQ(losses[1], 4.0);
  EXPECT_DOUBLE_EQ(losses[2], 1.0);
  EXPECT_DOUBLE_EQ(losses[0], 3.0 * 3.0 + 0.25);  // (1.5 * 2, -0.5 * 1)
}

TEST(ModelLandscape, CentreOfTheSurfaceIsTheTrainedLoss) {
  const auto r = model_landscape({.data = "iris", .model = "softmax", .epochs = 2, .resolution = 5});
  ASSERT_EQ(r.surface.values.size(), 25u);
  EXPECT_NEAR(r.surface.at(2, 2), r.trained_loss, 1e-9 * std::max(1.0, r.trained_loss));
  EXPECT_NEAR(r.trained_loss, r.training.train_loss, 0.5);  // full-set loss vs mean of minibatch losses
  ASSERT_EQ(r.figure.panels.size(), 1u);
  EXPECT_TRUE(r.figure.panels[0].fill.has_value());
}

TEST(ModelLandscape, LineRunsFromInitialToTrained) {
  const auto r = model_landscape({.data = "iris", .model = "softmax", .epochs = 3, .one_dimensional = true,
                                  .resolution = 9});
  ASSERT_EQ(r.alphas.size(), r.losses.size());
  const auto at = [&](double a) -> double {
    for (std::size_t k = 0; k < r.alphas.size(); ++k) {
      if (std::abs(r.alphas[k] - a) < 1e-12) return r.losses[k];
    }
    return NAN;
  };
  // softmax starts from zeros: the loss at a = 0 is log(3) for three classes.
  EXPECT_NEAR(at(0.0), std::log(3.0), 1e-9);
  EXPECT_NEAR(at(1.0), r.trained_loss, 1e-9);
  EXPECT_LT(at(1.0), at(0.0));
}

}  // namespace
}  // namespace descent::plot

namespace descent::plot {
namespace {

TEST(LossSurfaceLimits, ASpanPastTheLimitIsRefused) {
  const Vec theta = Vec::Zero(2), d1 = Vec::Ones(2), d2 = Vec::Ones(2);
  try {
    loss_surface(theta, d1, d2, squared_norm(), 1e308, 5);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "landscape: span = 1e+308; must lie in (0, 1000]");
  }
}

TEST(LossSurfaceLimits, AResolutionPastTheLimitIsRefusedBeforeAllocation) {
  const Vec theta = Vec::Zero(2), d1 = Vec::Ones(2), d2 = Vec::Ones(2);
  try {
    loss_surface(theta, d1, d2, squared_norm(), 1.0, 100000);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "landscape: resolution = 100000; must lie in [3, 501]");
  }
}

}  // namespace
}  // namespace descent::plot
