// One training step's gradient over the data-parallel shards of a batch (threads of this process,
// and the processes' exchange), and the evaluation of a set in chunks. Part of TrainingRun.

// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 GEMM kernels.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <vector>

#include "ml/training_run.hpp"

namespace descent::ml::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

template <typename T>
Network<T>& TrainingRun<T>::part_net(int part) {
  return part == 0 ? net_ : *workers_[static_cast<std::size_t>(part - 1)];
}

template <typename T>
double TrainingRun<T>::loss_and_grad(const T* x, const double* y, Index count) {
  const Index shards = shard_count(count);
  if (shards == 1 && ranks_ == 1 && mean_rows_ == 0) {
    return net_.loss_and_grad(x, y, count);  // what the general path gives
  }
  const auto block = [&](int rank) {
    return static_cast<Index>(block_begin(static_cast<std::size_t>(shards), rank, ranks_));
  };
  const Index first = block(rank_), last = block(rank_ + 1);
  compute_shards(x, y, count, shards, first, last);
  double total = 0.0;
  if (ranks_ > 1 && combiner_->reduction() == Reduction::fast) {
    add_shards(first, last);
    for (Index s = first; s < last; ++s) total += shard_losses_[static_cast<std::size_t>(s)];
    combiner_->allreduce_sum(net_.grad());
    combiner_->allreduce_sum(std::span<double>(&total, 1));
    return total / static_cast<double>(count);
  }
  if (ranks_ > 1) {
    const auto n = static_cast<std::size_t>(net_.num_params());
    std::vector<std::size_t> rows(static_cast<std::size_t>(ranks_) + 1);
    for (int r = 0; r <= ranks_; ++r) {
      rows[static_cast<std::size_t>(r)] = static_cast<std::size_t>(block(r));
    }
    combiner_->sum_rows_in_order(
        std::span<T>(shard_grads_.data(), static_cast<std::size_t>(shards * slot_stride_)), n,
        static_cast<std::size_t>(slot_stride_), rows, net_.grad());
    combiner_->allgather(std::span<double>(shard_losses_.data(), static_cast<std::size_t>(shards)),
                         rows);
  } else {
    add_shards(0, shards);
  }
  for (Index s = 0; s < shards; ++s) total += shard_losses_[static_cast<std::size_t>(s)];
  return total / static_cast<double>(count);
}

template <typename T>
void TrainingRun<T>::compute_shards(const T* x, const double* y, Index count, Index shards,
                                    Index first, Index last) {
  const Index d = net_.inputs();
  const double scale = 1.0 / static_cast<double>(mean_rows_ > 0 ? mean_rows_ : count);
  const int parts = pool_->size();
  auto forward_backward = [&](int part) {
    Network<T>& net = part_net(part);
    const auto local = static_cast<std::size_t>(last - first);
    const Index begin = first + static_cast<Index>(block_begin(local, part, parts));
    const Index end = first + static_cast<Index>(block_begin(local, part + 1, parts));
    for (Index s = begin; s < end; ++s) {
      const Index lo = count * s / shards, hi = count * (s + 1) / shards;
      net.write_grad_to(shard_grad(s));  // the shard's gradient into its slot
      shard_losses_[static_cast<std::size_t>(s)] =
          net.loss_sum_and_grad(x + lo * d, y + lo, hi - lo, scale);
    }
    net.write_grad_to(nullptr);
  };
  pool_->run(forward_backward);
}

template <typename T>
T* TrainingRun<T>::shard_grad(Index shard) {
  if (shard == 0 && ranks_ == 1) return net_.grad().data();
  return shard_grads_.data() + shard * slot_stride_;
}

