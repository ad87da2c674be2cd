// One training run: the epoch loop (minibatch steps, clipping), divergence, and the run's state as
// a checkpoint and back (a step's gradient over its shards and the evaluation: training_step.cpp).
// Set up and driven by trainer.cpp.

// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 GEMM kernels.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "ml/training_run.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <span>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/prefault.hpp"
#include "descent/core/error.hpp"
#include "descent/ml/clip.hpp"

namespace descent::ml::detail {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The rows `rows` of `features`, standardized, in the model's scalar type.
template <typename T>
RowMatrix<T> standardized_rows(const RowMat& features, const std::vector<Index>& rows, const Standardizer& z) {
  RowMatrix<T> out(static_cast<Index>(rows.size()), features.cols());
  descent::detail::prefault(out.data(), static_cast<std::size_t>(out.size()) * sizeof(T));
  // Rows are independent: the same bits on any number of threads.
#pragma omp parallel for schedule(static) if (out.size() > 1000000)
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.row(static_cast<Index>(i)) =
        ((features.row(rows[i]) - z.mean.transpose()).cwiseQuotient(z.scale.transpose())).template cast<T>();
  }
  return out;
}

// Rows of the largest forward pass: a batch, or an evaluation chunk of a set (a set may be far
// smaller than a chunk, and the scratch is rows x the widest layer: 200,000 inputs x 1000 rows
// would be gigabytes for a few rows of data).
Index scratch_rows(Index batch, Index train_rows, Index test_rows) {
  return std::max(batch, std::min(kEvalChunk, std::max(train_rows, test_rows)));
}

Vec pick(const Vec& targets, const std::vector<Index>& rows) {
  Vec out(static_cast<Index>(rows.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) out[static_cast<Index>(i)] = targets[rows[i]];
  return out;
}

template <typename T>
std::string to_bytes(std::span<const T> values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size_bytes());
}

template <typename T>
void from_bytes(const std::string& bytes, std::span<T> values) {
  DESCENT_ASSERT(bytes.size() == values.size_bytes());
  std::memcpy(values.data(), bytes.data(), bytes.size());
}

// A resumed run must be the same run: every setting that shapes the trajectory has to agree.
void check_same(const char* what, const std::string& saved, const std::string& asked, const std::string& path) {
  if (saved != asked) {
    throw_input("checkpoint {} was written for {} {}; this run asks for {}", path, what, saved, asked);
  }
}

}  // namespace

void check_resume_data(const Checkpoint& saved, const LabeledData& run, const std::string& path) {
  if (saved.version < 2) {
    throw_input(
        "checkpoint {} is version {}: it does not record which data and target column it "
        "was trained on, so it cannot be resumed safely (predict still reads it); train "
        "again to write a version {} checkpoint",
        path, saved.version, Checkpoint::kVersion);
  }
  if (saved.data_hash != run.content_hash) {
    throw_input(
        "checkpoint {} was written for data '{}' with content hash {:016x}; this run's data "
        "'{}' has hash {:016x}: a different or changed file; resume with the data it was "
        "trained on",
        path, saved.data, saved.data_hash, run.name, run.content_hash);
  }
  if (saved.data_hash == 0) check_same("data", saved.data, run.name, path);  // hash unknown
  check_same("target column", saved.target.empty() ? "(none)" : saved.target,
             run.target.empty() ? "(none)" : run.target, path);
}

