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
#include "ml/init_weights.hpp"

namespace descent::ml {
namespace {

using detail::ConstMatMap;
using detail::MatMap;
using detail::RowVec;

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
    detail::init_weights(init, rng, in_, out_, params_, out_ * in_, params_ + out_ * in_, out_);
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

}  // namespace

template <typename T>
std::unique_ptr<Layer<T>> make_dense(Index inputs, Index outputs) {
  return std::make_unique<Dense<T>>(inputs, outputs);
}
template <typename T>
std::unique_ptr<Layer<T>> make_activation(Activation activation, Index size) {
  return std::make_unique<ActivationLayer<T>>(activation, size);
}

#define DESCENT_ML_INSTANTIATE(T)                                 \
  template std::unique_ptr<Layer<T>> make_dense<T>(Index, Index); \
  template std::unique_ptr<Layer<T>> make_activation<T>(Activation, Index);

DESCENT_ML_INSTANTIATE(float)
DESCENT_ML_INSTANTIATE(double)
#undef DESCENT_ML_INSTANTIATE

}  // namespace descent::ml
