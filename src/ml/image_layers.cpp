// The image layers: convolution, max pooling and the channels-last reordering (see layers.hpp).

// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 GEMM kernels.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <cstdint>
#include <type_traits>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/ml/layers.hpp"
#include "ml/conv_kernels.hpp"
#include "ml/eigen_maps.hpp"
#include "ml/init_weights.hpp"

namespace descent::ml {
namespace {

using detail::ConstMatMap;
using detail::MatMap;
using detail::RowMatrix;

// Convolution over channels-last images by direct kernels over zero-padded copies
// (conv_kernels.hpp): Y = conv(X, W) + b image by image. Backward: dW accumulates over chunks of
// images, db = column sums of dY, and dX is itself a convolution, of dY with the kernel flipped
// and padded on the other side, so it takes the forward kernel instead of scattering back.
template <typename T>
class Conv2d final : public Layer<T> {
 public:
  Conv2d(ImageShape input, Index out_channels, Index kernel)
      : in_(input),
        out_channels_(out_channels),
        kernel_(kernel),
        taps_(kernel * kernel * input.channels),
        shape_(input.channels, kernel, input.height, input.width, out_channels),
        back_shape_(out_channels, kernel, input.height, input.width, input.channels),
        padded_(shape_, kernel / 2, chunk()),
        padded_grad_(back_shape_, kernel - 1 - kernel / 2, 1) {
    if (kernel < 1 || out_channels < 1) throw_usage("cnn: kernel and channels must be positive");
  }
  std::string describe() const override {
    return fmt::format("conv2d({}x{}x{} -> {}, kernel {})", in_.channels, in_.height, in_.width,
                       out_channels_, kernel_);
  }
  Index input_size() const override { return in_.size(); }
  Index output_size() const override { return in_.height * in_.width * out_channels_; }
  Index num_params() const override { return out_channels_ * taps_ + out_channels_; }
  Index bias_count() const override { return out_channels_; }
  void bind(T* params, T* grad) override {
    params_ = params;
    grad_ = grad;
  }
  void init(Init init, Rng& rng) override {
    detail::init_weights(init, rng, taps_, kernel_ * kernel_ * out_channels_, params_,
                         out_channels_ * taps_, params_ + out_channels_ * taps_, out_channels_);
  }
  void reserve(Index) override {
    wt_.resize(taps_, out_channels_);
    flipped_.resize(back_shape_.taps(), in_.channels);
    zeros_.assign(static_cast<std::size_t>(in_.channels), T(0));
  }
  void forward(const T* in, T* out, Index batch) override {
    reserve(batch);
    wt_ = ConstMatMap<T>(params_, out_channels_, taps_).transpose();
    const T* bias = params_ + out_channels_ * taps_;
    for (Index b = 0; b < batch; ++b) {
      detail::conv_image(shape_, padded_.fill(in + b * input_size(), 1), wt_.data(), bias,
                         out + b * output_size());
    }
  }
  void backward(const T* in, const T*, const T* dout, T* din, Index batch) override {
    reserve(batch);
    const Index oc = out_channels_;
    detail::column_sums(dout, batch * in_.height * in_.width, oc, grad_ + oc * taps_);
    wt_.setZero();  // dW^T, taps x out channels
    for (Index b0 = 0, step = padded_.capacity(); b0 < batch; b0 += step) {
      const Index count = std::min(step, batch - b0);
      detail::conv_weight_grad(shape_, padded_.fill(in + b0 * input_size(), count), count,
                               dout + b0 * output_size(), wt_.data());
    }
    MatMap<T>(grad_, oc, taps_) = wt_.transpose();
    if (din == nullptr) return;
    flip_kernel();
    for (Index b = 0; b < batch; ++b) {
      detail::conv_image(back_shape_, padded_grad_.fill(dout + b * output_size(), 1),
                         flipped_.data(), zeros_.data(), din + b * input_size());
    }
  }

