// The optimizer interface: every rule (sgd ... adamax, lbfgs, newton, gd with a line search) behind
// one class, built from a spec. Example: auto opt = make_optimizer("adam(lr=0.01)"); opt->step(x, g);
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "descent/core/run_summary.hpp"
#include "descent/core/types.hpp"

namespace descent::optim {

struct Bounds;  // descent/optim/bounds.hpp

// An objective for rules that re-evaluate f. value_grad returns f(x) and, when grad != nullptr,
// writes the gradient into *grad (already sized like x). hessian is optional (Newton needs it).
struct Objective {
  std::function<double(const Vec& x, Vec* grad)> value_grad;
  std::function<void(const Vec& x, Mat& hessian)> hessian;  // may be empty
  // The box of a bounded run (MinimizeOptions::bounds), set by the driver for rules that
  // handle bounds themselves (lbfgsb); null when unbounded.
  const Bounds* bounds = nullptr;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // The optimizer's name as in its spec ("adam", "gd", ...).
  virtual std::string name() const = 0;
  // Canonical spec text with every value: "adam(lr=0.001, betas=[0.9, 0.999], ...)".
  virtual std::string spec() const = 0;

  // First-order rules: one update in place from the gradient at params (flat, contiguous,
  // same length on every call; the first call sizes the state). No allocation after the first
  // call. Rules that need a closure (needs_closure()) throw bad_usage here.
  virtual void step(std::span<double> params, std::span<const double> grad) = 0;
  virtual void step(std::span<float> params, std::span<const float> grad) = 0;

  // One step of any rule. grad and f are at x on entry; x is updated in place. Rules that
  // re-evaluate f (lbfgs, newton, gd with armijo) override this; the default calls
  // step(params, grad). Returns f at the new x when known, else NaN.
  virtual double step(Vec& x, double f, const Vec& grad, const Objective& objective);

  // True for lbfgs, newton and gd(line_search=armijo): they need step(x, f, grad, objective).
  virtual bool needs_closure() const { return false; }
  // True when the rule needs objective.hessian (newton).
  virtual bool needs_hessian() const { return false; }
  // The spec's maximize flag: the rule ascends (PyTorch: the gradient is negated first).
  virtual bool maximize() const = 0;

  virtual double lr() const = 0;
  virtual void set_lr(double lr) = 0;
  // SGD's momentum or Adam-family beta1 (what onecycle cycles); nullopt for rules without one.
  virtual std::optional<double> momentum() const { return std::nullopt; }
  // Sets momentum / beta1; ignored by rules without one.
  virtual void set_momentum(double /*momentum*/) {}

  // The whole per-run state (step counts and buffers) as bytes, and back. load_state throws
  // descent::Error (bad_input) for bytes saved by another optimizer or for another size.
  // A run resumed from saved state continues bit for bit.
  virtual std::string save_state() const = 0;
  virtual void load_state(std::string_view bytes) = 0;
  // Forgets all state: the next step is step 1.
  virtual void reset() = 0;
  // The number of parameters the state is sized for; -1 before the first step and for rules
  // that keep no per-parameter state.
  virtual std::int64_t state_size() const { return -1; }

  // Non-empty after a step that could not proceed (a singular Newton system, a failed line
  // search): a sentence for people. The driver stops with that message.
  virtual std::string failure() const { return {}; }
  // Why the driver stops after a failure(): line_search_failed for a line search that found no
  // acceptable step, no_progress (the default) for anything else.
  virtual StopReason failure_reason() const { return StopReason::no_progress; }

  // Schedule-free rules take gradients at one point (y) and report another (x, the average),
  // as their authors' optimizer.eval() / optimizer.train(). to_eval writes x into params and
  // keeps y in the state; to_train puts y back, bit for bit. Both do nothing for other rules,
  // before the first step, and when already in that mode. Drivers call to_train before taking
  // gradients and to_eval before evaluating, reporting or saving params.
  virtual void to_eval(std::span<double> /*params*/) {}
  virtual void to_eval(std::span<float> /*params*/) {}
  virtual void to_train(std::span<double> /*params*/) {}
  virtual void to_train(std::span<float> /*params*/) {}
  // False for rules whose reported point is not the iterate the driver projects (schedule-free:
  // x averages z, which a projection of y never reaches); minimize refuses bounds with them.
  virtual bool supports_bounds() const { return true; }
};

// One option of a rule as `descent optimizers` lists it.
struct OptionInfo {
  std::string key;
  std::string default_value;  // as written in a spec
  std::string range;          // "[0, 1)", ">= 0", "none or strong_wolfe", ...
  std::string doc;
};

// One rule of the registry: its name, a line about it, and its options.
struct OptimizerInfo {
  std::string name;
  std::string summary;
  std::vector<OptionInfo> options;
};

// Builds an optimizer from a spec such as "adam(lr=0.01, betas=[0.9, 0.99])". Throws
// descent::Error (bad_usage) for an unknown name (listing the known ones), an unknown key
// (listing the valid ones) or a value out of range ("adam: betas[0] = 1.2; must lie in [0, 1)").
std::unique_ptr<Optimizer> make_optimizer(std::string_view spec);

// The names make_optimizer knows, in a stable order.
std::vector<std::string> optimizer_names();

// Every rule of the registry with its options, defaults and ranges (optimizer_names() order).
std::vector<OptimizerInfo> optimizer_catalog();

}  // namespace descent::optim