template <typename T>
TrainingRun<T>::TrainingRun(const LabeledData& data, const TrainOptions& options, const Split& split, const Standardizer& z,
    const std::string& model, const TrainCallbacks& callbacks)
    : options_(options),
      callbacks_(callbacks),
      combiner_(options.combiner),
      rank_(combiner_ ? combiner_->rank() : 0),
      ranks_(combiner_ ? combiner_->ranks() : 1),
      shape_(data.shape),
      net_(model, data.shape),
      rng_(options.seed + 0x9E3779B97F4A7C15ULL),  // a stream apart from the split's Rng(seed)
      train_x_(standardized_rows<T>(data.features, split.train, z)),
      test_x_(standardized_rows<T>(data.features, split.test, z)),
      train_y_(pick(data.targets, split.train)),
      test_y_(pick(data.targets, split.test)),
      sampler_(train_x_.rows(), options.batch_size == 0 ? train_x_.rows() : options.batch_size) {
  stepper_ = std::make_unique<Stepper>(
      options.optimizer.empty() ? default_optimizer(data.shape, net_.config().spec.name()) : options.optimizer,
      options.param_groups, param_layout(model, data.shape));
  if (stepper_->needs_closure()) {
    throw_usage("optimizer {} re-evaluates the whole objective within a step and cannot train on minibatches; "
                "use a first-order rule (sgd, adam, rmsprop, ...)", stepper_->name());
  }
  const std::int64_t steps = steps_per_epoch();
  stepper_->start(options.schedule, options.epochs * steps);
  optim::check_schedule_length(stepper_->schedule(), options.epochs * steps, steps);
  if (!options.early_stop.empty()) {
    early_stop_ = EarlyStop::parse(options.early_stop);
    if (early_stop_->uses_test_set() && test_x_.rows() == 0) {
      throw_usage("early_stop: monitor = {} needs a test set (test_fraction > 0); monitor train_loss instead",
                  early_stop_->text().substr(early_stop_->text().rfind('=') + 1));
    }
    if (early_stop_->maximizes() && !data.shape.classification) {
      throw_usage("early_stop: monitor = test_accuracy needs a classification task; monitor test_loss instead");
    }
  }
  net_.reserve(scratch_rows(sampler_.batch_size(), train_x_.rows(), test_x_.rows()));
  batch_x_.resize(static_cast<std::size_t>(sampler_.batch_size() * net_.inputs()));
  batch_y_.resize(static_cast<std::size_t>(sampler_.batch_size()));
  const Index shards = shard_count(sampler_.batch_size());
  if (options.accumulate > 1) accumulated_.resize(static_cast<std::size_t>(net_.num_params()));
  svrg_ = stepper_->name() == "svrg";
  if (svrg_ && options.accumulate > 1) {
    throw_usage("svrg steps on every minibatch; it takes no accumulate (use a larger batch_size)");
  }
  if (shards > 1 || ranks_ > 1 || options.accumulate > 1 || svrg_) {
    constexpr Index kAlign = 64 / static_cast<Index>(sizeof(T));
    slot_stride_ = (net_.num_params() + kAlign - 1) / kAlign * kAlign;
    shard_grads_.resize(static_cast<std::size_t>(shards * slot_stride_));
    shard_losses_.resize(static_cast<std::size_t>(shards));
  }
  best_params_.assign(net_.params().begin(), net_.params().end());
  history_.classification = data.shape.classification;
  describe(data, z);
}

template <typename T>
double TrainingRun<T>::work_per_step() const {
  return static_cast<double>(net_.num_params()) * static_cast<double>(sampler_.batch_size());
}

template <typename T>
void TrainingRun<T>::set_threads(int threads) {
  pool_ = std::make_unique<WorkerPool>(threads);
  workers_.clear();
  for (int t = 1; t < threads; ++t) {
    workers_.push_back(std::make_unique<Network<T>>(net_.spec(), shape_));
    workers_.back()->use_params_of(net_);
    workers_.back()->reserve(scratch_rows(sampler_.batch_size(), train_x_.rows(), test_x_.rows()));
  }
}

template <typename T>
void TrainingRun<T>::start_fresh() {
  net_.init(rng_);
  best_params_.assign(net_.params().begin(), net_.params().end());
}

template <typename T>
void TrainingRun<T>::resume(const Checkpoint& saved, const std::string& path) {
  check_same("model", saved.model, state_.model, path);
  check_same("optimizer", saved.optimizer, state_.optimizer, path);
  check_same("schedule", saved.schedule, state_.schedule, path);
  check_same("batch size", fmt::format("{}", saved.batch_size), fmt::format("{}", state_.batch_size), path);
  check_same("seed", fmt::format("{}", saved.seed), fmt::format("{}", state_.seed), path);
  check_same("test fraction", fmt::format("{}", saved.test_fraction), fmt::format("{}", state_.test_fraction), path);
  check_same("standardize", fmt::format("{}", saved.standardize), fmt::format("{}", state_.standardize), path);
  check_same("clip norm", fmt::format("{}", saved.clip_norm), fmt::format("{}", state_.clip_norm), path);
  check_same("clip value", fmt::format("{}", saved.clip_value), fmt::format("{}", state_.clip_value), path);
  check_same("early stopping", saved.early_stop.empty() ? "(off)" : saved.early_stop,
             state_.early_stop.empty() ? "(off)" : state_.early_stop, path);
  check_same("accumulate", fmt::format("{}", saved.accumulate), fmt::format("{}", state_.accumulate), path);
  check_same("parameter groups", saved.param_groups.empty() ? "(none)" : fmt::format("{}", fmt::join(saved.param_groups, "; ")),
             state_.param_groups.empty() ? "(none)" : fmt::format("{}", fmt::join(state_.param_groups, "; ")), path);
  check_same("parameter count", fmt::format("{}", saved.num_params), fmt::format("{}", state_.num_params), path);
  check_same("dtype", saved.double_precision ? "float64" : "float32",
             state_.double_precision ? "float64" : "float32", path);
  const std::int64_t steps = saved.epoch * steps_per_epoch();
  check_same("schedule step after the saved epochs", fmt::format("{}", saved.schedule_step),
             fmt::format("{}", steps), path);
  restore(saved);
}

