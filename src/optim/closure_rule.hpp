// Private base for rules that need the objective inside a step (lbfgs, newton, armijo gd):
// refuses the flat-array step, and evaluates f (negated when maximizing).
#pragma once

#include <span>
#include <string>

#include "elementwise.hpp"

namespace descent::optim::detail {

class ClosureRule : public Optimizer {
 public:
  using Optimizer::step;
  void step(std::span<double> /*params*/, std::span<const double> /*grad*/) final { refuse(); }
  void step(std::span<float> /*params*/, std::span<const float> /*grad*/) final { refuse(); }
  bool needs_closure() const final { return true; }
  std::string failure() const override { return failure_; }

 protected:
  // f(x) (and its gradient into *grad when given), negated when the rule maximizes.
  double evaluate(const Objective& objective, const Vec& x, Vec* grad) const {
    const double f = objective.value_grad(x, grad);
    if (!maximize()) return f;
    if (grad) *grad = -*grad;
    return -f;
  }

  std::string failure_;

 private:
  [[noreturn]] void refuse() const {
    throw_usage("{} re-evaluates the objective inside a step; use it with minimize() (it cannot "
                "train from minibatch gradients)",
                this->name());
  }
};

}  // namespace descent::optim::detail
