// Models from specs: linear, logistic, softmax, mlp(...), cnn(...), each a stack of layers whose
// parameters share ONE contiguous buffer (and gradients a matching one), so an optimizer step is
// one fused pass. Example: Network<float> net("mlp(hidden=[64])", shape); net.init(rng);
//
// Specs (keys in parentheses are optional; defaults shown):
//   linear                    y = w.x + b, MSE loss (regression)
//   logistic                  z = w.x + b, binary cross-entropy on sigmoid(z) (2 classes)
//   softmax                   z = W x + b, cross-entropy on softmax(z) (any number of classes)
//   mlp(hidden=[64], activation=relu|tanh|sigmoid, init=uniform|he|xavier|zeros)
//       dense + activation per hidden width, then a dense output layer (one output for
//       regression with MSE, one per class with cross-entropy)
//   cnn(channels=[8, 16], kernel=3, pool=2, hidden=64, activation=relu, init=uniform)
//       for image data: per entry of channels, conv2d(kernel, same padding) + activation +
//       max-pool(pool); then dense(hidden) + activation (hidden=0: none) and the output layer
// Every model also takes init= (linear/logistic/softmax default zeros: convex, so zeros is the
// natural start; mlp/cnn default uniform, PyTorch's default for nn.Linear and nn.Conv2d, for any
// activation; the earlier defaults, he for relu and xavier for tanh/sigmoid, stay selectable) and
// dtype=float32|float64 (linear/logistic/softmax default float64 so that least squares can be
// solved to 1e-6 relative; mlp/cnn default float32 for speed).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "descent/core/rng.hpp"
#include "descent/core/spec.hpp"
#include "descent/core/types.hpp"
#include "descent/ml/layers.hpp"
#include "descent/ml/loss.hpp"

namespace descent::ml {

// What a model is fitted to: inputs per sample, the task, and (for images) their shape.
struct ProblemShape {
  Index inputs = 0;
  bool classification = false;
  Index num_classes = 0;   // classification only, >= 2
  ImageShape image{0, 0, 0};  // channels 0: not an image
};

// The spec with every default filled in (canonical text is what checkpoints store), the loss
// it implies and its scalar type. Throws descent::Error (bad_usage) for an unknown model or key,
// or a model that does not fit the problem ("logistic needs 2 classes; this data set has 10").
struct ModelConfig {
  Spec spec;
  LossKind loss = LossKind::mse;
  bool double_precision = false;
};
ModelConfig resolve_model(std::string_view spec_text, const ProblemShape& shape);

// The number of parameters of the model on the problem, without allocating them. Throws as
// resolve_model and Network's constructor do.
Index count_params(std::string_view spec_text, const ProblemShape& shape);

// One parameter tensor of a model: layer `layer` (1-based, counting the layers with parameters:
// dense and conv2d, in order) has its weight matrix (rows = outputs or output channels, cols =
// inputs or kernel taps, row-major) then its biases (rows = the count, cols = 1) in the buffer.
struct ParamTensor {
  Index layer = 1;
  bool bias = false;
  Index offset = 0;  // into Network::params()
  Index rows = 0, cols = 0;
  Index size() const { return rows * cols; }
  std::string name() const;  // "layer1.weight", "layer2.bias"
};

// The parameter tensors of the model on the problem, in buffer order (without allocating them).
std::vector<ParamTensor> param_layout(std::string_view spec_text, const ProblemShape& shape);

// A model sensible for the problem when none is given: linear for regression, logistic for two
// classes, mlp(hidden=[64]) for ten or more inputs per class... (see model.cpp), softmax otherwise.
std::string default_model(const ProblemShape& shape);

// Limits on a model's size, checked before anything is allocated (bad_usage beyond them):
// parameters (each also has a gradient and up to two optimizer moments) and the values one
// example keeps between layers (times the batch size). They bound memory at a few GB.
inline constexpr std::int64_t kMaxParameters = 50'000'000;
inline constexpr std::int64_t kMaxValuesPerExample = 4'000'000;

template <typename T>
class Network {
 public:
  // Throws bad_usage when the model passes kMaxParameters or kMaxValuesPerExample.
  Network(std::string_view spec_text, const ProblemShape& shape);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  const ModelConfig& config() const { return config_; }
  std::string spec() const { return config_.spec.text(); }
  LossKind loss_kind() const { return config_.loss; }
  Index inputs() const { return shape_.inputs; }
  Index outputs() const;
  // One line per layer, e.g. "dense(64 -> 64)".
  std::vector<std::string> describe() const;

  Index num_params() const { return static_cast<Index>(params_.size()); }
  std::span<T> params() { return params_; }
  std::span<const T> params() const { return params_; }
  std::span<T> grad() { return grad_; }
  std::span<const T> grad() const { return grad_; }

  // Draws the initial parameters with the spec's initializer.
  void init(Rng& rng);
  // Sizes the scratch for batches of up to max_batch samples (done lazily otherwise).
  void reserve(Index max_batch);

  // Outputs (batch x outputs(), row-major; valid until the next call) for x (batch x inputs()).
  const T* forward(const T* x, Index batch);
  // Mean loss over the batch (targets y: values or class indices) and its gradient in grad().
  double loss_and_grad(const T* x, const double* y, Index batch);
  // Sum of the per-sample losses, and grad() = grad_scale * its gradient (a part of a bigger
  // batch passes 1 / the whole batch's size, so the parts' gradients add up to the mean's).
  double loss_sum_and_grad(const T* x, const double* y, Index batch, double grad_scale);
  // Makes this network (a worker of a data-parallel step) compute with `master`'s parameters;
  // its gradient buffer stays its own. Both must come from the same spec and shape.
  void use_params_of(Network& master);
  // Makes the backward pass write the gradient into grad[0, num_params()) (aligned as grad()
  // is) instead of grad(); null: grad() again. A data-parallel step writes each shard's
  // gradient straight into its slot.
  void write_grad_to(T* grad);
  // Sum of the per-sample losses over the batch, forward only.
  double loss_sum(const T* x, const double* y, Index batch);

 private:
  ModelConfig config_;
  ProblemShape shape_;
  std::vector<std::unique_ptr<Layer<T>>> layers_;
  // Buffers aligned as Eigen aligns its own (AlignedBuffer): Eigen's vectorized reductions
  // split work by the data's alignment, so an address-dependent alignment would make results
  // differ in the last bit from run to run.
  AlignedBuffer<T> params_, grad_;
  T* params_in_use_ = nullptr;  // params_, or the master's (use_params_of)
  std::vector<AlignedBuffer<T>> acts_;  // acts_[i]: output of layer i
  AlignedBuffer<T> delta_a_, delta_b_;
  Index max_batch_ = 0;
};

extern template class Network<float>;
extern template class Network<double>;

}  // namespace descent::ml
