// Reverse-mode cost on N-dimensional Rosenbrock: the function alone in plain double (the
// baseline, measured in the same run) vs autodiff value + gradient, and a hand-written gradient.
// The ratio gradient / function is the figure of merit (target: <= 4).
#include <benchmark/benchmark.h>

#include "descent/autodiff/gradient.hpp"

namespace {

using descent::Index;
using descent::Vec;

auto rosenbrock = [](const auto& x) {
  using T = std::decay_t<decltype(x[0])>;
  T sum = 0.0;
  for (Index i = 0; i + 1 < x.size(); ++i) {
    const T a = x[i + 1] - x[i] * x[i];
    const T b = 1.0 - x[i];
    sum += 100.0 * a * a + b * b;
  }
  return sum;
};

Vec start(Index n) { return Vec::LinSpaced(n, -1.2, 1.0); }

void BM_RosenbrockValue(benchmark::State& state) {
  const Vec x = start(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(descent::autodiff::value(rosenbrock, x));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// The tape one Rosenbrock call records, per element: statements and arguments (each argument is
// a 4-byte index and an 8-byte partial, each statement a 4-byte end): what the gradient writes
// and sweeps back.
void count_tape(benchmark::State& state, const Vec& x) {
  descent::autodiff::TapeSession<double> session;
  const auto vars = session.inputs(x.size(), [&](Index i) { return x[i]; });
  benchmark::DoNotOptimize(rosenbrock(vars).index());
  const auto n = static_cast<double>(x.size());
  const auto statements = static_cast<double>(session.tape().size()) - 1.0 - n;  // less inputs
  state.counters["stmt/elem"] = statements / n;
  state.counters["args/elem"] = static_cast<double>(session.tape().arguments()) / n;
}

void BM_RosenbrockAutodiffGradient(benchmark::State& state) {
  const Vec x = start(state.range(0));
  Vec grad(x.size());
  descent::autodiff::value_and_gradient(rosenbrock, x, grad);  // warm-up: first touch of the tape
  for (auto _ : state) {
    benchmark::DoNotOptimize(descent::autodiff::value_and_gradient(rosenbrock, x, grad));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  count_tape(state, x);
}

// Hand-derived value and gradient in one pass: what autodiff competes with.
void BM_RosenbrockHandGradient(benchmark::State& state) {
  const Vec x = start(state.range(0));
  Vec grad(x.size());
  for (auto _ : state) {
    const Index n = x.size();
    double sum = 0.0;
    grad.setZero();
    for (Index i = 0; i + 1 < n; ++i) {
      const double a = x[i + 1] - x[i] * x[i];
      const double b = 1.0 - x[i];
      sum += 100.0 * a * a + b * b;
      grad[i] += -400.0 * a * x[i] - 2.0 * b;
      grad[i + 1] += 200.0 * a;
    }
    benchmark::DoNotOptimize(sum);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_RosenbrockHessianVectorProduct(benchmark::State& state) {
  const Vec x = start(state.range(0));
  const Vec v = Vec::Ones(x.size());
  Vec hv(x.size());
  descent::autodiff::value_gradient_hvp(rosenbrock, x, v, hv);  // warm-up
  for (auto _ : state) {
    benchmark::DoNotOptimize(descent::autodiff::value_gradient_hvp(rosenbrock, x, v, hv));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_RosenbrockValue)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RosenbrockAutodiffGradient)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RosenbrockHandGradient)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RosenbrockHessianVectorProduct)
    ->Arg(1000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
