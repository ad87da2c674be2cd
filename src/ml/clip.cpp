#include "descent/ml/clip.hpp"

#include <algorithm>
#include <cmath>

namespace descent::ml {

template <typename T>
void clip_grad_value(std::span<T> grad, double clip_value) {
  const T hi = static_cast<T>(clip_value);
  for (T& g : grad) g = std::clamp(g, -hi, hi);
}

template <typename T>
double clip_grad_norm(std::span<T> grad, double max_norm) {
  double sum = 0.0;
  for (T g : grad) sum += static_cast<double>(g) * static_cast<double>(g);
  const double norm = std::sqrt(sum);
  const double coef = max_norm / (norm + 1e-6);
  if (coef < 1.0) {
    const T c = static_cast<T>(coef);
    for (T& g : grad) g *= c;
  }
  return norm;
}

template void clip_grad_value<float>(std::span<float>, double);
template void clip_grad_value<double>(std::span<double>, double);
template double clip_grad_norm<float>(std::span<float>, double);
template double clip_grad_norm<double>(std::span<double>, double);

}  // namespace descent::ml
