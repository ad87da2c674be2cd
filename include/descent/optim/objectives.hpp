// Objectives for the optimizers from a formula (compiled once by the symbolic module, with exact
// gradient and Hessian) or from a generic C++ lambda (reverse-mode autodiff).
// Example: auto o = formula_objective("(1 - x)^2 + 100*(y - x^2)^2", {"x", "y"});
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "descent/autodiff/gradient.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::optim {

// Compiles `formula` over `variables` (their order is x's). Throws descent::Error for a bad
// formula (with its column) or a variable of the formula missing from `variables`.
// with_hessian = false compiles only the gradient (cheaper; Newton then refuses it).
Objective formula_objective(std::string_view formula, const std::vector<std::string>& variables,
                            bool with_hessian = true);

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
