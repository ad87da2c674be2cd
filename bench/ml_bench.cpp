// Training speed on Fashion-MNIST against PyTorch CPU in the same run: an MLP 784-256-10 and a
// small CNN, Adam(lr=1e-3), batch 128, PyTorch's default initialization (init=uniform) on both
// sides. Each benchmark trains once (Iterations(1)) and reports counters: seconds per epoch
// (training steps only; PyTorch's figure is measured the same way by bench/torch_mlp.py),
// test accuracy after the first and the last epoch, and our time as a ratio of PyTorch's.
// Run: ./descent_ml_bench  (PyTorch with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2, one thread)
// Environment: DESCENT_BENCH_EPOCHS (default 5 for the MLP; the CNN runs 1), DESCENT_BENCH_THREADS.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "descent/core/error.hpp"
#include "descent/ml/trainer.hpp"

namespace {

struct Figures {
  double seconds_per_epoch = 0.0;
  double first_accuracy = 0.0;
  double last_accuracy = 0.0;
};

std::map<std::string, Figures>& torch_figures() {
  static std::map<std::string, Figures> figures;
  return figures;
}

int env_int(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::atoi(value) : fallback;
}

const descent::ml::LabeledData* fashion() {
  static std::unique_ptr<descent::ml::LabeledData> data = []() -> std::unique_ptr<descent::ml::LabeledData> {
    try {
      return std::make_unique<descent::ml::LabeledData>(descent::ml::load_labeled("fashion-mnist"));
    } catch (const descent::Error& e) {
      std::fprintf(stderr, "ml_bench: %s\n", e.what());
      return nullptr;
    }
  }();
  return data.get();
}

void BM_TorchTrain(benchmark::State& state, const std::string& model, int epochs) {
  const std::string command = "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=2 /usr/bin/python3 " DESCENT_BENCH_DIR
                              "/torch_mlp.py --model " + model + " --epochs " + std::to_string(epochs);
  for (auto _ : state) {
    std::string out;
    if (FILE* pipe = popen(command.c_str(), "r")) {
      char buffer[4096];
      while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
      pclose(pipe);
    }
    try {
      const auto doc = nlohmann::json::parse(out);
      Figures f;
      for (const auto& e : doc["epochs"]) f.seconds_per_epoch += e["seconds"].get<double>();
      f.seconds_per_epoch /= static_cast<double>(doc["epochs"].size());
      f.first_accuracy = doc["epochs"].front()["test_accuracy"].get<double>();
      f.last_accuracy = doc["epochs"].back()["test_accuracy"].get<double>();
      torch_figures()[model] = f;
      state.counters["s_per_epoch"] = f.seconds_per_epoch;
      state.counters["acc_first"] = f.first_accuracy;
      state.counters["acc_last"] = f.last_accuracy;
    } catch (const std::exception&) {
      state.SkipWithError("PyTorch baseline failed (is python3-torch installed?)");
    }
  }
}

void BM_DescentTrain(benchmark::State& state, const std::string& model, const std::string& spec, int epochs) {
  const descent::ml::LabeledData* data = fashion();
  if (data == nullptr) {
    for (auto _ : state) state.SkipWithError("fashion-mnist is not installed");
    return;
  }
  descent::ml::TrainOptions options{.model = spec, .optimizer = "adam(lr=0.001)", .batch_size = 128,
                                    .epochs = epochs, .threads = env_int("DESCENT_BENCH_THREADS", 0)};
  for (auto _ : state) {
    const descent::ml::TrainResult r = descent::ml::train(*data, options);
    double seconds = 0.0;
    for (const auto& e : r.history.epochs) seconds += e.train_seconds;
    const double per_epoch = seconds / static_cast<double>(r.history.epochs.size());
    state.counters["s_per_epoch"] = per_epoch;
    state.counters["acc_first"] = r.history.epochs.front().test_metric;
    state.counters["acc_last"] = r.history.epochs.back().test_metric;
    const auto torch = torch_figures().find(model);
    if (torch != torch_figures().end() && torch->second.seconds_per_epoch > 0) {
      state.counters["time_vs_torch"] = per_epoch / torch->second.seconds_per_epoch;
    }
  }
}

const int kMlpEpochs = env_int("DESCENT_BENCH_EPOCHS", 5);

BENCHMARK_CAPTURE(BM_TorchTrain, mlp, std::string("mlp"), kMlpEpochs)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_DescentTrain, mlp, std::string("mlp"), std::string("mlp(hidden=[256], init=uniform)"), kMlpEpochs)
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_TorchTrain, cnn, std::string("cnn"), 1)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK_CAPTURE(BM_DescentTrain, cnn, std::string("cnn"),
                  std::string("cnn(channels=[8, 16], kernel=3, hidden=64, init=uniform)"), 1)
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