 private:
  // Images per chunk of the weight gradient: their padded copies and dY within ~256 KB (L2).
  Index chunk() const {
    constexpr Index kChunkValues = Index{1} << 16;
    return std::max<Index>(1, kChunkValues / (shape_.padded_size() + output_size()));
  }
  // flipped_ (kernel row, kernel column, out channel) x in channel = W at the mirrored tap.
  void flip_kernel() {
    const Index k = kernel_, c = in_.channels, oc = out_channels_;
    ConstMatMap<T> w(params_, oc, taps_);
    for (Index ky = 0; ky < k; ++ky) {
      for (Index kx = 0; kx < k; ++kx) {
        const Index mirrored = ((k - 1 - ky) * k + (k - 1 - kx)) * oc;
        for (Index o = 0; o < oc; ++o) {
          for (Index i = 0; i < c; ++i) flipped_(mirrored + o, i) = w(o, (ky * k + kx) * c + i);
        }
      }
    }
  }

  ImageShape in_;
  Index out_channels_, kernel_, taps_;
  T* params_ = nullptr;
  T* grad_ = nullptr;
  detail::ConvGeometry shape_, back_shape_;
  detail::PaddedImages<T> padded_, padded_grad_;
  RowMatrix<T> wt_, flipped_;
  std::vector<T> zeros_;
};

// Max pooling over channels-last images. Each output value remembers which position of its
// window won (an integer as wide as T, the width of a comparison's mask), so that the backward
// pass writes every input value once (the winner's gradient or zero) with no clearing pass.
// Channels are the vector lanes, as in the convolution.
template <typename T>
class MaxPool final : public Layer<T> {
  using Winner = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
  using WinnerLanes [[gnu::vector_size(sizeof(detail::Lanes<T>))]] = Winner;

 public:
  MaxPool(ImageShape input, Index size) : in_(input), size_(size) {
    if (size < 1 || input.height < size || input.width < size) {
      throw_usage("cnn: a {}x{} pool does not fit a {}x{} image", size, size, input.height,
                  input.width);
    }
    out_ = {input.channels, input.height / size, input.width / size};
  }
  std::string describe() const override { return fmt::format("max_pool({})", size_); }
  Index input_size() const override { return in_.size(); }
  Index output_size() const override { return out_.size(); }
  void reserve(Index max_batch) override {
    winner_.resize(static_cast<std::size_t>(max_batch * out_.size()));
  }
  void forward(const T* in, T* out, Index batch) override {
    reserve(batch);
    if (detail::fills_lanes<T>(in_.channels))
      return forward_lanes<detail::Lanes<T>, WinnerLanes>(in, out, batch);
    forward_lanes<T, Winner>(in, out, batch);
  }
  void backward(const T*, const T*, const T* dout, T* din, Index batch) override {
    if (din == nullptr) return;
    if (detail::fills_lanes<T>(in_.channels))
      return backward_lanes<detail::Lanes<T>, WinnerLanes>(dout, din, batch);
    backward_lanes<T, Winner>(dout, din, batch);
  }

