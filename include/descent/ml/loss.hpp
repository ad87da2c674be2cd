// Losses at the end of a network, as PyTorch defines them, with their gradient with respect to
// the network's outputs. Example: double sum = loss_sum(LossKind::cross_entropy, out, y, b, 10, delta, 1.0 / b);
#pragma once

#include <string_view>

#include "descent/core/types.hpp"

namespace descent::ml {

enum class LossKind {
  mse,            // (out - y)^2 per sample (torch.nn.MSELoss), one output
  binary_logit,   // softplus(z) - y z (BCEWithLogitsLoss), one output z, y in {0, 1}
  cross_entropy,  // logsumexp(z) - z_y (CrossEntropyLoss), one output per class, y a class index
};

std::string_view to_string(LossKind kind);

// The sum of the per-sample losses over a batch of network outputs `out` (batch x outputs,
// row-major) with targets `y` (values, or class indices stored as doubles). When `delta` is not
// null it receives delta_scale * dL/dout (pass 1/n for the gradient of the mean). The sum is
// accumulated in double.
template <typename T>
double loss_sum(LossKind kind, const T* out, const double* y, Index batch, Index outputs, T* delta,
                double delta_scale);

// Per-sample predictions from outputs: the class (argmax, or z > 0 for binary_logit) or the value.
template <typename T>
double predict_one(LossKind kind, const T* out, Index outputs);

// Class probabilities of one sample (softmax, or sigmoid for binary_logit: [1 - p, p]) into
// `probs` (outputs, or 2 for binary_logit, entries).
template <typename T>
void class_probabilities(LossKind kind, const T* out, Index outputs, double* probs);

}  // namespace descent::ml
