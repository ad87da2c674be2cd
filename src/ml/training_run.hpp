// One training run (private to ml): the split rows standardized into the model's scalar type, the
// network and its data-parallel copies, the optimizer and schedule, and the epoch loop with
// evaluation, checkpoints, resume and divergence handling. trainer.cpp sets it up and runs it.
// Example: TrainingRun<float> run(data, options, split, z, model, {}); run.start_fresh(); run.run();
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "descent/core/rng.hpp"
#include "descent/core/types.hpp"
#include "descent/ml/checkpoint.hpp"
#include "descent/ml/data.hpp"
#include "descent/ml/model.hpp"
#include "descent/ml/trainer.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/optim/schedule.hpp"
#include "ml/early_stop.hpp"
#include "ml/eigen_maps.hpp"
#include "ml/stepper.hpp"
#include "ml/worker_pool.hpp"

namespace descent::ml::detail {

inline constexpr int kMaxThreads = 64;  // threads of a run, at most
// A batch of `count` rows is cut into count / kShardRows shards (at least 1, at most kMaxShards),
// the same for any thread or process count: the unit of work and of summation order.
inline constexpr Index kShardRows = 64;
inline constexpr Index kMaxShards = 16;
inline Index shard_count(Index count) { return std::clamp<Index>(count / kShardRows, 1, kMaxShards); }
inline constexpr Index kEvalChunk = 1000;  // rows per forward pass when evaluating

// A resume needs the data its checkpoint was trained on: the same content (wherever the file now
// is) and target column. Version 1 checkpoints recorded neither, so they cannot be resumed.
// Throws descent::Error (bad_input) saying which differs.
void check_resume_data(const Checkpoint& saved, const LabeledData& data, const std::string& path);

template <typename T>
class TrainingRun {
 public:
  // Builds the matrices, network, optimizer and schedule (started). Throws descent::Error
  // (bad_usage) for an optimizer that needs a closure or a schedule that ends before the run.
  // `options` and `callbacks` are kept by reference: they must outlive the run.
  TrainingRun(const LabeledData& data, const TrainOptions& options, const Split& split, const Standardizer& z,
              const std::string& model, const TrainCallbacks& callbacks);

  // Multiply-adds of one forward pass (about parameters x batch size).
  double work_per_step() const;

  // Data parallelism: `threads` networks (net_ and threads - 1 workers sharing its parameters)
  // share this process's shards of every batch; the shards' gradients are added in shard order
  // (after the Combiner's exchange when several processes train), so neither the thread count
  // nor the process count changes a bit. Two meetings of the pool per step.
  void set_threads(int threads);
  int threads() const { return pool_->size(); }

  // A new run: parameters initialized from the seed.
  void start_fresh();

  // Continues the run saved in `saved` (read from `path`). Throws descent::Error (bad_input) if
  // it was written for another run; then nothing is changed.
  void resume(const Checkpoint& saved, const std::string& path);

  // The remaining epochs, up to options.epochs.
  TrainResult run();

 private:
  void describe(const LabeledData& data, const Standardizer& z);

  // The state of `saved` (already checked to belong to this run).
  void restore(const Checkpoint& saved);

  // One pass over the training set; returns the mean of the minibatch losses (NaN on divergence).
  // Returns early, with stopped_ set, when callbacks.stop asks.
  double train_epoch(std::int64_t epoch);

  bool stop_requested() const { return callbacks_.stop != nullptr && callbacks_.stop->load(); }

  // Early stopping: notes the epoch just recorded; true when patience has run out.
  bool early_stop_after(const EpochRecord& record);
  bool patience_spent() const {
    return early_stop_ && kept_epoch_ > 0 && epoch_ - kept_epoch_ >= early_stop_->patience;
  }
  // One optimizer step on net_.grad() (clipped first), then the schedules' step.
  void optimizer_step();
  // Optimizer steps per epoch: one per `accumulate` batches (the last group may be smaller).
  std::int64_t steps_per_epoch() const;
  // Rows in batches [first, last) of the epoch.
  Index rows_of_batches(Index first, Index last) const;
  // Adds net_.grad() to the group's gradient (the group's first batch starts it); at the group's
  // last batch puts the sum in net_.grad() and returns true (time to step).
  bool accumulate_grad(bool first, bool last);
  // SVRG: the epoch's snapshot of the parameters and the full training gradient there.
  void svrg_snapshot();
  // SVRG: net_.grad() (a batch's gradient at the parameters) becomes g(w) - g(snapshot) + mu.
  void svrg_correct(const T* x, const double* y, Index count);

