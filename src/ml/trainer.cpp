// The training loop's entry: checks the options, splits and standardizes the data, picks the
// model's scalar type and the thread count, then runs (or resumes) a detail::TrainingRun.

// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 GEMM kernels.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "descent/ml/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <Eigen/Core>
#include <fmt/format.h>
#include <fmt/ranges.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "descent/core/error.hpp"
#include "descent/io/input.hpp"
#include "ml/training_run.hpp"

namespace descent::ml {
namespace {

// The threads of one training run: `threads`, or with 0 one thread when a step is too small
// to split (waking a second thread costs more than it saves, far more on a busy machine), else
// every core. The trainer splits batches over its own WorkerPool, so Eigen's GEMM threading and
// OpenMP (the optimizer's loops) are held at one thread for the run and restored after: OpenMP's
// spinning barriers cost up to ten times a step's time when other processes share the cores.
class ThreadScope {
 public:
  // work: multiply-adds of one forward pass (about parameters x batch size); local_ranks:
  // processes of the run on this machine, which share its cores.
  ThreadScope(int threads, double work, int local_ranks) : eigen_(Eigen::nbThreads()) {
#ifdef _OPENMP
    omp_ = omp_get_max_threads();
#endif
    constexpr double kSmallStep = 1 << 22;
    const int cores = std::max(1, omp_ / std::max(1, local_ranks));
    count_ = std::min(detail::kMaxThreads, threads > 0 ? threads : (work < kSmallStep ? 1 : cores));
    Eigen::setNbThreads(1);
#ifdef _OPENMP
    omp_set_num_threads(1);
#endif
  }
  ~ThreadScope() {
    Eigen::setNbThreads(eigen_);
#ifdef _OPENMP
    omp_set_num_threads(omp_);
#endif
  }
  ThreadScope(const ThreadScope&) = delete;
  ThreadScope& operator=(const ThreadScope&) = delete;
  int count() const { return count_; }

 private:
  int eigen_;
  int omp_ = 1;
  int count_ = 1;
};

void check_options(const TrainOptions& options) {
  if (options.epochs < 0 || options.epochs > kMaxEpochs) {
    throw_usage("train: epochs = {}; must lie in [0, {}]", options.epochs, kMaxEpochs);
  }
  if (options.batch_size < 0 || options.batch_size > kMaxBatchSize) {
    throw_usage(
        "train: batch_size = {}; must be a positive integer no larger than {} (or 0 for "
        "the full batch)",
        options.batch_size, kMaxBatchSize);
  }
  if (!(options.clip_norm >= 0) || !std::isfinite(options.clip_norm)) {
    throw_usage("train: clip_norm = {}; must be a finite number >= 0", options.clip_norm);
  }
  if (!(options.clip_value >= 0) || !std::isfinite(options.clip_value)) {
    throw_usage("train: clip_value = {}; must be a finite number >= 0", options.clip_value);
  }
  if (options.accumulate < 1 || options.accumulate > kMaxAccumulate) {
    throw_usage("train: accumulate = {}; must be an integer in [1, {}]", options.accumulate, kMaxAccumulate);
  }
  if (options.threads < 0 || options.threads > kMaxThreads) {
    throw_usage("train: threads = {}; must lie in [0, {}]", options.threads, kMaxThreads);
  }
}

// The XXH64 of each piece (the hash data identity uses, io::xxh64), chained: a fingerprint to
// compare between processes.
class Fingerprint {
 public:
  Fingerprint& add(const void* data, std::size_t bytes) {
    const std::uint64_t piece = io::xxh64(std::string_view(static_cast<const char*>(data), bytes));
    hash_ = (hash_ ^ piece) * 0x100000001b3ULL;
    return *this;
  }
  Fingerprint& add(const std::string& text) { return add(text.data(), text.size()); }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// Several processes must run the same run on the same data: refused before training if not.
void check_processes_agree(const LabeledData& data, const TrainOptions& o, const std::string& model) {
  Combiner& world = *o.combiner;
  world.agree("the settings",
              Fingerprint()
                  .add(fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", model, o.optimizer, o.schedule, o.batch_size,
                                   o.epochs, o.test_fraction, o.seed, o.standardize, o.clip_norm, o.clip_value,
                                   o.resume.empty(), static_cast<int>(world.reduction())))
                  .add(fmt::format("{}|{}|{}", o.early_stop, o.accumulate, fmt::join(o.param_groups, "|")))
                  .value());
  world.agree("the data", Fingerprint()
                              .add(data.name)
                              .add(data.features.data(), sizeof(double) * static_cast<std::size_t>(data.features.size()))
                              .add(data.targets.data(), sizeof(double) * static_cast<std::size_t>(data.targets.size()))
                              .add(fmt::format("{}|{}|{}", data.shape.inputs, data.shape.num_classes, data.predefined_test_rows))
                              .value());
}

void check_checkpoints_agree(const Checkpoint& saved, Combiner& world) {
  world.agree("the checkpoint to resume", Fingerprint()
                                              .add(saved.params)
                                              .add(saved.optimizer_state)
                                              .add(saved.rng_state)
                                              .add(fmt::format("{}|{}", saved.epoch, saved.schedule_step))
                                              .value());
}

template <typename T>
TrainResult train_as(const LabeledData& data, const TrainOptions& options,
                     const TrainCallbacks& callbacks, const Split& split, const Standardizer& z,
                     const std::string& model, const std::optional<Checkpoint>& saved) {
  detail::TrainingRun<T> run(data, options, split, z, model, callbacks);
  Combiner* world = options.combiner;
  const ThreadScope threads(options.threads, run.work_per_step(), world ? world->local_ranks() : 1);
  run.set_threads(threads.count());
  if (saved) {
    if (world && world->ranks() > 1) check_checkpoints_agree(*saved, *world);
    run.resume(*saved, options.resume);
  } else {
    run.start_fresh();
  }
  TrainResult result = run.run();
  result.ranks = world ? world->ranks() : 1;
  result.threads = run.threads();
  return result;
}

}  // namespace

std::string default_optimizer(const ProblemShape& shape, const std::string& model) {
  if (shape.classification) return "adam";
  return model == "linear" ? "sgd(lr=0.01)" : "adam(lr=0.1)";
}

TrainResult train(const LabeledData& data, const TrainOptions& options, const TrainCallbacks& callbacks) {
  check_options(options);
  if (data.features.rows() != data.targets.size()) throw_input("{}: features and targets differ in length", data.name);
  if (data.features.cols() != data.shape.inputs) throw_input("{}: the feature count does not match its shape", data.name);
  std::optional<Checkpoint> saved;
  if (!options.resume.empty()) {  // the data first: other mismatches follow from it
    saved = load_checkpoint(options.resume);
    detail::check_resume_data(*saved, data, options.resume);
  }
  const Split split = split_rows(data.features.rows(), options.test_fraction, options.seed, data.predefined_test_rows);
  const Standardizer z = options.standardize ? Standardizer::fit(data.features, split.train)
                                             : Standardizer::identity(data.features.cols());
  const std::string model = options.model.empty() ? default_model(data.shape) : options.model;
  if (options.combiner && options.combiner->ranks() > 1) check_processes_agree(data, options, model);
  if (resolve_model(model, data.shape).double_precision) {
    return train_as<double>(data, options, callbacks, split, z, model, saved);
  }
  return train_as<float>(data, options, callbacks, split, z, model, saved);
}

}  // namespace descent::ml
