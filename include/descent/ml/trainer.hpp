// The training loop: split, standardize, build the model, then epochs of minibatch steps with
// per-epoch evaluation, checkpoints, resume, clipping and divergence handling.
// Example: TrainResult r = train(data, {.model = "softmax", .optimizer = "adam(lr=0.01)", .epochs = 10});
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "descent/core/run_summary.hpp"
#include "descent/ml/checkpoint.hpp"
#include "descent/ml/combiner.hpp"
#include "descent/ml/data.hpp"

namespace descent::ml {

// Upper limits of TrainOptions (bad_usage beyond them): epochs x batches must fit the step
// counters, and a thread count past any machine's is a typo.
inline constexpr std::int64_t kMaxEpochs = 1'000'000'000;
inline constexpr std::int64_t kMaxBatchSize = 1'000'000'000'000;
inline constexpr int kMaxThreads = 4096;
inline constexpr std::int64_t kMaxAccumulate = 1'000'000;

struct TrainOptions {
  std::string model{};                 // a model spec; empty: default_model(shape)
  std::string optimizer{};             // a first-order optimizer spec; empty: default_optimizer()
  std::string schedule = "constant";   // stepped once after every optimizer step
  std::int64_t batch_size = 32;        // 0: full batch (batch gradient descent); 1: SGD
  std::int64_t epochs = 20;            // total epochs (a resumed run continues up to this)
  double test_fraction = 0.2;          // [0, 1); ignored for data with a predefined test set
  std::uint64_t seed = 0;              // split, initialization and shuffling
  bool standardize = true;             // features with training-set mean and std
  double clip_norm = 0.0;              // > 0: clip the gradient's norm to this (after clip_value)
  double clip_value = 0.0;             // > 0: clip each gradient entry to [-v, v]
  int threads = 0;                     // > 0: OpenMP / Eigen threads; 0: leave as is
  std::string checkpoint{};            // written after every epoch when not empty
  std::string resume{};                // continue from this checkpoint when not empty
  // Stop when the monitored figure has not improved for `patience` epochs and keep the best
  // epoch's parameters: "patience=5, min_delta=1e-4, monitor=test_loss" (monitor: train_loss,
  // test_loss or test_accuracy). Empty: train every epoch.
  std::string early_stop{};
  // One optimizer step per `accumulate` minibatches, on the mean gradient over their rows: the
  // step of a batch `accumulate` times larger. The last group of an epoch takes what is left.
  std::int64_t accumulate = 1;
  // Parameter groups as torch's param_groups: "bias: weight_decay=0", "layer1: lr=1e-4". A
  // selector (weight, bias, layerN, layerN.weight, layerN.bias; layers with parameters counted
  // from 1) and options of the optimizer that replace the run's for those parameters. Later
  // groups override earlier ones where they overlap.
  std::vector<std::string> param_groups{};
  // Several processes (parallel/): each computes its block of every batch's shards; process 0
  // alone writes the checkpoint. Null: this process alone. Not owned; must outlive train().
  Combiner* combiner = nullptr;
};

struct TrainCallbacks {
  // After every optimizer step: epoch (1-based), batches done in this epoch, batches per epoch.
  std::function<void(std::int64_t epoch, std::int64_t done, std::int64_t total)> on_batch;
  // After every epoch's evaluation.
  std::function<void(const EpochRecord& record)> on_epoch;
  // Read after every batch (a signal handler's flag, say; train never installs one). Once true,
  // the run stops: an epoch in progress is undone, so that the state is the last whole epoch's
  // (resuming from it gives the uninterrupted run's result), the checkpoint is written, and the
  // result returns with reason stopped_by_callback.
  const std::atomic<bool>* stop = nullptr;
};

struct TrainResult {
  TrainingHistory history;     // every epoch, including those before a resume
  std::string model;           // canonical specs
  std::string optimizer;
  std::string schedule;
  std::vector<std::string> layers;
  std::int64_t parameters = 0;
  Index train_rows = 0;
  Index test_rows = 0;
  // The final model's figures: the last epoch's, or the best epoch's after divergence.
  double train_loss = 0.0;
  double test_loss = 0.0;
  double test_metric = 0.0;    // accuracy or R^2
  StopReason reason = StopReason::max_steps;
  std::string message;         // set when the run diverged (with advice)
  // Set when the last attempt to write options.checkpoint failed (the io error's message; the
  // file, if any, still holds an earlier whole checkpoint). A failed write does not stop the
  // run: the results are returned, and the next epoch tries again.
  std::string checkpoint_error;
  std::int64_t best_epoch = 0;
  // With early stopping: the epoch whose parameters the run keeps (its figures are the result's;
  // the checkpoint holds them as early_stop_params, which predict uses), and whether the run
  // stopped before its last epoch (reason early_stopped).
  std::int64_t kept_epoch = 0;
  bool early_stopped = false;
  Checkpoint final_state;      // the state at the end (the best one after divergence)
  int ranks = 1;               // processes that trained together
  int threads = 1;             // threads of each process
};

// The optimizer used when none is given: adam (lr 1e-3) for classification; for regression,
// whose targets are not rescaled, sgd(lr=0.01) for linear and adam(lr=0.1) for networks.
std::string default_optimizer(const ProblemShape& shape, const std::string& model);

// Trains on `data`. Throws descent::Error: bad_usage for options and specs (an optimizer that
// needs a closure, such as lbfgs, is refused), bad_input for data and checkpoints that do not
// fit (a resume whose checkpoint was written for another model, optimizer, schedule, data,
// batch size, seed, split or clipping), and, with several processes, for settings, data or a
// checkpoint that differ between them. Divergence is a result: reason == diverged.
// Every batch is cut into shards by its size alone, and their gradients are added in shard
// order, so the result does not depend on the thread or (exact) process count.
TrainResult train(const LabeledData& data, const TrainOptions& options, const TrainCallbacks& callbacks = {});

// Predictions of a trained model (a checkpoint) for raw (unstandardized) feature rows.
struct Predictions {
  bool classification = true;
  std::vector<double> values;             // class index, or the regression value
  std::vector<std::vector<double>> probabilities;  // per row, per class (classification only)
};
Predictions predict(const Checkpoint& checkpoint, const RowMat& features);

}  // namespace descent::ml
