// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 GEMM kernels.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "descent/ml/layers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "ml/eigen_maps.hpp"

namespace descent::ml {
namespace {

using detail::ConstMatMap;
using detail::MatMap;
using detail::RowVec;

// Weight draws for a layer with the given fans (see Init in layers.hpp).
template <typename T>
void init_weights(Init init, Rng& rng, Index fan_in, Index fan_out, T* weights, Index count,
                  T* biases, Index bias_count) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  for (Index i = 0; i < count; ++i) {
    double w = 0.0;
    switch (init) {
      case Init::zeros: break;
      case Init::uniform: w = rng.uniform(-bound, bound); break;
      case Init::xavier: {
        const double a = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
        w = rng.uniform(-a, a);
        break;
      }
      case Init::he: w = rng.normal(0.0, std::sqrt(2.0 / static_cast<double>(fan_in))); break;
    }
    weights[i] = static_cast<T>(w);
  }
  for (Index i = 0; i < bias_count; ++i) {
    biases[i] = static_cast<T>(init == Init::uniform ? rng.uniform(-bound, bound) : 0.0);
  }
}

template <typename T>
class Dense final : public Layer<T> {
 public:
  Dense(Index inputs, Index outputs) : in_(inputs), out_(outputs) {}
  std::string describe() const override { return fmt::format("dense({} -> {})", in_, out_); }
  Index input_size() const override { return in_; }
  Index output_size() const override { return out_; }
  Index num_params() const override { return out_ * in_ + out_; }
  Index bias_count() const override { return out_; }
  void bind(T* params, T* grad) override {
    params_ = params;
    grad_ = grad;
  }
  void init(Init init, Rng& rng) override {
    init_weights(init, rng, in_, out_, params_, out_ * in_, params_ + out_ * in_, out_);
  }
  // y = x W^T + 1 b^T
  void forward(const T* in, T* out, Index batch) override {
    ConstMatMap<T> x(in, batch, in_);
    ConstMatMap<T> w(params_, out_, in_);
    MatMap<T> y(out, batch, out_);
    y.noalias() = x * w.transpose();
    y.rowwise() += Eigen::Map<const RowVec<T>>(params_ + out_ * in_, out_);
  }
  // dW = dy^T x, db = column sums of dy, dx = dy W
  void backward(const T* in, const T*, const T* dout, T* din, Index batch) override {
    ConstMatMap<T> x(in, batch, in_);
    ConstMatMap<T> dy(dout, batch, out_);
    MatMap<T> dw(grad_, out_, in_);
    dw.noalias() = dy.transpose() * x;
    Eigen::Map<RowVec<T>>(grad_ + out_ * in_, out_) = dy.colwise().sum();
    if (din != nullptr) {
      MatMap<T> dx(din, batch, in_);
      dx.noalias() = dy * ConstMatMap<T>(params_, out_, in_);
    }
  }

 private:
  Index in_, out_;
  T* params_ = nullptr;
  T* grad_ = nullptr;
};

template <typename T>
class ActivationLayer final : public Layer<T> {
 public:
  ActivationLayer(Activation activation, Index size) : activation_(activation), size_(size) {}
  std::string describe() const override {
    static constexpr const char* kNames[] = {"relu", "tanh", "sigmoid"};
    return kNames[static_cast<int>(activation_)];
  }
  Index input_size() const override { return size_; }
  Index output_size() const override { return size_; }
  void forward(const T* in, T* out, Index batch) override {
    const Index n = batch * size_;
    switch (activation_) {
      case Activation::relu:
        for (Index i = 0; i < n; ++i) out[i] = in[i] > T(0) ? in[i] : T(0);
        break;
      case Activation::tanh:
        for (Index i = 0; i < n; ++i) out[i] = std::tanh(in[i]);
        break;
      case Activation::sigmoid:
        for (Index i = 0; i < n; ++i) out[i] = T(1) / (T(1) + std::exp(-in[i]));
        break;
    }
  }
  // relu' = [y > 0], tanh' = 1 - y^2, sigmoid' = y (1 - y), all from the output y.
  void backward(const T*, const T* out, const T* dout, T* din, Index batch) override {
    if (din == nullptr) return;
    const Index n = batch * size_;
    switch (activation_) {
      case Activation::relu:
        for (Index i = 0; i < n; ++i) din[i] = out[i] > T(0) ? dout[i] : T(0);
        break;
      case Activation::tanh:
        for (Index i = 0; i < n; ++i) din[i] = dout[i] * (T(1) - out[i] * out[i]);
        break;
      case Activation::sigmoid:
        for (Index i = 0; i < n; ++i) din[i] = dout[i] * out[i] * (T(1) - out[i]);
        break;
    }
  }

