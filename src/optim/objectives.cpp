// formula_objective: a compiled symbolic Program behind the Objective interface.
#include "quiet_eigen.hpp"  // first: silences a GCC 12 false warning in Eigen
#include "descent/optim/objectives.hpp"

#include <memory>

#include "descent/core/error.hpp"

#include "descent/symbolic/program.hpp"

namespace descent::optim {

bool jit_pays(std::size_t instructions, std::int64_t evaluations) {
  // Measured (bench/symbolic_bench.cpp, 2-core machine): native code saves ~1 ns per
  // instruction and evaluation (Rosenbrock, 15 instructions: 15.5 -> 3.9 ns; 50 terms, 271
  // instructions: 437 -> 152 ns); jit() takes ~20 ms plus ~0.1 ms per instruction (Rosenbrock
  // 19 ms, 50 terms 44 ms idle; 2-3x that on a busy machine), taken here as 30 ms + 0.1 ms.
  // So Rosenbrock pays from ~2 million evaluations, the 50-term formula from ~200 thousand.
  constexpr double kSavedNsPerInstruction = 1.0;
  constexpr double kCompileNs = 30e6, kCompileNsPerInstruction = 0.1e6;
  const auto n = static_cast<double>(instructions);
  return n * static_cast<double>(evaluations) * kSavedNsPerInstruction >
         kCompileNs + kCompileNsPerInstruction * n;
}

Objective formula_objective(std::string_view formula, const std::vector<std::string>& variables,
                            bool with_hessian, Jit jit, std::int64_t evaluations) {
  using symbolic::Program;
  // Program's evaluation writes its own scratch registers: share one per objective (an
  // Objective is used by one run at a time; copy the objective per thread otherwise).
  auto program = std::make_shared<Program>(symbolic::compile_formula(
      formula, variables,
      with_hessian ? Program::Derivatives::hessian : Program::Derivatives::gradient));
  if (jit == Jit::on && !program->jit()) {
    throw Error(ErrorCode::bad_usage,
                "native code (jit=on) needs libgccjit; this descent was built without it "
                "(use jit=off, or rebuild with libgccjit-12-dev installed)");
  }
  // jit_pays first: jit_available() loads libgccjit (milliseconds), which a short run never needs.
  if (jit == Jit::automatic && jit_pays(program->instruction_count(), evaluations) &&
      Program::jit_available()) {
    try {
      program->jit();
    } catch (const Error&) {
      // automatic: the interpreter computes the same numbers, only slower
    }
  }
  Objective objective;
  objective.value_grad = [program](const Vec& x, Vec* grad) {
    if (!grad) return program->value(x.data());
    return program->value_grad(x.data(), grad->data());
  };
  if (with_hessian) {
    auto scratch = std::make_shared<std::vector<double>>(variables.size());
    objective.hessian = [program, scratch](const Vec& x, Mat& hessian) {
      const Index n = x.size();
      RowMat row_major(n, n);
      program->value_grad_hessian(x.data(), scratch->data(), row_major.data());
      hessian = row_major;
    };
  }
  return objective;
}

}  // namespace descent::optim