template <typename T>
void TrainingRun<T>::add_shards(Index first, Index last) {
  const auto n = static_cast<Index>(net_.num_params());
  const int parts = pool_->size();
  auto add = [&](int part) {
    const Index begin = static_cast<Index>(block_begin(static_cast<std::size_t>(n), part, parts));
    const Index end = static_cast<Index>(block_begin(static_cast<std::size_t>(n), part + 1, parts));
    T* grad = net_.grad().data();
    if (first == last) {
      std::fill(grad + begin, grad + end, T(0));
      return;
    }
    Index next = first + 1;
    if (const T* s0 = shard_grad(first); s0 != grad) {  // else shard `first` was computed in place
      if (last - first == 1) {
        std::copy(s0 + begin, s0 + end, grad + begin);
        return;
      }
      // g = s0 + s1 in one pass (the same bits as g = s0; g += s1).
      const T* s1 = shard_grad(first + 1);
      for (Index i = begin; i < end; ++i) grad[i] = s0[i] + s1[i];
      next = first + 2;
    }
    for (Index s = next; s < last; ++s) {
      const T* slot = shard_grad(s);
      for (Index i = begin; i < end; ++i) grad[i] += slot[i];
    }
  };
  pool_->run(add);
}

template <typename T>
bool TrainingRun<T>::params_finite() const {
  for (T p : net_.params()) {
    if (!std::isfinite(p)) return false;
  }
  return true;
}

template <typename T>
std::pair<double, double> TrainingRun<T>::evaluate(const RowMatrix<T>& x, const Vec& y) {
  const Index n = x.rows();
  if (n == 0) return {kNaN, kNaN};
  const Index k = net_.outputs();
  const Index chunks = (n + kEvalChunk - 1) / kEvalChunk;
  std::vector<std::array<double, 3>> sums(
      static_cast<std::size_t>(chunks));  // loss, hits, residual^2
  std::vector<std::size_t> offsets(static_cast<std::size_t>(ranks_) + 1);
  for (int r = 0; r <= ranks_; ++r) {
    offsets[static_cast<std::size_t>(r)] = block_begin(static_cast<std::size_t>(chunks), r, ranks_);
  }
  const auto first = static_cast<Index>(offsets[static_cast<std::size_t>(rank_)]);
  const auto last = static_cast<Index>(offsets[static_cast<std::size_t>(rank_) + 1]);
  const int parts = pool_->size();
  auto evaluate_chunks = [&](int part) {
    Network<T>& net = part_net(part);
    for (Index c = first + part; c < last; c += parts) {
      const Index start = c * kEvalChunk, rows = std::min(kEvalChunk, n - start);
      const T* out = net.forward(x.data() + start * x.cols(), rows);
      auto& sum = sums[static_cast<std::size_t>(c)];
      sum[0] =
          loss_sum(net.loss_kind(), out, y.data() + start, rows, k, static_cast<T*>(nullptr), 0.0);
      for (Index i = 0; i < rows; ++i) {
        const double guess = predict_one(net.loss_kind(), out + i * k, k);
        sum[1] += guess == y[start + i] ? 1.0 : 0.0;
        sum[2] += (guess - y[start + i]) * (guess - y[start + i]);
      }
    }
  };
  pool_->run(evaluate_chunks);
  if (ranks_ > 1) {
    for (auto& o : offsets) o *= 3;
    combiner_->allgather(std::span<double>(sums.data()->data(), 3 * sums.size()), offsets);
  }
  double loss = 0.0, hits = 0.0, residual = 0.0;
  for (const auto& sum : sums) {
    loss += sum[0];
    hits += sum[1];
    residual += sum[2];
  }
  if (history_.classification) {
    return {loss / static_cast<double>(n), hits / static_cast<double>(n)};
  }
  const double spread = (y.array() - y.mean()).square().sum();
  return {loss / static_cast<double>(n), spread > 0 ? 1.0 - residual / spread : kNaN};
}

// The members defined here (training_run.cpp instantiates the rest of the class).
#define DESCENT_ML_INSTANTIATE(T)                                                            \
  template Network<T>& TrainingRun<T>::part_net(int);                                        \
  template double TrainingRun<T>::loss_and_grad(const T*, const double*, Index);             \
  template void TrainingRun<T>::compute_shards(const T*, const double*, Index, Index, Index, \
                                               Index);                                       \
  template T* TrainingRun<T>::shard_grad(Index);                                             \
  template void TrainingRun<T>::add_shards(Index, Index);                                    \
  template bool TrainingRun<T>::params_finite() const;                                       \
  template std::pair<double, double> TrainingRun<T>::evaluate(const RowMatrix<T>&, const Vec&);
DESCENT_ML_INSTANTIATE(float)
DESCENT_ML_INSTANTIATE(double)
#undef DESCENT_ML_INSTANTIATE

}  // namespace descent::ml::detail
