// Objectives for the optimizers from a formula (compiled once by the symbolic module, with exact
// gradient and Hessian) or from a generic C++ lambda (reverse-mode autodiff).
// Example: auto o = formula_objective("(1 - x)^2 + 100*(y - x^2)^2", {"x", "y"});
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "descent/autodiff/gradient.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::optim {

// Whether a formula objective runs as native code (symbolic::Program::jit, libgccjit):
// off; on (descent::Error when this build has no libgccjit or compilation fails); automatic:
// on when the expected work repays the compile time (jit_pays), else, or when unavailable
// or failing, the interpreter, silently. Native and interpreted results are bit-identical.
enum class Jit { off, on, automatic };

// Compiles `formula` over `variables` (their order is x's). Throws descent::Error for a bad
// formula (with its column) or a variable of the formula missing from `variables`.
// with_hessian = false compiles only the gradient (cheaper; Newton then refuses it).
// evaluations: how many evaluations the caller expects (for Jit::automatic).
Objective formula_objective(std::string_view formula, const std::vector<std::string>& variables,
                            bool with_hessian = true, Jit jit = Jit::off,
                            std::int64_t evaluations = 0);

// Whether compiling to native code pays for `evaluations` runs of a program of `instructions`
// instructions: the interpreter costs about a nanosecond per instruction more than native
// code, and jit() takes tens of milliseconds (bench/symbolic_bench.cpp, BM_JitCompile_*):
// e.g. the 2-D Rosenbrock (15 instructions) pays from about 2 million evaluations.
bool jit_pays(std::size_t instructions, std::int64_t evaluations);

// The autodiff module's objective (same fields; autodiff sits below optim).
inline Objective from_autodiff(autodiff::Objective objective) {
  return {std::move(objective.value_grad), std::move(objective.hessian)};
}

// A generic lambda [](const auto& x) { return ...; } as an objective with exact derivatives.
template <class F>
Objective autodiff_objective(F f) {
  return from_autodiff(autodiff::make_objective(std::move(f)));
}

}  // namespace descent::optim