 private:
  // The window's positions are visited in row order; strict > keeps the first maximum, as
  // PyTorch does.
  template <typename V, typename W>
  void forward_lanes(const T* in, T* out, Index batch) {
    constexpr auto kLanes = static_cast<Index>(sizeof(V) / sizeof(T));
    const Index c = in_.channels, s = size_;
    for (Index b = 0; b < batch; ++b) {
      for (Index oy = 0; oy < out_.height; ++oy) {
        for (Index ox = 0; ox < out_.width; ++ox) {
          const T* x = in + ((b * in_.height + oy * s) * in_.width + ox * s) * c;
          const Index o = ((b * out_.height + oy) * out_.width + ox) * c;
          for (Index k = 0; k < c; k += kLanes) {
            V best;
            detail::load_lanes(best, x + k);
            W where = W{};
            for (Index dy = 0; dy < s; ++dy) {
              for (Index dx = dy == 0 ? 1 : 0; dx < s; ++dx) {
                V v;
                detail::load_lanes(v, x + (dy * in_.width + dx) * c + k);
                const auto larger = v > best;
                best = larger ? v : best;
                where = larger ? W{} + static_cast<Winner>(dy * s + dx) : where;
              }
            }
            detail::store_lanes(out + o + k, best);
            detail::store_lanes(winner_.data() + o + k, where);
          }
        }
      }
    }
  }
  // The gradient flows only to the input that won each window; the rest, and a ragged edge the
  // windows do not cover, get zero.
  template <typename V, typename W>
  void backward_lanes(const T* dout, T* din, Index batch) {
    constexpr auto kLanes = static_cast<Index>(sizeof(V) / sizeof(T));
    const Index c = in_.channels, s = size_, covered = out_.width * s * c;
    for (Index b = 0; b < batch; ++b) {
      for (Index oy = 0; oy < out_.height; ++oy) {
        for (Index ox = 0; ox < out_.width; ++ox) {
          T* dx = din + ((b * in_.height + oy * s) * in_.width + ox * s) * c;
          const Index o = ((b * out_.height + oy) * out_.width + ox) * c;
          for (Index k = 0; k < c; k += kLanes) {
            V dy;
            W where;
            detail::load_lanes(dy, dout + o + k);
            detail::load_lanes(where, winner_.data() + o + k);
            for (Index wy = 0; wy < s; ++wy) {
              for (Index wx = 0; wx < s; ++wx) {
                const V g = where == W{} + static_cast<Winner>(wy * s + wx) ? dy : V{};
                detail::store_lanes(dx + (wy * in_.width + wx) * c + k, g);
              }
            }
          }
        }
        for (Index wy = 0; wy < s; ++wy) {  // columns past the last window
          T* row = din + ((b * in_.height + oy * s + wy) * in_.width) * c;
          std::fill(row + covered, row + in_.width * c, T(0));
        }
      }
      T* rest = din + (b * in_.height + out_.height * s) * in_.width * c;  // rows past them
      std::fill(rest, din + (b + 1) * in_.size(), T(0));
    }
  }

  ImageShape in_, out_;
  Index size_;
  std::vector<Winner> winner_;
};

template <typename T>
class ChannelsLast final : public Layer<T> {
 public:
  explicit ChannelsLast(ImageShape shape) : shape_(shape) {}
  std::string describe() const override { return "channels_last"; }
  Index input_size() const override { return shape_.size(); }
  Index output_size() const override { return shape_.size(); }
  void forward(const T* in, T* out, Index batch) override {
    const Index hw = shape_.height * shape_.width, c = shape_.channels;
    for (Index b = 0; b < batch; ++b) {
      for (Index k = 0; k < c; ++k) {
        for (Index p = 0; p < hw; ++p) out[(b * hw + p) * c + k] = in[(b * c + k) * hw + p];
      }
    }
  }
  void backward(const T*, const T*, const T* dout, T* din, Index batch) override {
    if (din == nullptr) return;
    const Index hw = shape_.height * shape_.width, c = shape_.channels;
    for (Index b = 0; b < batch; ++b) {
      for (Index k = 0; k < c; ++k) {
        for (Index p = 0; p < hw; ++p) din[(b * c + k) * hw + p] = dout[(b * hw + p) * c + k];
      }
    }
  }

 private:
  ImageShape shape_;
};

}  // namespace

template <typename T>
std::unique_ptr<Layer<T>> make_conv2d(ImageShape input, Index out_channels, Index kernel) {
  return std::make_unique<Conv2d<T>>(input, out_channels, kernel);
}
template <typename T>
std::unique_ptr<Layer<T>> make_max_pool(ImageShape input, Index size) {
  return std::make_unique<MaxPool<T>>(input, size);
}
template <typename T>
std::unique_ptr<Layer<T>> make_channels_last(ImageShape shape) {
  return std::make_unique<ChannelsLast<T>>(shape);
}

#define DESCENT_ML_INSTANTIATE(T)                                              \
  template std::unique_ptr<Layer<T>> make_conv2d<T>(ImageShape, Index, Index); \
  template std::unique_ptr<Layer<T>> make_max_pool<T>(ImageShape, Index);      \
  template std::unique_ptr<Layer<T>> make_channels_last<T>(ImageShape);
DESCENT_ML_INSTANTIATE(float)
DESCENT_ML_INSTANTIATE(double)
#undef DESCENT_ML_INSTANTIATE

}  // namespace descent::ml
