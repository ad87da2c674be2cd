// Layers of a feed-forward network over row-major batches (one sample per row), with explicit
// backward passes. Parameters live in the network's one flat buffer; a layer holds offsets into it.
// Example: Dense<float> d(784, 256); d.bind(params, grad); d.forward(x, y, batch);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "descent/core/rng.hpp"
#include "descent/core/types.hpp"

namespace descent::ml {

// A contiguous buffer aligned as Eigen aligns its matrices (results of vectorized reductions
// then do not depend on where the allocator happened to place the data).
template <typename T>
using AlignedBuffer = std::vector<T, Eigen::aligned_allocator<T>>;

// How weights start: zeros (every unit the same: shows the symmetry problem), uniform
// (PyTorch's default U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases), xavier
// (Glorot uniform, a = sqrt(6 / (fan_in + fan_out))) or he (Kaiming normal, std = sqrt(2 /
// fan_in)). xavier and he start biases at zero. mlp and cnn default to uniform (see model.hpp).
enum class Init { zeros, uniform, xavier, he };
enum class Activation { relu, tanh, sigmoid };

// An image batch in channels-last layout: sample b, row h, column w, channel c lives at
// ((b * height + h) * width + w) * channels + c.
struct ImageShape {
  Index channels = 1;
  Index height = 1;
  Index width = 1;
  Index size() const { return channels * height * width; }
};

template <typename T>
class Layer {
 public:
  virtual ~Layer() = default;
  virtual std::string describe() const = 0;
  virtual Index input_size() const = 0;   // values per sample in
  virtual Index output_size() const = 0;  // values per sample out
  virtual Index num_params() const { return 0; }
  // The biases at the end of the layer's parameters (the rest are its weight matrix).
  virtual Index bias_count() const { return 0; }
  // Points the layer at its slice of the network's parameter and gradient buffers.
  virtual void bind(T* /*params*/, T* /*grad*/) {}
  virtual void init(Init /*init*/, Rng& /*rng*/) {}
  // Scratch sized for up to `max_batch` samples (called before forward; never inside a step).
  virtual void reserve(Index /*max_batch*/) {}
  // out (batch x output_size) = layer(in (batch x input_size)).
  virtual void forward(const T* in, T* out, Index batch) = 0;
  // Given dL/dout, writes dL/dparams into the bound gradient slice (overwriting) and, when
  // `din` is not null, dL/din. `in` and `out` are the values of the last forward().
  virtual void backward(const T* in, const T* out, const T* dout, T* din, Index batch) = 0;
};

// y = W x + b with W (out x in, row-major as in PyTorch) then b in the buffer.
template <typename T>
std::unique_ptr<Layer<T>> make_dense(Index inputs, Index outputs);
// Elementwise relu / tanh / sigmoid over `size` values per sample.
template <typename T>
std::unique_ptr<Layer<T>> make_activation(Activation activation, Index size);
// 2-D convolution, stride 1, zero padding kernel/2 ("same" for odd kernels), as im2col + GEMM.
// Weights (out_channels x kernel x kernel x in_channels) then biases (out_channels).
template <typename T>
std::unique_ptr<Layer<T>> make_conv2d(ImageShape input, Index out_channels, Index kernel);
// Max pooling over non-overlapping size x size windows (a ragged edge is dropped, as in PyTorch).
template <typename T>
std::unique_ptr<Layer<T>> make_max_pool(ImageShape input, Index size);

// Reorders each sample from channels-first (C x H x W, as data sets store images) to the
// channels-last layout the convolution layers use. No parameters.
template <typename T>
std::unique_ptr<Layer<T>> make_channels_last(ImageShape shape);

}  // namespace descent::ml