  // Writes options.checkpoint (when set); an io failure is kept in checkpoint_error_.
  void write_checkpoint();

  Network<T>& part_net(int part);

  // Mean loss over `count` rows of a batch; leaves the summed gradient in net_.grad().
  double loss_and_grad(const T* x, const double* y, Index count);
  // This process's shards [first, last) of a batch: each one's loss sum and gradient in its slot.
  void compute_shards(const T* x, const double* y, Index count, Index shards, Index first, Index last);
  // Where shard `shard`'s gradient is written: its slot, except shard 0 of a process that
  // computes every shard, which goes straight into net_.grad() (one slot less to write and read).
  T* shard_grad(Index shard);
  // net_.grad() = the shards [first, last) added in shard order.
  void add_shards(Index first, Index last);

  bool params_finite() const;

  // Mean loss and accuracy (or R^2) on a set; NaNs for an empty set. Chunks are spread over
  // the processes and workers; their sums are added in chunk order (the same for any count).
  std::pair<double, double> evaluate(const RowMatrix<T>& x, const Vec& y);

  // Puts back the best parameters and explains where the run diverged.
  TrainResult diverged(std::int64_t epoch);

  TrainResult base_result() const;
  Checkpoint snapshot() const;

  const TrainOptions& options_;
  const TrainCallbacks& callbacks_;
  Combiner* combiner_;  // null: this process alone
  int rank_ = 0, ranks_ = 1;
  ProblemShape shape_;
  Network<T> net_;
  std::vector<std::unique_ptr<Network<T>>> workers_;
  std::unique_ptr<WorkerPool> pool_ = std::make_unique<WorkerPool>(1);
  std::unique_ptr<Stepper> stepper_;  // the optimizer and schedule of each parameter group
  Rng rng_;
  RowMatrix<T> train_x_, test_x_;
  Vec train_y_, test_y_;
  MinibatchSampler sampler_;
  AlignedBuffer<T> batch_x_;
  std::vector<double> batch_y_;
  AlignedBuffer<T> shard_grads_;     // one gradient per shard of a batch, every slot_stride_ values
  Index slot_stride_ = 0;            // num_params rounded up to 64 bytes: slots aligned as grad() is
  std::vector<double> shard_losses_;  // and its loss sum
  Checkpoint state_;  // the header fields (what the run is)
  TrainingHistory history_;
  AlignedBuffer<T> best_params_;
  double best_loss_ = std::numeric_limits<double>::infinity();
  std::optional<EarlyStop> early_stop_;
  AlignedBuffer<T> kept_params_;  // early stopping: the best epoch's parameters
  std::int64_t kept_epoch_ = 0;
  AlignedBuffer<T> accumulated_;  // accumulate > 1: the group's gradient so far
  Index mean_rows_ = 0;           // > 0: gradients are means over this many rows (a group's)
  bool svrg_ = false;             // the optimizer is svrg: the loop reduces the variance
  AlignedBuffer<T> svrg_point_, svrg_mean_, svrg_grad_;  // snapshot, full gradient there, scratch
  std::int64_t best_epoch_ = 0;
  std::int64_t epoch_ = 0;
  bool stopped_ = false;
  std::string checkpoint_error_;
  std::int64_t checkpoint_epoch_ = -1;  // the epoch of the last checkpoint written
  Index diverged_batch_ = 0;
  double diverged_loss_ = 0.0;
};

extern template class TrainingRun<float>;
extern template class TrainingRun<double>;

}  // namespace descent::ml::detail