template <typename T>
void TrainingRun<T>::restore(const Checkpoint& saved) {
  // Everything is checked; load into temporaries first so a failure leaves nothing half-set.
  Rng rng;
  rng.load(saved.rng_state);
  stepper_->load_state(saved.optimizer_state);
  stepper_->set_step_count(saved.schedule_step);
  rng_ = rng;
  from_bytes(saved.params, net_.params());
  best_params_.resize(net_.params().size());
  from_bytes(saved.best_params.empty() ? saved.params : saved.best_params, std::span<T>(best_params_));
  best_epoch_ = saved.best_epoch;
  best_loss_ = saved.best_loss;
  kept_epoch_ = saved.early_stop_epoch;
  if (kept_epoch_ > 0) {
    kept_params_.resize(net_.params().size());
    from_bytes(saved.early_stop_params, std::span<T>(kept_params_));
  }
  epoch_ = saved.epoch;
  history_ = saved.history;
}

template <typename T>
TrainResult TrainingRun<T>::run() {
  bool early_stopped = patience_spent();  // a resumed run that had stopped early stays stopped
  while (!early_stopped && epoch_ < options_.epochs && !stop_requested()) {
    const auto start = Clock::now();
    Checkpoint epoch_start;
    if (callbacks_.stop != nullptr) epoch_start = snapshot();  // to undo an interrupted epoch
    EpochRecord record;
    record.epoch = epoch_ + 1;
    record.train_loss = train_epoch(record.epoch);
    if (stopped_) {
      restore(epoch_start);
      break;
    }
    stepper_->to_eval(net_.params());  // schedule-free rules: evaluate and save x
    record.train_seconds = seconds_since(start);
    if (!std::isfinite(record.train_loss) || !params_finite()) return diverged(record.epoch);
    std::tie(record.test_loss, record.test_metric) = evaluate(test_x_, test_y_);
    record.lr = stepper_->lr();
    record.seconds = seconds_since(start);
    ++epoch_;
    history_.epochs.push_back(record);
    if (record.train_loss < best_loss_) {
      best_loss_ = record.train_loss;
      best_epoch_ = record.epoch;
      best_params_.assign(net_.params().begin(), net_.params().end());
    }
    early_stopped = early_stop_after(record);
    write_checkpoint();
    if (callbacks_.on_epoch) callbacks_.on_epoch(record);
  }
  const bool stopped = epoch_ < options_.epochs && !early_stopped;  // by callbacks.stop
  if (stopped && checkpoint_epoch_ != epoch_) write_checkpoint();
  TrainResult result = base_result();
  if (stopped) result.reason = StopReason::stopped_by_callback;
  if (early_stopped) result.reason = StopReason::early_stopped;
  result.early_stopped = early_stopped;
  if (!history_.epochs.empty()) {
    // With early stopping, the kept epoch's figures (its parameters are the run's result).
    const auto& last = history_.epochs[static_cast<std::size_t>((kept_epoch_ > 0 ? kept_epoch_ : epoch_) - 1)];
    result.train_loss = last.train_loss;
    result.test_loss = last.test_loss;
    result.test_metric = last.test_metric;
  } else {
    result.train_loss = evaluate(train_x_, train_y_).first;
    std::tie(result.test_loss, result.test_metric) = evaluate(test_x_, test_y_);
  }
  result.final_state = snapshot();
  return result;
}

template <typename T>
void TrainingRun<T>::describe(const LabeledData& data, const Standardizer& z) {
  state_.model = net_.spec();
  state_.optimizer = stepper_->spec();
  state_.schedule = stepper_->schedule_spec();
  state_.data = data.name;
  state_.target = data.target;
  state_.data_hash = data.content_hash;
  state_.batch_size = options_.batch_size;
  state_.test_fraction = data.predefined_test_rows > 0 ? 0.0 : options_.test_fraction;
  state_.seed = options_.seed;
  state_.standardize = options_.standardize;
  state_.clip_norm = options_.clip_norm;
  state_.clip_value = options_.clip_value;
  state_.early_stop = early_stop_ ? early_stop_->text() : std::string();
  state_.accumulate = options_.accumulate;
  state_.param_groups = stepper_->groups();
  state_.shape = data.shape;
  state_.double_precision = net_.config().double_precision;
  state_.num_params = net_.num_params();
  state_.feature_names = data.feature_names;
  state_.class_names = data.class_names;
  state_.mean = z.mean;
  state_.scale = z.scale;
}