 private:
  Activation activation_;
  Index size_;
};

// Convolution over channels-last images: each output pixel's receptive field (kernel x kernel x
// in_channels values, zero outside the image) is one row of `cols_`, so the layer is one GEMM
// Y (batch*H*W x out_channels) = cols W^T + b.
template <typename T>
class Conv2d final : public Layer<T> {
 public:
  Conv2d(ImageShape input, Index out_channels, Index kernel)
      : in_(input), out_channels_(out_channels), kernel_(kernel), pad_(kernel / 2) {
    if (kernel < 1 || out_channels < 1) throw_usage("cnn: kernel and channels must be positive");
    taps_ = kernel_ * kernel_ * in_.channels;
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
    init_weights(init, rng, taps_, kernel_ * kernel_ * out_channels_, params_, out_channels_ * taps_,
                 params_ + out_channels_ * taps_, out_channels_);
  }
  void reserve(Index) override {
    cols_.resize(static_cast<std::size_t>(chunk() * in_.height * in_.width * taps_));
  }
  // The batch goes through in chunks of chunk() samples so that the columns (im2col's copy of
  // the input, kernel^2 times its size) stay in the L2 cache between im2col and the GEMM.
  void forward(const T* in, T* out, Index batch) override {
    reserve(batch);
    const Index hw = in_.height * in_.width;
    ConstMatMap<T> w(params_, out_channels_, taps_);
    const Eigen::Map<const RowVec<T>> bias(params_ + out_channels_ * taps_, out_channels_);
    for (Index b0 = 0; b0 < batch; b0 += chunk()) {
      const Index samples = std::min(chunk(), batch - b0);
      im2col(in, b0, samples);
      ConstMatMap<T> cols(cols_.data(), samples * hw, taps_);
      MatMap<T> y(out + b0 * hw * out_channels_, samples * hw, out_channels_);
      y.noalias() = cols * w.transpose();
      y.rowwise() += bias;
    }
  }
  // dW = sum over chunks of dy^T cols (the columns rebuilt from the input), db = column sums of
  // dy; dcols = dy W, then each tap adds back into the input pixel it was copied from (col2im).
  void backward(const T* in, const T*, const T* dout, T* din, Index batch) override {
    const Index hw = in_.height * in_.width;
    MatMap<T> dw(grad_, out_channels_, taps_);
    dw.setZero();
    Eigen::Map<RowVec<T>>(grad_ + out_channels_ * taps_, out_channels_) =
        ConstMatMap<T>(dout, batch * hw, out_channels_).colwise().sum();
    ConstMatMap<T> w(params_, out_channels_, taps_);
    if (din != nullptr) std::fill(din, din + batch * in_.size(), T(0));
    for (Index b0 = 0; b0 < batch; b0 += chunk()) {
      const Index samples = std::min(chunk(), batch - b0);
      im2col(in, b0, samples);
      MatMap<T> cols(cols_.data(), samples * hw, taps_);
      ConstMatMap<T> dy(dout + b0 * hw * out_channels_, samples * hw, out_channels_);
      dw.noalias() += dy.transpose() * cols;
      if (din == nullptr) continue;
      cols.noalias() = dy * w;
      col2im(din, b0, samples);
    }
  }

 private:
  // The columns [lo, hi) of output x for which input x + kx - pad lies inside the image.
  std::pair<Index, Index> inside_columns(Index kx) const {
    const Index lo = std::clamp<Index>(pad_ - kx, 0, in_.width);
    const Index hi = std::clamp<Index>(in_.width + pad_ - kx, lo, in_.width);
    return {lo, hi};
  }
  // Visits every (output pixel, tap) pair of one output row whose input pixel is inside the
  // image as body(column offset in cols_, input offset), and every outside one as
  // outside(column offset): the ranges are computed once per tap, not tested per pixel.
  Index chunk() const {
    constexpr Index kChunkFloats = 1 << 16;  // 256 KB of float columns
    return std::max<Index>(1, kChunkFloats / (in_.height * in_.width * taps_));
  }
  // Visits every (output pixel, tap) pair of output row oy of sample b (at position `slot` in
  // the chunk) whose input pixel is inside the image as inside(column offset in cols_, input
  // offset), and every other one as outside(column offset): the ranges are computed once per
  // tap, not tested per pixel.
  template <typename Inside, typename Outside>
  void for_row_taps(Index b, Index slot, Index oy, Inside&& inside, Outside&& outside) const {
    const Index h = in_.height, w = in_.width, c = in_.channels;
    const Index row0 = (slot * h + oy) * w * taps_;
    for (Index ky = 0; ky < kernel_; ++ky) {
      const Index iy = oy + ky - pad_;
      for (Index kx = 0; kx < kernel_; ++kx) {
        const Index tap = (ky * kernel_ + kx) * c;
        const auto [lo, hi] = iy >= 0 && iy < h ? inside_columns(kx) : std::pair<Index, Index>{w, w};
        for (Index ox = 0; ox < lo; ++ox) outside(row0 + ox * taps_ + tap);
        for (Index ox = hi; ox < w; ++ox) outside(row0 + ox * taps_ + tap);
        if (lo >= hi) continue;
        const Index in0 = ((b * h + iy) * w + kx - pad_) * c;
        for (Index ox = lo; ox < hi; ++ox) inside(row0 + ox * taps_ + tap, in0 + ox * c);
      }
    }
  }
  // Columns of samples [b0, b0 + samples) into cols_.
  void im2col(const T* in, Index b0, Index samples) {
    const Index c = in_.channels;
    T* cols = cols_.data();
    for (Index slot = 0; slot < samples; ++slot) {
      for (Index oy = 0; oy < in_.height; ++oy) {
        for_row_taps(
            b0 + slot, slot, oy,
            [&](Index col, Index pixel) { for (Index k = 0; k < c; ++k) cols[col + k] = in[pixel + k]; },
            [&](Index col) { for (Index k = 0; k < c; ++k) cols[col + k] = T(0); });
      }
    }
  }
  void col2im(T* din, Index b0, Index samples) const {
    const Index c = in_.channels;
    const T* cols = cols_.data();
    for (Index slot = 0; slot < samples; ++slot) {
      for (Index oy = 0; oy < in_.height; ++oy) {
        for_row_taps(
            b0 + slot, slot, oy,
            [&](Index col, Index pixel) { for (Index k = 0; k < c; ++k) din[pixel + k] += cols[col + k]; },
            [](Index) {});
      }
    }
  }

