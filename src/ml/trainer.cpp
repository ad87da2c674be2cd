// The training loop's entry: checks the options, splits and standardizes the data, picks the
// model's scalar type and the thread count, then runs (or resumes) a detail::TrainingRun.

// GCC 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 GEMM kernels.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "descent/ml/trainer.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <optional>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "descent/core/error.hpp"
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
  // work: multiply-adds of one forward pass (about parameters x batch size).
  ThreadScope(int threads, double work) : eigen_(Eigen::nbThreads()) {
#ifdef _OPENMP
    omp_ = omp_get_max_threads();
#endif
    constexpr double kSmallStep = 1 << 22;
    count_ = std::min(detail::kMaxThreads, threads > 0 ? threads : (work < kSmallStep ? 1 : omp_));
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
  if (options.threads < 0 || options.threads > kMaxThreads) {
    throw_usage("train: threads = {}; must lie in [0, {}]", options.threads, kMaxThreads);
  }
}

template <typename T>
TrainResult train_as(const LabeledData& data, const TrainOptions& options,
                     const TrainCallbacks& callbacks, const Split& split, const Standardizer& z,
                     const std::string& model, const std::optional<Checkpoint>& saved) {
  detail::TrainingRun<T> run(data, options, split, z, model, callbacks);
  const ThreadScope threads(options.threads, run.work_per_step());
  run.set_threads(threads.count());
  if (saved) {
    run.resume(*saved, options.resume);
  } else {
    run.start_fresh();
  }
  return run.run();
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
  if (resolve_model(model, data.shape).double_precision) {
    return train_as<double>(data, options, callbacks, split, z, model, saved);
  }
  return train_as<float>(data, options, callbacks, split, z, model, saved);
}

}  // namespace descent::ml
