// The tapes for gradients (double) and Hessian-vector products (Dual), compiled once here.
#include "descent/autodiff/var.hpp"

namespace descent::autodiff {

template class Tape<double>;
template class Tape<Dual>;

}  // namespace descent::autodiff