template <typename T>
double TrainingRun<T>::train_epoch(std::int64_t epoch) {
  stepper_->to_train(net_.params());  // schedule-free rules: gradients at y
  sampler_.start_epoch(rng_);
  const Index batches = sampler_.batches_per_epoch();
  const Index accumulate = options_.accumulate;
  if (svrg_) svrg_snapshot();
  const Index d = net_.inputs();
  double total = 0.0;
  for (Index b = 0; b < batches; ++b) {
    const auto rows = sampler_.batch(b);
    const auto count = static_cast<Index>(rows.size());
    const T* x = train_x_.data();
    const double* y = train_y_.data();
    if (!sampler_.full_batch()) {
      for (Index i = 0; i < count; ++i) {
        std::memcpy(batch_x_.data() + i * d, train_x_.data() + rows[static_cast<std::size_t>(i)] * d, sizeof(T) * static_cast<std::size_t>(d));
        batch_y_[static_cast<std::size_t>(i)] = train_y_[rows[static_cast<std::size_t>(i)]];
      }
      x = batch_x_.data();
      y = batch_y_.data();
    }
    const Index group_end = std::min(batches, (b / accumulate + 1) * accumulate);
    if (accumulate > 1 && b % accumulate == 0) mean_rows_ = rows_of_batches(b, group_end);
    const double loss = loss_and_grad(x, y, count);
    if (!std::isfinite(loss)) {
      diverged_batch_ = b + 1;
      diverged_loss_ = loss;
      return kNaN;
    }
    total += loss * static_cast<double>(count);
    if (svrg_) svrg_correct(x, y, count);
    if (accumulate > 1 && !accumulate_grad(b % accumulate == 0, b + 1 == group_end)) continue;
    optimizer_step();
    if (callbacks_.on_batch) callbacks_.on_batch(epoch, b + 1, batches);
    if (b + 1 < batches && stop_requested()) {
      stopped_ = true;
      return kNaN;
    }
  }
  return total / static_cast<double>(train_x_.rows());
}

template <typename T>
void TrainingRun<T>::write_checkpoint() {
  if (options_.checkpoint.empty() || rank_ != 0) return;  // process 0 alone writes
  try {
    save_checkpoint(options_.checkpoint, snapshot());
    checkpoint_error_.clear();
    checkpoint_epoch_ = epoch_;
  } catch (const Error& e) {
    if (e.code() != ErrorCode::io) throw;
    checkpoint_error_ = checkpoint_epoch_ >= 0 ? fmt::format("{} (it still holds epoch {})",
                                                             e.what(), checkpoint_epoch_)
                                               : std::string(e.what());
  }
}

template <typename T>
TrainResult TrainingRun<T>::diverged(std::int64_t epoch) {
  std::copy(best_params_.begin(), best_params_.end(), net_.params().begin());
  TrainResult result = base_result();
  result.reason = StopReason::diverged;
  const std::string where = diverged_batch_ > 0
                                ? fmt::format("epoch {}, batch {} (loss = {})", epoch, diverged_batch_, std::isnan(diverged_loss_) ? "nan" : "inf")
                                : fmt::format("epoch {} (the parameters became non-finite)", epoch);
  const std::string kept = best_epoch_ > 0
                               ? fmt::format("kept the parameters of epoch {} (train loss {:.6g})", best_epoch_, best_loss_)
                               : std::string("kept the initial parameters");
  result.message = fmt::format("diverged at {}; {}; try a smaller lr, a schedule, or gradient clipping (clip_norm=1)", where, kept);
  result.train_loss = best_epoch_ > 0 ? best_loss_ : evaluate(train_x_, train_y_).first;
  std::tie(result.test_loss, result.test_metric) = evaluate(test_x_, test_y_);
  result.final_state = snapshot();
  return result;
}

template <typename T>
TrainResult TrainingRun<T>::base_result() const {
  TrainResult result;
  result.history = history_;
  result.model = state_.model;
  result.optimizer = state_.optimizer;
  result.schedule = state_.schedule;
  result.layers = net_.describe();
  result.parameters = net_.num_params();
  result.train_rows = train_x_.rows();
  result.test_rows = test_x_.rows();
  result.best_epoch = best_epoch_;
  result.kept_epoch = kept_epoch_;
  result.checkpoint_error = checkpoint_error_;
  return result;
}

template <typename T>
Checkpoint TrainingRun<T>::snapshot() const {
  Checkpoint c = state_;
  c.params = to_bytes(net_.params());
  c.optimizer_state = stepper_->save_state();
  c.schedule_step = stepper_->step_count();
  c.rng_state = rng_.save();
  c.epoch = epoch_;
  c.history = history_;
  c.best_params = to_bytes(std::span<const T>(best_params_));
  c.best_epoch = best_epoch_;
  c.best_loss = best_loss_;
  c.early_stop_epoch = kept_epoch_;
  if (kept_epoch_ > 0) c.early_stop_params = to_bytes(std::span<const T>(kept_params_));
  return c;
}

template class TrainingRun<float>;
template class TrainingRun<double>;

}  // namespace descent::ml::detail
