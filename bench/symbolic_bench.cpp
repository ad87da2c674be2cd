// Compiled formulas against hand-written C++ for value + gradient, measured in the same run:
// the ratio BM_Compiled_X / BM_HandWritten_X is the interpreter's overhead, BM_CompiledJit_X /
// BM_HandWritten_X that of native code from Program::jit() (target: < 2); BM_JitCompile_X is
// what jit() itself costs. Also the batched evaluation used for contour plots (points per second).
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "descent/symbolic/formula.hpp"

namespace {

using descent::symbolic::compile_formula;
using descent::symbolic::Program;

// A point that moves a little each iteration so nothing is hoisted out of the loop.
struct Walker {
  double x[2] = {-1.2, 1.0};
  void step() {
    x[0] += 1e-9;
    x[1] -= 1e-9;
  }
};

// f = (1 - x)^2 + 100 (y - x^2)^2
//   df/dx = -2 (1 - x) - 400 x (y - x^2),  df/dy = 200 (y - x^2)
double rosenbrock_hand(const double* x, double* g) {
  const double a = 1.0 - x[0];
  const double b = x[1] - x[0] * x[0];
  g[0] = -2.0 * a - 400.0 * x[0] * b;
  g[1] = 200.0 * b;
  return a * a + 100.0 * b * b;
}

void BM_HandWritten_Rosenbrock(benchmark::State& state) {
  Walker w;
  double g[2];
  for (auto _ : state) {
    w.step();
    benchmark::DoNotOptimize(rosenbrock_hand(w.x, g));
    benchmark::DoNotOptimize(g);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HandWritten_Rosenbrock);

// The same hand-written function behind the interface every evaluator has (an opaque call
// taking x and grad by pointer): the call keeps the walker's point in memory, so each iteration
// carries a store-to-load round trip that the inlined baseline above does not pay.
void BM_HandWrittenCall_Rosenbrock(benchmark::State& state) {
  double (*fn)(const double*, double*) = rosenbrock_hand;
  benchmark::DoNotOptimize(fn);
  Walker w;
  double g[2];
  for (auto _ : state) {
    w.step();
    benchmark::DoNotOptimize(fn(w.x, g));
    benchmark::DoNotOptimize(g);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HandWrittenCall_Rosenbrock);

// Compiled value + gradient of a formula in x and y at the walker's points, interpreted or
// as native code (jit).
void run_compiled(benchmark::State& state, const std::string& formula, bool jit = false) {
  Program p = compile_formula(formula, {"x", "y"}, Program::Derivatives::gradient);
  if (jit && !p.jit()) {
    state.SkipWithError("built without libgccjit");
    return;
  }
  Walker w;
  double g[2];
  for (auto _ : state) {
    w.step();
    benchmark::DoNotOptimize(p.value_grad(w.x, g));
    benchmark::DoNotOptimize(g);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["instructions"] = static_cast<double>(p.instruction_count());
}

void BM_Compiled_Rosenbrock(benchmark::State& state) {
  run_compiled(state, "(1 - x)^2 + 100*(y - x^2)^2");
}
BENCHMARK(BM_Compiled_Rosenbrock);

void BM_CompiledJit_Rosenbrock(benchmark::State& state) {
  run_compiled(state, "(1 - x)^2 + 100*(y - x^2)^2", /*jit=*/true);
}
BENCHMARK(BM_CompiledJit_Rosenbrock);

// 50 terms: even i: a_i sin(b_i x + c_i y); odd i: a_i (x - b_i)^2 (y - c_i)^2.
struct Term {
  double a, b, c;
};

std::vector<Term> fifty_terms() {
  std::vector<Term> terms;
  for (int i = 0; i < 50; ++i) {
    terms.push_back({0.1 * (i % 7 + 1), 0.25 * (i % 5 + 1), 0.5 * (i % 3) - 0.5});
  }
  return terms;
}

std::string fifty_terms_formula() {
  std::string f;
  int i = 0;
  for (const Term& t : fifty_terms()) {
    if (!f.empty()) f += " + ";
    f += i++ % 2 == 0 ? fmt::format("{}*sin({}*x + {}*y)", t.a, t.b, t.c)
                      : fmt::format("{}*(x - {})^2*(y - {})^2", t.a, t.b, t.c);
  }
  return f;
}

double fifty_terms_hand(const std::vector<Term>& terms, const double* x, double* g) {
  double f = 0.0, gx = 0.0, gy = 0.0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const Term& t = terms[i];
    if (i % 2 == 0) {
      const double u = t.b * x[0] + t.c * x[1];
      const double s = std::sin(u), c = std::cos(u);
      f += t.a * s;
      gx += t.a * t.b * c;
      gy += t.a * t.c * c;
    } else {
      const double dx = x[0] - t.b, dy = x[1] - t.c;
      f += t.a * dx * dx * dy * dy;
      gx += 2.0 * t.a * dx * dy * dy;
      gy += 2.0 * t.a * dx * dx * dy;
    }
  }
  g[0] = gx;
  g[1] = gy;
  return f;
}

void BM_HandWritten_50Terms(benchmark::State& state) {
  const auto terms = fifty_terms();
  Walker w;
  double g[2];
  for (auto _ : state) {
    w.step();
    benchmark::DoNotOptimize(fifty_terms_hand(terms, w.x, g));
    benchmark::DoNotOptimize(g);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HandWritten_50Terms);

void BM_Compiled_50Terms(benchmark::State& state) { run_compiled(state, fifty_terms_formula()); }
BENCHMARK(BM_Compiled_50Terms);

void BM_CompiledJit_50Terms(benchmark::State& state) {
  run_compiled(state, fifty_terms_formula(), /*jit=*/true);
}
BENCHMARK(BM_CompiledJit_50Terms);

// jit() itself: generating and compiling value, value_grad (and value_grad_hessian) at -O2.
void run_jit_compile(benchmark::State& state, const std::string& formula, Program::Derivatives d) {
  const Program p = compile_formula(formula, {"x", "y"}, d);
  for (auto _ : state) {
    Program copy = p;
    if (!copy.jit()) {
      state.SkipWithError("built without libgccjit");
      return;
    }
    benchmark::DoNotOptimize(copy);
  }
  state.counters["instructions"] = static_cast<double>(p.instruction_count());
}

void BM_JitCompile_Rosenbrock(benchmark::State& state) {
  run_jit_compile(state, "(1 - x)^2 + 100*(y - x^2)^2", Program::Derivatives::gradient);
}
BENCHMARK(BM_JitCompile_Rosenbrock)->Unit(benchmark::kMillisecond);

void BM_JitCompile_50Terms(benchmark::State& state) {
  run_jit_compile(state, fifty_terms_formula(), Program::Derivatives::gradient);
}
BENCHMARK(BM_JitCompile_50Terms)->Unit(benchmark::kMillisecond);

void BM_JitCompile_50TermsHessian(benchmark::State& state) {
  run_jit_compile(state, fifty_terms_formula(), Program::Derivatives::hessian);
}
BENCHMARK(BM_JitCompile_50TermsHessian)->Unit(benchmark::kMillisecond);

// Batched value + gradient on a grid (what plot does): points per second; interpreted (blocks
// of points per instruction) or native (one call per point).
void run_batch(benchmark::State& state, bool jit) {
  Program p = compile_formula("(1 - x)^2 + 100*(y - x^2)^2", {"x", "y"},
                              Program::Derivatives::gradient);
  if (jit && !p.jit()) {
    state.SkipWithError("built without libgccjit");
    return;
  }
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<double> points(2 * n), values(n), grads(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    points[2 * i] = -2.0 + 4.0 * static_cast<double>(i) / static_cast<double>(n);
    points[2 * i + 1] = 1.0 - static_cast<double>(i) / static_cast<double>(n);
  }
  for (auto _ : state) {
    p.values(points.data(), n, values.data(), grads.data());
    benchmark::DoNotOptimize(values.data());
    benchmark::DoNotOptimize(grads.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
void BM_CompiledBatch_Rosenbrock(benchmark::State& state) { run_batch(state, false); }
BENCHMARK(BM_CompiledBatch_Rosenbrock)->Arg(4096);

void BM_CompiledBatchJit_Rosenbrock(benchmark::State& state) { run_batch(state, true); }
BENCHMARK(BM_CompiledBatchJit_Rosenbrock)->Arg(4096);

void BM_HandWrittenLoop_Rosenbrock(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<double> points(2 * n), values(n), grads(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    points[2 * i] = -2.0 + 4.0 * static_cast<double>(i) / static_cast<double>(n);
    points[2 * i + 1] = 1.0 - static_cast<double>(i) / static_cast<double>(n);
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) values[i] = rosenbrock_hand(&points[2 * i], &grads[2 * i]);
    benchmark::DoNotOptimize(values.data());
    benchmark::DoNotOptimize(grads.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(BM_HandWrittenLoop_Rosenbrock)->Arg(4096);

}  // namespace

BENCHMARK_MAIN();
