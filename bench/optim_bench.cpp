// Optimizer step throughput on float32 parameters (1e6, 1e7, 5e7) against, in the same run:
//   * the floor: a plain one-pass OpenMP loop doing the same arithmetic (BM_<Rule>_floor);
//   * PyTorch's foreach step (bench/torch_optim.py via /usr/bin/python3; skipped when absent or
//     when DESCENT_BENCH_NO_TORCH is set), reported with manual time (BM_<Rule>_torch);
// and the minimize driver's cost: Adam on the compiled 2-D Rosenbrock formula (interpreted and
// native), against a hand-written loop calling the same compiled program and against the
// issue's baseline, objective, gradient and Adam inline in one loop (ns per step).
// Counter ns_per_param (or ns_per_step) is what to compare; bytes_per_second is memory traffic.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/optim/minimize.hpp"
#include "descent/optim/objectives.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/symbolic/program.hpp"

namespace {

using descent::Index;

constexpr double kDriverLr = 1e-7;  // keeps Adam off the minimum for 1e7 steps
constexpr double kLr = 1e-3, kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8, kMu = 0.9, kAlpha = 0.99;

struct Arrays {
  std::vector<float> params, grad, a, b;
  explicit Arrays(Index n)
      : params(static_cast<std::size_t>(n), 0.5f), grad(static_cast<std::size_t>(n)),
        a(static_cast<std::size_t>(n), 0.0f), b(static_cast<std::size_t>(n), 0.0f) {
    for (Index i = 0; i < n; ++i) grad[static_cast<std::size_t>(i)] = 1e-3f * static_cast<float>((i % 17) - 8);
  }
};

void set_counters(benchmark::State& state, Index n, int bytes_per_param) {
  state.SetBytesProcessed(state.iterations() * n * bytes_per_param);
  state.counters["ns_per_param"] = benchmark::Counter(
      static_cast<double>(n) * 1e-9,
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// Bytes moved per parameter: Adam/AdamW read p, g, m, v and write p, m, v (28); SGD momentum
// and RMSprop read p, g, buffer and write p, buffer (20).
int bytes_of(const std::string& rule) { return rule == "adam" || rule == "adamw" ? 28 : 20; }

std::string spec_of(const std::string& rule) {
  if (rule == "adam") return "adam(lr=0.001)";
  if (rule == "adamw") return "adamw(lr=0.001)";
  if (rule == "sgd_momentum") return "sgd(lr=0.001, momentum=0.9)";
  return "rmsprop(lr=0.001)";
}

void BM_descent(benchmark::State& state, const std::string& rule) {
  const Index n = state.range(0);
  Arrays arrays(n);
  auto optimizer = descent::optim::make_optimizer(spec_of(rule));
  std::span<float> params(arrays.params);
  std::span<const float> grad(arrays.grad);
  optimizer->step(params, grad);  // allocates the state
  for (auto _ : state) {
    optimizer->step(params, grad);
    benchmark::DoNotOptimize(arrays.params.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, n, bytes_of(rule));
}

// The floor: the same arithmetic in one plain OpenMP loop (step-dependent scalars hoisted).
void BM_floor(benchmark::State& state, const std::string& rule) {
  const Index n = state.range(0);
  Arrays arrays(n);
  float* __restrict p = arrays.params.data();
  const float* __restrict g = arrays.grad.data();
  float* __restrict m = arrays.a.data();
  float* __restrict v = arrays.b.data();
  std::int64_t t = 1;
  for (auto _ : state) {
    ++t;
    const auto b1 = static_cast<float>(kBeta1), b2 = static_cast<float>(kBeta2);
    const auto step = static_cast<float>(kLr / (1 - std::pow(kBeta1, static_cast<double>(t))));
    const auto bc2 = static_cast<float>(std::sqrt(1 - std::pow(kBeta2, static_cast<double>(t))));
    const auto eps = static_cast<float>(kEps), lr = static_cast<float>(kLr);
    const auto shrink = static_cast<float>(1 - kLr * 1e-2);
    const auto mu = static_cast<float>(kMu), alpha = static_cast<float>(kAlpha);
    if (rule == "adam" || rule == "adamw") {
      const float s = rule == "adamw" ? shrink : 1.0f;
#pragma omp parallel for simd schedule(static)
      for (Index i = 0; i < n; ++i) {
        const float mi = m[i] * b1 + (1 - b1) * g[i];
        const float vi = v[i] * b2 + (1 - b2) * g[i] * g[i];
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] * s - step * (mi / (std::sqrt(vi) / bc2 + eps));
      }
    } else if (rule == "sgd_momentum") {
#pragma omp parallel for simd schedule(static)
      for (Index i = 0; i < n; ++i) {
        const float bi = m[i] * mu + g[i];
        m[i] = bi;
        p[i] = p[i] - lr * bi;
      }
    } else {
#pragma omp parallel for simd schedule(static)
      for (Index i = 0; i < n; ++i) {
        const float vi = v[i] * alpha + (1 - alpha) * g[i] * g[i];
        v[i] = vi;
        p[i] = p[i] - lr * (g[i] / (std::sqrt(vi) + eps));
      }
    }
    benchmark::DoNotOptimize(p);
    benchmark::ClobberMemory();
  }
  set_counters(state, n, bytes_of(rule));
}

// PyTorch's figures, measured by bench/torch_optim.py at program start.
std::map<std::pair<std::string, Index>, double> torch_ns_per_param(const std::vector<Index>& sizes) {
  std::map<std::pair<std::string, Index>, double> out;
  if (std::getenv("DESCENT_BENCH_NO_TORCH")) return out;
  std::string command = "/usr/bin/python3 " DESCENT_BENCH_DIR "/torch_optim.py " +
                        std::to_string(omp_get_max_threads());
  for (Index n : sizes) command += " " + std::to_string(n);
  command += " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  char line[512];
  while (std::fgets(line, sizeof line, pipe)) {
    try {
      const auto doc = nlohmann::json::parse(line);
      out[{doc["optimizer"].get<std::string>(), doc["size"].get<Index>()}] =
          doc["ns_per_param"].get<double>();
    } catch (const std::exception&) {
    }
  }
  pclose(pipe);
  if (out.empty()) std::fprintf(stderr, "note: PyTorch baseline skipped (python3-torch absent?)\n");
  return out;
}

// Driver overhead: Adam on the compiled 2-D Rosenbrock formula, steps per iteration = range(0).
const char* kRosenbrock = "(1 - x)^2 + 100*(y - x^2)^2";

// state.range(1): 1 = the formula compiled to native code (jit), 0 = interpreted.
descent::optim::Objective rosenbrock_objective(bool jit) {
  return descent::optim::formula_objective(
      kRosenbrock, {"x", "y"}, false, jit ? descent::optim::Jit::on : descent::optim::Jit::off);
}

void set_step_counter(benchmark::State& state, std::int64_t steps) {
  state.counters["ns_per_step"] = benchmark::Counter(
      static_cast<double>(steps) * 1e-9,
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_driver_adam_rosenbrock(benchmark::State& state) {
  const auto steps = state.range(0);
  const auto objective = rosenbrock_objective(state.range(1) != 0);
  // lr 1e-7 keeps Adam far from the minimum for all 1e7 steps (with lr 1e-3 it lands exactly on
  // (1, 1) after ~22000 steps and the run stops converged; then v decays into subnormals).
  auto optimizer = descent::optim::make_optimizer("adam(lr=1e-7)");
  descent::Vec x0(2);
  x0 << -1.2, 1.0;
  for (auto _ : state) {
    optimizer->reset();
    auto summary = descent::optim::minimize(objective, x0, *optimizer, nullptr,
                                            {.steps = steps, .tol = 0.0});
    benchmark::DoNotOptimize(summary.x.data());
    if (summary.steps != steps) state.SkipWithError("the run stopped early");
  }
  set_step_counter(state, steps);
}

// The same compiled program and Adam arithmetic, hand-inlined, no driver.
void BM_hand_adam_rosenbrock(benchmark::State& state) {
  const auto steps = state.range(0);
  auto program = descent::symbolic::compile_formula(kRosenbrock, {"x", "y"});
  if (state.range(1) != 0 && !program.jit()) state.SkipWithError("built without libgccjit");
  for (auto _ : state) {
    double x[2] = {-1.2, 1.0}, g[2], m[2] = {0, 0}, v[2] = {0, 0};
    double f = 0;
    for (std::int64_t t = 1; t <= steps; ++t) {
      f = program.value_grad(x, g);
      const double step = kDriverLr / (1 - std::pow(kBeta1, static_cast<double>(t)));
      const double bc2 = std::sqrt(1 - std::pow(kBeta2, static_cast<double>(t)));
      for (int i = 0; i < 2; ++i) {
        m[i] = m[i] * kBeta1 + (1 - kBeta1) * g[i];
        v[i] = v[i] * kBeta2 + (1 - kBeta2) * g[i] * g[i];
        x[i] = x[i] - step * (m[i] / (std::sqrt(v[i]) / bc2 + kEps));
      }
    }
    benchmark::DoNotOptimize(f);
    benchmark::DoNotOptimize(x);
  }
  set_step_counter(state, steps);
}

// The baseline of the issue: objective, gradient and Adam inline in one loop, bias corrections
// by std::pow every step as torch computes them (bench/minimize_loop_hand.cpp as a process).
void BM_hand_inline_adam_rosenbrock(benchmark::State& state) {
  const auto steps = state.range(0);
  for (auto _ : state) {
    double x[2] = {-1.2, 1.0}, g[2], m[2] = {0, 0}, v[2] = {0, 0};
    double f = 0;
    for (std::int64_t t = 1; t <= steps; ++t) {
      const double p = 1 - x[0], q = x[1] - x[0] * x[0];
      f = p * p + 100 * q * q;
      g[0] = -2 * p - 400 * x[0] * q;
      g[1] = 200 * q;
      const double step = kDriverLr / (1 - std::pow(kBeta1, static_cast<double>(t)));
      const double bc2 = std::sqrt(1 - std::pow(kBeta2, static_cast<double>(t)));
      for (int i = 0; i < 2; ++i) {
        m[i] = m[i] * kBeta1 + (1 - kBeta1) * g[i];
        v[i] = v[i] * kBeta2 + (1 - kBeta2) * g[i] * g[i];
        x[i] = x[i] - step * (m[i] / (std::sqrt(v[i]) / bc2 + kEps));
      }
    }
    benchmark::DoNotOptimize(f);
    benchmark::DoNotOptimize(x);
  }
  set_step_counter(state, steps);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  const std::vector<Index> sizes = {1'000'000, 10'000'000, 50'000'000};
  const auto torch = torch_ns_per_param(sizes);
  for (const std::string rule : {"adam", "adamw", "sgd_momentum", "rmsprop"}) {
    for (Index n : sizes) {
      benchmark::RegisterBenchmark(("BM_" + rule + "_descent").c_str(), BM_descent, rule)
          ->Arg(n)->Unit(benchmark::kMillisecond)->UseRealTime();
      benchmark::RegisterBenchmark(("BM_" + rule + "_floor").c_str(), BM_floor, rule)
          ->Arg(n)->Unit(benchmark::kMillisecond)->UseRealTime();
      if (const auto it = torch.find({rule, n}); it != torch.end()) {
        const double seconds = it->second * 1e-9 * static_cast<double>(n);
        benchmark::RegisterBenchmark(("BM_" + rule + "_torch").c_str(),
                                     [seconds, n, rule](benchmark::State& state) {
                                       for (auto _ : state) state.SetIterationTime(seconds);
                                       set_counters(state, n, bytes_of(rule));
                                     })
            ->Arg(n)->Unit(benchmark::kMillisecond)->UseManualTime()->Iterations(1);
      }
    }
  }
  // Steps 1e6 and 1e7; interpreted (0) and native (1) formula. CPU time: one thread each.
  using Bench = void (*)(benchmark::State&);
  for (auto [name, bench] :
       {std::pair<const char*, Bench>{"BM_driver_adam_rosenbrock", BM_driver_adam_rosenbrock},
        std::pair<const char*, Bench>{"BM_hand_adam_rosenbrock", BM_hand_adam_rosenbrock}}) {
    benchmark::RegisterBenchmark(name, bench)
        ->ArgsProduct({{1'000'000, 10'000'000}, {0, 1}})
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("BM_hand_inline_adam_rosenbrock", BM_hand_inline_adam_rosenbrock)
      ->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
