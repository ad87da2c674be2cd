// Weight draws for a layer with the given fans (see Init in layers.hpp; private to ml).
// Example: init_weights(Init::uniform, rng, 784, 64, w, 64 * 784, b, 64);
#pragma once

#include <cmath>

#include "descent/ml/layers.hpp"

namespace descent::ml::detail {

template <typename T>
void init_weights(Init init, Rng& rng, Index fan_in, Index fan_out, T* weights, Index count,
                  T* biases, Index bias_count) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  for (Index i = 0; i < count; ++i) {
    double w = 0.0;
    switch (init) {
      case Init::zeros:
        break;
      case Init::uniform:
        w = rng.uniform(-bound, bound);
        break;
      case Init::xavier: {
        const double a = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
        w = rng.uniform(-a, a);
        break;
      }
      case Init::he:
        w = rng.normal(0.0, std::sqrt(2.0 / static_cast<double>(fan_in)));
        break;
    }
    weights[i] = static_cast<T>(w);
  }
  for (Index i = 0; i < bias_count; ++i) {
    biases[i] = static_cast<T>(init == Init::uniform ? rng.uniform(-bound, bound) : 0.0);
  }
}

}  // namespace descent::ml::detail
