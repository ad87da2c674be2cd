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

// mu = the mean gradient over the training rows, taken in chunks of a batch in row order (each
// chunk's gradient already divided by the row count), so it is the same for any thread count.
template <typename T>
void TrainingRun<T>::svrg_snapshot() {
  const auto n = static_cast<std::size_t>(net_.num_params());
  svrg_point_.assign(net_.params().begin(), net_.params().end());
  svrg_mean_.assign(n, T(0));
  const Index rows = train_x_.rows(), chunk = sampler_.batch_size(), d = net_.inputs();
  mean_rows_ = rows;
  for (Index start = 0; start < rows; start += chunk) {
    loss_and_grad(train_x_.data() + start * d, train_y_.data() + start,
                  std::min(chunk, rows - start));
    const T* g = net_.grad().data();
    for (std::size_t i = 0; i < n; ++i) svrg_mean_[i] += g[i];
  }
  mean_rows_ = 0;
}

template <typename T>
void TrainingRun<T>::svrg_correct(const T* x, const double* y, Index count) {
  const auto n = static_cast<std::size_t>(net_.num_params());
  svrg_grad_.assign(net_.grad().begin(), net_.grad().end());  // g_B(w)
  T* params = net_.params().data();
  std::swap_ranges(params, params + n, svrg_point_.data());  // evaluate at the snapshot
  loss_and_grad(x, y, count);
  std::swap_ranges(params, params + n, svrg_point_.data());
  T* g = net_.grad().data();
  for (std::size_t i = 0; i < n; ++i) g[i] = svrg_grad_[i] - g[i] + svrg_mean_[i];
}

#define DESCENT_TRAINING_CONTROLS(T)                                  \
  template void TrainingRun<T>::optimizer_step();                     \
  template std::int64_t TrainingRun<T>::steps_per_epoch() const;      \
  template Index TrainingRun<T>::rows_of_batches(Index, Index) const; \
  template bool TrainingRun<T>::accumulate_grad(bool, bool);          \
  template bool TrainingRun<T>::early_stop_after(const EpochRecord&); \
  template void TrainingRun<T>::svrg_snapshot();                      \
  template void TrainingRun<T>::svrg_correct(const T*, const double*, Index);

DESCENT_TRAINING_CONTROLS(float)
DESCENT_TRAINING_CONTROLS(double)

}  // namespace descent::ml::detail
