// The training loop's controls (TrainingRun members kept apart from the loop): the optimizer step
// through the parameter groups, gradient accumulation over several minibatches, and early stopping.

// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 GEMM kernels.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>

#include "descent/ml/clip.hpp"
#include "ml/training_run.hpp"

namespace descent::ml::detail {

template <typename T>
void TrainingRun<T>::optimizer_step() {
  if (options_.clip_value > 0) clip_grad_value(net_.grad(), options_.clip_value);
  if (options_.clip_norm > 0) clip_grad_norm(net_.grad(), options_.clip_norm);
  stepper_->step(net_.params(), std::span<const T>(net_.grad()));
  stepper_->schedule_step();
}

template <typename T>
std::int64_t TrainingRun<T>::steps_per_epoch() const {
  const std::int64_t batches = sampler_.batches_per_epoch();
  return (batches + options_.accumulate - 1) / options_.accumulate;
}

template <typename T>
Index TrainingRun<T>::rows_of_batches(Index first, Index last) const {
  Index rows = 0;
  for (Index b = first; b < last; ++b) rows += static_cast<Index>(sampler_.batch(b).size());
  return rows;
}

// The batches' gradients are already scaled by 1 / the group's rows (mean_rows_), so their sum is
// the group's mean gradient; added in batch order, as a big batch adds its shards.
template <typename T>
bool TrainingRun<T>::accumulate_grad(bool first, bool last) {
  T* sum = accumulated_.data();
  const T* grad = net_.grad().data();
  const auto n = static_cast<std::size_t>(net_.num_params());
  if (first) {
    std::copy_n(grad, n, sum);
  } else {
    for (std::size_t i = 0; i < n; ++i) sum[i] = sum[i] + grad[i];
  }
  if (!last) return false;
  std::copy_n(sum, n, net_.grad().data());
  return true;
}

// Keras's rule: an epoch improves when its figure beats the best kept one by more than min_delta;
// after `patience` epochs without one, the run stops.
template <typename T>
bool TrainingRun<T>::early_stop_after(const EpochRecord& record) {
  if (!early_stop_) return false;
  const double value = early_stop_->value(record);
  if (kept_epoch_ == 0 ||
      early_stop_->improves(
          value, early_stop_->value(history_.epochs[static_cast<std::size_t>(kept_epoch_ - 1)]))) {
    kept_epoch_ = record.epoch;
    kept_params_.assign(net_.params().begin(), net_.params().end());
  }
  return patience_spent();
}

#define DESCENT_TRAINING_CONTROLS(T)                                  \
  template void TrainingRun<T>::optimizer_step();                     \
  template std::int64_t TrainingRun<T>::steps_per_epoch() const;      \
  template Index TrainingRun<T>::rows_of_batches(Index, Index) const; \
  template bool TrainingRun<T>::accumulate_grad(bool, bool);          \
  template bool TrainingRun<T>::early_stop_after(const EpochRecord&);

DESCENT_TRAINING_CONTROLS(float)
DESCENT_TRAINING_CONTROLS(double)

}  // namespace descent::ml::detail