  ImageShape in_;
  Index out_channels_, kernel_, pad_, taps_ = 0;
  T* params_ = nullptr;
  T* grad_ = nullptr;
  AlignedBuffer<T> cols_;
};

template <typename T>
class MaxPool final : public Layer<T> {
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
    argmax_.resize(static_cast<std::size_t>(max_batch * out_.size()));
  }
  // Per output pixel the window's pixels are visited in row order, each a contiguous run of
  // `channels` values, so the inner loop runs over channels (strict > keeps the first maximum).
  void forward(const T* in, T* out, Index batch) override {
    const Index c = in_.channels;
    for (Index b = 0; b < batch; ++b) {
      for (Index oy = 0; oy < out_.height; ++oy) {
        for (Index ox = 0; ox < out_.width; ++ox) {
          const Index o = ((b * out_.height + oy) * out_.width + ox) * c;
          T* best = out + o;
          std::int64_t* where = argmax_.data() + o;
          for (Index dy = 0; dy < size_; ++dy) {
            for (Index dx = 0; dx < size_; ++dx) {
              const Index i = ((b * in_.height + oy * size_ + dy) * in_.width + ox * size_ + dx) * c;
              if (dy == 0 && dx == 0) {
                for (Index k = 0; k < c; ++k) {
                  best[k] = in[i + k];
                  where[k] = i + k;
                }
                continue;
              }
              for (Index k = 0; k < c; ++k) {
                const bool larger = in[i + k] > best[k];
                best[k] = larger ? in[i + k] : best[k];
                where[k] = larger ? i + k : where[k];
              }
            }
          }
        }
      }
    }
  }
  // The gradient flows only to the input that won each window.
  void backward(const T*, const T*, const T* dout, T* din, Index batch) override {
    if (din == nullptr) return;
    std::fill(din, din + batch * in_.size(), T(0));
    const Index n = batch * out_.size();
    for (Index o = 0; o < n; ++o) din[argmax_[static_cast<std::size_t>(o)]] = dout[o];
  }

 private:
  ImageShape in_, out_;
  Index size_;
  std::vector<std::int64_t> argmax_;
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
std::unique_ptr<Layer<T>> make_dense(Index inputs, Index outputs) {
  return std::make_unique<Dense<T>>(inputs, outputs);
}
template <typename T>
std::unique_ptr<Layer<T>> make_activation(Activation activation, Index size) {
  return std::make_unique<ActivationLayer<T>>(activation, size);
}
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

#define DESCENT_ML_INSTANTIATE(T)                                                         \
  template std::unique_ptr<Layer<T>> make_dense<T>(Index, Index);                         \
  template std::unique_ptr<Layer<T>> make_activation<T>(Activation, Index);               \
  template std::unique_ptr<Layer<T>> make_conv2d<T>(ImageShape, Index, Index);            \
  template std::unique_ptr<Layer<T>> make_max_pool<T>(ImageShape, Index);                 \
  template std::unique_ptr<Layer<T>> make_channels_last<T>(ImageShape);
DESCENT_ML_INSTANTIATE(float)
DESCENT_ML_INSTANTIATE(double)
#undef DESCENT_ML_INSTANTIATE

}  // namespace descent::ml
