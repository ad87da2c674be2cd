// Convolution and max pooling against plain loops over the definitions, in float: the shapes
// take both the vector kernels (8 and 16 channels) and the one-lane fallback (1, 2 and 3), odd
// and even kernels, non-square images and ragged pooling edges.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "descent/ml/layers.hpp"

namespace descent::ml {
namespace {

struct ConvCase {
  Index channels, outputs, kernel, height, width;
};
constexpr ConvCase kConvCases[] = {
    {1, 8, 3, 7, 9}, {8, 16, 3, 6, 11}, {16, 8, 3, 5, 12}, {3, 2, 2, 5, 5}, {8, 8, 1, 4, 3}};
constexpr Index kBatch = 3;

std::vector<float> random_values(Index n, Rng& rng) {
  std::vector<float> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = static_cast<float>(rng.normal());
  return v;
}

// Plain convolution over channels-last images, stride 1, padding kernel / 2 before.
struct ConvReference {
  ConvCase c;
  const std::vector<float>& w;  // outputs x kernel x kernel x channels, then biases
  float x(const std::vector<float>& images, Index b, Index y, Index x_, Index i) const {
    if (y < 0 || y >= c.height || x_ < 0 || x_ >= c.width) return 0.0F;
    return images[static_cast<std::size_t>(((b * c.height + y) * c.width + x_) * c.channels + i)];
  }
  float weight(Index o, Index ky, Index kx, Index i) const {
    return w[static_cast<std::size_t>(((o * c.kernel + ky) * c.kernel + kx) * c.channels + i)];
  }
  // Calls visit(b, output pixel y, x, output channel, ky, kx, input channel, input y, input x).
  template <typename Visit>
  void each(Visit&& visit) const {
    const Index pad = c.kernel / 2;
    for (Index b = 0; b < kBatch; ++b)
      for (Index y = 0; y < c.height; ++y)
        for (Index x_ = 0; x_ < c.width; ++x_)
          for (Index o = 0; o < c.outputs; ++o)
            for (Index ky = 0; ky < c.kernel; ++ky)
              for (Index kx = 0; kx < c.kernel; ++kx)
                for (Index i = 0; i < c.channels; ++i)
                  visit(b, y, x_, o, ky, kx, i, y + ky - pad, x_ + kx - pad);
  }
};

struct ConvRun {
  std::vector<float> params, grad, images, dy, out, din;
};

ConvRun run_conv(const ConvCase& c) {
  auto layer = make_conv2d<float>({c.channels, c.height, c.width}, c.outputs, c.kernel);
  Rng rng(11);
  ConvRun run;
  run.params = random_values(layer->num_params(), rng);
  run.grad.assign(run.params.size(), 0.0F);
  run.images = random_values(kBatch * layer->input_size(), rng);
  run.dy = random_values(kBatch * layer->output_size(), rng);
  run.out.resize(run.dy.size());
  run.din.resize(run.images.size());
  layer->bind(run.params.data(), run.grad.data());
  layer->reserve(kBatch);
  layer->forward(run.images.data(), run.out.data(), kBatch);
  layer->backward(run.images.data(), run.out.data(), run.dy.data(), run.din.data(), kBatch);
  return run;
}

void expect_near_all(const std::vector<double>& expected, const float* actual) {
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_NEAR(actual[i], expected[i], 1e-4 * std::max(1.0, std::abs(expected[i]))) << "at " << i;
  }
}

TEST(Conv2d, ForwardMatchesTheDefinition) {
  for (const auto& c : kConvCases) {
    SCOPED_TRACE(::testing::Message()
                 << c.channels << " -> " << c.outputs << ", kernel " << c.kernel);
    const ConvRun run = run_conv(c);
    const ConvReference ref{c, run.params};
    const Index biases = c.outputs * c.kernel * c.kernel * c.channels;
    std::vector<double> y(run.out.size());
    for (std::size_t p = 0; p < y.size(); ++p)
      y[p] = run.params[static_cast<std::size_t>(biases) + p % static_cast<std::size_t>(c.outputs)];
    ref.each(
        [&](Index b, Index oy, Index ox, Index o, Index ky, Index kx, Index i, Index iy, Index ix) {
          y[static_cast<std::size_t>(((b * c.height + oy) * c.width + ox) * c.outputs + o)] +=
              double{ref.x(run.images, b, iy, ix, i)} * ref.weight(o, ky, kx, i);
        });
    expect_near_all(y, run.out.data());
  }
}

TEST(Conv2d, BackwardMatchesTheDefinition) {
  for (const auto& c : kConvCases) {
    SCOPED_TRACE(::testing::Message()
                 << c.channels << " -> " << c.outputs << ", kernel " << c.kernel);
    const ConvRun run = run_conv(c);
    const ConvReference ref{c, run.params};
    std::vector<double> grad(run.grad.size()), din(run.din.size());
    const Index biases = c.outputs * c.kernel * c.kernel * c.channels;
    ref.each([&](Index b, Index oy, Index ox, Index o, Index ky, Index kx, Index i, Index iy,
                 Index ix) {
      const double g =
          run.dy[static_cast<std::size_t>(((b * c.height + oy) * c.width + ox) * c.outputs + o)];
      grad[static_cast<std::size_t>(((o * c.kernel + ky) * c.kernel + kx) * c.channels + i)] +=
          g * ref.x(run.images, b, iy, ix, i);
      if (ky == 0 && kx == 0 && i == 0) grad[static_cast<std::size_t>(biases + o)] += g;
      if (iy >= 0 && iy < c.height && ix >= 0 && ix < c.width) {
        din[static_cast<std::size_t>(((b * c.height + iy) * c.width + ix) * c.channels + i)] +=
            g * ref.weight(o, ky, kx, i);
      }
    });
    expect_near_all(grad, run.grad.data());
    expect_near_all(din, run.din.data());
  }
}

struct PoolCase {
  Index channels, size, height, width;
};

TEST(MaxPool, ForwardAndBackwardMatchTheDefinitionWithTiesAndRaggedEdges) {
  // Small integers make ties common: the first maximum in row order takes the gradient.
  for (const auto& c : {PoolCase{8, 2, 7, 9}, PoolCase{3, 3, 7, 8}, PoolCase{16, 2, 4, 4}}) {
    SCOPED_TRACE(::testing::Message() << c.channels << " channels, pool " << c.size);
    auto layer = make_max_pool<float>({c.channels, c.height, c.width}, c.size);
    Rng rng(5);
    std::vector<float> x(static_cast<std::size_t>(kBatch * layer->input_size()));
    for (auto& v : x) v = static_cast<float>(rng.below(4));
    const std::vector<float> dy = random_values(kBatch * layer->output_size(), rng);
    std::vector<float> out(dy.size()), din(x.size(), 99.0F);
    layer->reserve(kBatch);
    layer->forward(x.data(), out.data(), kBatch);
    layer->backward(x.data(), out.data(), dy.data(), din.data(), kBatch);
    std::vector<double> want_out(out.size()), want_din(din.size(), 0.0);
    const Index oh = c.height / c.size, ow = c.width / c.size;
    for (Index b = 0; b < kBatch; ++b)
      for (Index oy = 0; oy < oh; ++oy)
        for (Index ox = 0; ox < ow; ++ox)
          for (Index k = 0; k < c.channels; ++k) {
            std::size_t best = 0;
            for (Index wy = 0; wy < c.size; ++wy)
              for (Index wx = 0; wx < c.size; ++wx) {
                const auto i = static_cast<std::size_t>(
                    ((b * c.height + oy * c.size + wy) * c.width + ox * c.size + wx) * c.channels +
                    k);
                if ((wy == 0 && wx == 0) || x[i] > x[best]) best = i;
              }
            const auto o = static_cast<std::size_t>(((b * oh + oy) * ow + ox) * c.channels + k);
            want_out[o] = x[best];
            want_din[best] = dy[o];
          }
    expect_near_all(want_out, out.data());
    expect_near_all(want_din, din.data());
  }
}

}  // namespace
}  // namespace descent::ml
