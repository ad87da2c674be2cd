// The tapes for gradients (double) and Hessian-vector products (Dual), compiled once here, with
// the reverse sweep (kept out of line so that its code does not depend on the caller's).
#include "descent/autodiff/var.hpp"

namespace descent::autodiff {

template <class S>
void Tape<S>::backward(std::uint32_t output, const S& seed, std::uint32_t stop) {
  adjoints_.assign(size_, S(0.0));
  if (output == 0) return;  // a constant output: every derivative is zero
  adjoints_[output] = seed;
  const std::uint32_t* end = end_.get();
  const std::uint32_t* index = arg_index_.get();
  const S* partial = arg_partial_.get();
  S* adj = adjoints_.data();
  for (std::uint32_t i = output; i > stop; --i) {
    const S g = adj[i];
    const std::uint32_t last = end[i];
    for (std::uint32_t k = end[i - 1]; k < last; ++k) adj[index[k]] += partial[k] * g;
  }
}

template class Tape<double>;
template class Tape<Dual>;

}  // namespace descent::autodiff
