// Gradient clipping, as torch.nn.utils.clip_grad_value_ and clip_grad_norm_, on a flat gradient.
// Example: double norm = clip_grad_norm(net.grad(), 1.0);
#pragma once

#include <span>

namespace descent::ml {

// g_i <- min(max(g_i, -clip_value), clip_value). clip_value must be positive.
template <typename T>
void clip_grad_value(std::span<T> grad, double clip_value);

// When ||g||_2 > max_norm: g <- g * max_norm / (||g||_2 + 1e-6) (PyTorch's coefficient).
// Returns the norm before clipping (accumulated in double). max_norm must be positive.
template <typename T>
double clip_grad_norm(std::span<T> grad, double max_norm);

}  // namespace descent::ml
