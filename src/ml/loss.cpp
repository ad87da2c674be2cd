#include "descent/ml/loss.hpp"

#include <algorithm>
#include <cmath>

namespace descent::ml {

std::string_view to_string(LossKind kind) {
  switch (kind) {
    case LossKind::mse: return "mse";
    case LossKind::binary_logit: return "binary_cross_entropy";
    case LossKind::cross_entropy: return "cross_entropy";
  }
  return "?";
}

namespace {

// softplus(z) = log(1 + e^z) without overflow: max(z, 0) + log1p(e^-|z|).
double softplus(double z) { return std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))); }

template <typename T>
double cross_entropy_row(const T* z, Index k, Index label, T* delta, double scale) {
  double top = static_cast<double>(z[0]);
  for (Index j = 1; j < k; ++j) top = std::max(top, static_cast<double>(z[j]));
  double total = 0.0;
  for (Index j = 0; j < k; ++j) total += std::exp(static_cast<double>(z[j]) - top);
  const double log_sum = top + std::log(total);
  // dL/dz_j = softmax_j - [j == y]
  if (delta != nullptr) {
    for (Index j = 0; j < k; ++j) {
      const double p = std::exp(static_cast<double>(z[j]) - log_sum);
      delta[j] = static_cast<T>(scale * (p - (j == label ? 1.0 : 0.0)));
    }
  }
  return log_sum - static_cast<double>(z[label]);
}

}  // namespace

template <typename T>
double loss_sum(LossKind kind, const T* out, const double* y, Index batch, Index outputs, T* delta,
                double delta_scale) {
  double sum = 0.0;
  for (Index i = 0; i < batch; ++i) {
    switch (kind) {
      case LossKind::mse: {
        // d/dout (out - y)^2 = 2 (out - y)
        const double r = static_cast<double>(out[i]) - y[i];
        sum += r * r;
        if (delta != nullptr) delta[i] = static_cast<T>(delta_scale * 2.0 * r);
        break;
      }
      case LossKind::binary_logit: {
        // d/dz (softplus(z) - y z) = sigmoid(z) - y
        const double z = static_cast<double>(out[i]);
        sum += softplus(z) - y[i] * z;
        if (delta != nullptr) delta[i] = static_cast<T>(delta_scale * (1.0 / (1.0 + std::exp(-z)) - y[i]));
        break;
      }
      case LossKind::cross_entropy:
        sum += cross_entropy_row(out + i * outputs, outputs, static_cast<Index>(y[i]),
                                 delta == nullptr ? nullptr : delta + i * outputs, delta_scale);
        break;
    }
  }
  return sum;
}

template <typename T>
double predict_one(LossKind kind, const T* out, Index outputs) {
  switch (kind) {
    case LossKind::mse: return static_cast<double>(out[0]);
    case LossKind::binary_logit: return out[0] > T(0) ? 1.0 : 0.0;
    case LossKind::cross_entropy:
      return static_cast<double>(std::max_element(out, out + outputs) - out);
  }
  return 0.0;
}

template <typename T>
void class_probabilities(LossKind kind, const T* out, Index outputs, double* probs) {
  if (kind == LossKind::binary_logit) {
    const double p = 1.0 / (1.0 + std::exp(-static_cast<double>(out[0])));
    probs[0] = 1.0 - p;
    probs[1] = p;
    return;
  }
  const double top = static_cast<double>(*std::max_element(out, out + outputs));
  double total = 0.0;
  for (Index j = 0; j < outputs; ++j) total += probs[j] = std::exp(static_cast<double>(out[j]) - top);
  for (Index j = 0; j < outputs; ++j) probs[j] /= total;
}

#define DESCENT_ML_INSTANTIATE(T)                                                                \
  template double loss_sum<T>(LossKind, const T*, const double*, Index, Index, T*, double);      \
  template double predict_one<T>(LossKind, const T*, Index);                                     \
  template void class_probabilities<T>(LossKind, const T*, Index, double*);
DESCENT_ML_INSTANTIATE(float)
DESCENT_ML_INSTANTIATE(double)
#undef DESCENT_ML_INSTANTIATE

}  // namespace descent::ml
