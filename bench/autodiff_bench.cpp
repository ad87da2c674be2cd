// Reverse-mode cost on N-dimensional Rosenbrock, the lambda written two ways (the plain loop of
// the README and the form with `const T` temporaries), against the function alone in plain
// double and a hand-written gradient, all measured in the same run. The counter x_function is
// (value and gradient) / (function alone), measured inside each benchmark (thread CPU time, so
// a busy machine shifts both alike); the target is <= 3. BM_RosenbrockMemory/1e7 reports the
// resident memory a gradient adds, autodiff vs hand-written (target: <= 2x). PyTorch autograd
// on the same function: bench/autodiff_vs_torch.sh.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <thread>

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

auto plain_rosenbrock = [](const auto& x) {
  using T = std::decay_t<decltype(x[0])>;
  T s = 0.0;
  for (Index i = 0; i + 1 < x.size(); ++i) {
    T a = 1.0 - x[i];
    T b = x[i + 1] - x[i] * x[i];
    s += a * a + 100.0 * b * b;
  }
  return s;
};

// Hand-derived value and gradient in one pass: what autodiff competes with.
double hand_gradient(const Vec& x, Vec& grad) {
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
  return sum;
}

Vec start(Index n) { return Vec::LinSpaced(n, -1.2, 1.0); }

double thread_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// The fastest of a few timed calls of f (thread CPU seconds).
template <class F>
double fastest(F&& f, int calls) {
  double best = 1e300;
  for (int k = 0; k < calls; ++k) {
    const double t0 = thread_seconds();
    f();
    best = std::min(best, thread_seconds() - t0);
  }
  return best;
}

// Runs `body` as the benchmark's loop and reports its time over the function alone's.
template <class F, class Body>
void run_against_function(benchmark::State& state, F&& function, const Vec& x, Body&& body) {
  const int calls = x.size() > 100000 ? 10 : 2000;
  double best = 1e300;
  for (auto _ : state) {
    const double t0 = thread_seconds();
    body();
    best = std::min(best, thread_seconds() - t0);
  }
  const double alone =
      fastest([&] { benchmark::DoNotOptimize(descent::autodiff::value(function, x)); }, calls);
  state.counters["x_function"] = best / alone;
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

template <class F>
void value_benchmark(benchmark::State& state, F&& f) {
  const Vec x = start(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(descent::autodiff::value(f, x));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// What one call leaves on the tape, per element: statements and arguments.
template <class F>
void count_tape(benchmark::State& state, F&& f, const Vec& x) {
  descent::autodiff::TapeSession<double> session;
  const auto vars = session.inputs(x.size(), x.data());
  benchmark::DoNotOptimize(f(vars).value());
  const auto n = static_cast<double>(x.size());
  const auto statements = static_cast<double>(session.tape().size()) - 1.0 - n;  // less inputs
  state.counters["stmt/elem"] = statements / n;
  state.counters["args/elem"] = static_cast<double>(session.tape().arguments()) / n;
}

template <class F>
void gradient_benchmark(benchmark::State& state, F&& f) {
  const Vec x = start(state.range(0));
  Vec grad(x.size());
  descent::autodiff::value_and_gradient(f, x, grad);  // warm-up: first touch of the tape
  run_against_function(state, f, x, [&] {
    benchmark::DoNotOptimize(descent::autodiff::value_and_gradient(f, x, grad));
    benchmark::ClobberMemory();
  });
  count_tape(state, f, x);
}

void BM_RosenbrockValue(benchmark::State& state) { value_benchmark(state, rosenbrock); }
void BM_PlainRosenbrockValue(benchmark::State& state) { value_benchmark(state, plain_rosenbrock); }
void BM_RosenbrockAutodiffGradient(benchmark::State& state) {
  gradient_benchmark(state, rosenbrock);
}
void BM_PlainRosenbrockAutodiffGradient(benchmark::State& state) {
  gradient_benchmark(state, plain_rosenbrock);
}

void BM_RosenbrockHandGradient(benchmark::State& state) {
  const Vec x = start(state.range(0));
  Vec grad(x.size());
  run_against_function(state, rosenbrock, x, [&] {
    benchmark::DoNotOptimize(hand_gradient(x, grad));
    benchmark::ClobberMemory();
  });
}

void BM_RosenbrockHessianVectorProduct(benchmark::State& state) {
  const Vec x = start(state.range(0));
  const Vec v = Vec::Ones(x.size());
  Vec hv(x.size());
  descent::autodiff::value_gradient_hvp(plain_rosenbrock, x, v, hv);  // warm-up
  run_against_function(state, plain_rosenbrock, x, [&] {
    benchmark::DoNotOptimize(descent::autodiff::value_gradient_hvp(plain_rosenbrock, x, v, hv));
    benchmark::ClobberMemory();
  });
}

// Resident memory now, in bytes.
double resident_bytes() {
  long pages = 0;
  long resident = 0;
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0.0;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  std::fclose(f);
  return static_cast<double>(resident) * 4096.0;
}

// The memory a gradient adds at N (x itself excluded): the hand-written one (its gradient
// vector), then autodiff on a fresh thread (a fresh tape) writing into a fresh vector.
void BM_RosenbrockMemory(benchmark::State& state) {
  const Vec x = start(state.range(0));
  double hand = 0.0;
  double autodiff = 0.0;
  for (auto _ : state) {
    std::thread([&] {
      const double r0 = resident_bytes();
      Vec grad(x.size());
      benchmark::DoNotOptimize(hand_gradient(x, grad));
      const double r1 = resident_bytes();
      Vec grad2(x.size());
      benchmark::DoNotOptimize(descent::autodiff::value_and_gradient(plain_rosenbrock, x, grad2));
      const double r2 = resident_bytes();
      hand = r1 - r0;
      autodiff = r2 - r1;
    }).join();
  }
  state.counters["MB_hand"] = hand / 1e6;
  state.counters["MB_autodiff"] = autodiff / 1e6;
  state.counters["x_hand"] = autodiff / hand;
}

BENCHMARK(BM_RosenbrockValue)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PlainRosenbrockValue)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RosenbrockAutodiffGradient)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PlainRosenbrockAutodiffGradient)
    ->Arg(1000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RosenbrockHandGradient)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RosenbrockHessianVectorProduct)
    ->Arg(1000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RosenbrockMemory)->Arg(10000000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
