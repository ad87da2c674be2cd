// The minimize driver (docs/architecture.md): evaluate f and grad at x; stop if
// ||grad|| <= tol (or ftol, xtol, max_time say so); else one optimizer step and one schedule step;
// repeat until `steps` updates. Numerical outcomes (divergence, a failed line search) end the run
// with a reason and advice, never an exception.
#include "descent/optim/minimize.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "descent/core/error.hpp"
#include "quiet_eigen.hpp"  // first: silences a GCC 12 false warning in Eigen

namespace descent::optim {
namespace {

std::string fmt_value(double v) { return fmt::format("{:.6g}", v); }

// Everything the loop tracks besides x and grad.
struct Progress {
  bool ascend = false;
  double best_f = 0.0;
  std::int64_t best_step = -1;
  Vec best_x;

  bool better(double f) const {
    if (!std::isfinite(f)) return false;
    if (best_step < 0) return true;
    return ascend ? f > best_f : f < best_f;
  }
  void offer(std::int64_t step, const Vec& x, double f) {
    if (!better(f)) return;
    best_f = f;
    best_step = step;
    // Most steps of a descent are the best so far: copy element by element (Eigen's assignment
    // of a few doubles goes through a resize test and a memmove call).
    if (best_x.size() != x.size()) best_x.resize(x.size());
    for (Index i = 0; i < x.size(); ++i) best_x[i] = x[i];
  }
};

void check_arguments(const Objective& objective, const Vec& x0, const Optimizer& optimizer,
                     const MinimizeOptions& options) {
  if (!objective.value_grad) throw_usage("minimize: the objective has no value_grad function");
  if (optimizer.needs_hessian() && !objective.hessian) {
    throw_usage("{} needs the Hessian of the objective; give a formula or an objective with a "
                "Hessian, or choose a first-order optimizer",
                optimizer.name());
  }
  if (options.steps < 0 || options.steps > kMaxSteps) {
    throw_usage("minimize: steps = {}; must lie in [0, {}]", options.steps, kMaxSteps);
  }
  if (!(options.tol >= 0.0)) throw_usage("minimize: tol = {}; must be >= 0", options.tol);
  for (const auto& [key, value] : {std::pair{"ftol", options.ftol}, std::pair{"xtol", options.xtol},
                                   std::pair{"max_time", options.max_time}}) {
    if (!(value >= 0.0 && std::isfinite(value))) {
      throw_usage("minimize: {} = {}; must be a finite number >= 0 (0: off)", key, value);
    }
  }
  if (x0.size() == 0) throw_usage("minimize: the start point has no coordinates");
  if (!x0.allFinite()) throw_usage("minimize: the start point is not finite");
  if (!options.bounds.empty()) {
    check_bounds(options.bounds, x0.size());
    if (!optimizer.supports_bounds()) {
      throw_usage("{} does not take bounds (it reports an average of points the box never sees); "
                  "use adamw, sgd or lbfgsb with --bounds",
                  optimizer.name());
    }
  }
}

// RunSummary::trace under MinimizeOptions::trace_limit: every `stride`-th step, the stride
// doubling (and every other kept point dropped) whenever the limit is passed; the latest point
// in between waits in `pending` so that the last one is never lost.
class TraceRecorder {
 public:
  TraceRecorder(std::vector<TracePoint>& trace, std::size_t limit) : trace_(trace), limit_(limit) {}
  void add(TracePoint point) {
    if (limit_ == 0 || point.step % stride_ == 0) {
      trace_.push_back(std::move(point));
      pending_.reset();
      if (limit_ != 0 && trace_.size() > limit_) thin();
    } else {
      pending_ = std::move(point);
    }
  }
  void finish() {
    if (pending_) trace_.push_back(std::move(*pending_));
  }

 private:
  void thin() {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < trace_.size(); i += 2) trace_[kept++] = std::move(trace_[i]);
    trace_.resize(kept);
    stride_ *= 2;
  }
  std::vector<TracePoint>& trace_;
  std::size_t limit_;
  std::int64_t stride_ = 1;
  std::optional<TracePoint> pending_;
};

std::string diverged_message(std::int64_t step, double f, const Progress& progress, double lr) {
  std::string best = progress.best_step >= 0
                         ? fmt::format("best f = {} at step {}", fmt_value(progress.best_f),
                                       progress.best_step)
                         : std::string("no finite point was seen");
  const double smaller = lr > 0 ? lr / 10 : 1e-3;
  return fmt::format(
      "diverged at step {} (f = {}); {}; try a smaller lr (e.g. lr={}), a schedule, or gradient "
      "clipping",
      step, fmt_value(f), best, fmt_value(smaller));
}

// The ftol / xtol tests after an update from (x_prev, f_prev) to (x, f); "" when neither holds.
std::string tolerance_stop(const MinimizeOptions& o, std::int64_t step, double f_prev, double f,
                           const Vec& x_prev, const Vec& x, StopReason& reason) {
  if (o.ftol > 0) {
    const double change = std::abs(f_prev - f);
    const double bound = o.ftol * std::max({std::abs(f_prev), std::abs(f), 1.0});
    if (change <= bound) {
      reason = StopReason::ftol;
      return fmt::format(
          "stopped at step {}: f changed by {} <= ftol * max(|f_k|, |f_k+1|, 1) = {}", step,
          fmt_value(change), fmt_value(bound));
    }
  }
  if (o.xtol > 0) {
    const double moved = (x - x_prev).norm();
    const double bound = o.xtol * (o.xtol + x_prev.norm());
    if (moved <= bound) {
      reason = StopReason::xtol;
      return fmt::format("stopped at step {}: x moved by {} <= xtol * (xtol + |x|) = {}", step,
                         fmt_value(moved), fmt_value(bound));
    }
  }
  return {};
}

// The largest s with sqrt(s) <= tol. The root is correctly rounded, hence monotone, so for any
// s >= 0: sqrt(s) <= tol exactly when s <= largest_square_within(tol).
double largest_square_within(double tol) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double s = tol * tol;
  while (s > 0 && std::sqrt(s) > tol) s = std::nextafter(s, 0.0);
  while (s < kInf && std::sqrt(std::nextafter(s, kInf)) <= tol) s = std::nextafter(s, kInf);
  return s;
}

// Schedule-free rules report x, the average, not the y where gradients were taken: swap and
// evaluate there (one more evaluation). Other rules leave x as it is.
void report_eval_point(const Objective& objective, Optimizer& optimizer, Vec& x, double& f,
                       Vec& grad, std::int64_t& evaluations) {
  const Vec y = x;
  optimizer.to_eval(std::span<double>(x.data(), static_cast<std::size_t>(x.size())));
  if (x == y) return;
  f = objective.value_grad(x, &grad);
  ++evaluations;
}

}  // namespace

RunSummary minimize(const Objective& objective, Vec x0, Optimizer& optimizer, Schedule* schedule,
                    const MinimizeOptions& options) {
  check_arguments(objective, x0, optimizer, options);
  if (schedule) check_schedule_length(*schedule, options.steps);
  const auto started = std::chrono::steady_clock::now();
  const bool closure_rule = optimizer.needs_closure();
  // The driver's maximize on a rule that does not maximize itself: feed it -f and -grad, which
  // is what PyTorch's maximize does to the gradient.
  const bool negate = options.maximize && !optimizer.maximize();

  RunSummary summary;
  Progress progress;
  progress.ascend = options.maximize || optimizer.maximize();
  Vec x = std::move(x0);
  const Bounds* box = options.bounds.empty() ? nullptr : &options.bounds;
  if (box) project(*box, x);
  Vec grad(x.size());
  Vec step_grad;  // -grad when negating
  Vec x_before;   // closure rules: to notice a step that did not move; xtol: the last step
  std::int64_t evaluations = 0;

  Objective inner;  // what closure rules evaluate: counted, negated when the driver maximizes
  if (closure_rule) {
    inner.bounds = box;
    inner.value_grad = [&](const Vec& p, Vec* g) {
      ++evaluations;
      const double value = objective.value_grad(p, g);
      if (!negate) return value;
      if (g) *g = -*g;
      return -value;
    };
    if (objective.hessian) {
      inner.hessian = [&](const Vec& p, Mat& h) {
        objective.hessian(p, h);
        if (negate) h = -h;
      };
    }
  }

  if (schedule) schedule->start(optimizer);
  optimizer.to_train(std::span<double>(x.data(), static_cast<std::size_t>(x.size())));
  double f = objective.value_grad(x, &grad);
  double f_prev = f;
  ++evaluations;
  double lr_used = optimizer.lr();
  std::int64_t step = 0;
  TraceRecorder trace(summary.trace, options.trace_limit);
  // Without bounds, a trace or a callback the loop tests the squared norm and takes the root
  // only when it stops (a square root per step is a fifth of a 2-D Adam step).
  const bool norm_every_step = box || options.trace || options.on_step;
  const double tol_squared = largest_square_within(options.tol);
  for (;;) {
    double grad_squared = 0.0, grad_norm = 0.0;
    if (norm_every_step) {
      grad_norm = box ? projected_grad_norm(*box, x, grad, progress.ascend) : grad.norm();
    } else {
      grad_squared = grad.squaredNorm();
      grad_norm = std::numeric_limits<double>::quiet_NaN();  // set below before any use
    }
    // Every stop but divergence sets summary.grad_norm after the loop (at the reported point).
    const auto norm_now = [&] {
      return norm_every_step ? grad_norm : std::sqrt(grad_squared);  // == grad.norm()
    };
    progress.offer(step, x, f);
    if (options.trace) trace.add({step, x, f, grad_norm, lr_used});
    if (!std::isfinite(f) || !x.allFinite() ||
        !std::isfinite(norm_every_step ? grad_norm : grad_squared)) {
      summary.grad_norm = norm_now();
      summary.reason = StopReason::diverged;
      summary.message = diverged_message(step, f, progress, optimizer.lr());
      break;
    }
    if (options.on_step &&
        !options.on_step(StepInfo{step, x, f, grad, grad_norm, lr_used})) {
      summary.reason = StopReason::stopped_by_callback;
      summary.message = fmt::format("stopped by the callback at step {}", step);
      break;
    }
    if (norm_every_step ? grad_norm <= options.tol : grad_squared <= tol_squared) {
      grad_norm = norm_now();
      summary.reason = StopReason::converged;
      summary.message = fmt::format("converged at step {}: |grad| = {} <= tol = {}", step,
                                    fmt_value(grad_norm), fmt_value(options.tol));
      break;
    }
    if (step > 0 && (options.ftol > 0 || options.xtol > 0)) {
      if (std::string stop = tolerance_stop(options, step, f_prev, f, x_before, x, summary.reason);
          !stop.empty()) {
        summary.message = std::move(stop);
        break;
      }
    }
    if (step == options.steps) {
      grad_norm = norm_now();
      summary.reason = StopReason::max_steps;
      summary.message = fmt::format("stopped after {} steps (the budget): |grad| = {} > tol = {}",
                                    step, fmt_value(grad_norm), fmt_value(options.tol));
      break;
    }
    if (options.max_time > 0) {
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
      if (took.count() >= options.max_time) {
        grad_norm = norm_now();
        summary.reason = StopReason::time_limit;
        summary.message =
            fmt::format("stopped at step {} after {} s (max_time = {} s): |grad| = {} > tol = {}",
                        step, fmt_value(took.count()), fmt_value(options.max_time),
                        fmt_value(grad_norm), fmt_value(options.tol));
        break;
      }
    }

    lr_used = optimizer.lr();
    f_prev = f;
    if (closure_rule || options.xtol > 0) x_before = x;
    if (closure_rule) {
      if (negate) {
        step_grad = -grad;
        optimizer.step(x, -f, step_grad, inner);
      } else {
        optimizer.step(x, f, grad, inner);
      }
      if (box) project(*box, x);  // before the no-progress test below
      if (const std::string failure = optimizer.failure(); !failure.empty()) {
        summary.reason = optimizer.failure_reason();
        summary.message = fmt::format("stopped at step {}: {}", step, failure);
        break;
      }
      if (x == x_before) {
        grad_norm = norm_now();
        summary.reason = StopReason::no_progress;
        summary.message = fmt::format(
            "stopped at step {}: {} made no progress (|grad| = {}; its own tolerances were met)",
            step, optimizer.name(), fmt_value(grad_norm));
        break;
      }
    } else if (negate) {
      step_grad = -grad;
      optimizer.step(std::span<double>(x.data(), static_cast<std::size_t>(x.size())),
                     std::span<const double>(step_grad.data(), static_cast<std::size_t>(x.size())));
    } else {
      optimizer.step(std::span<double>(x.data(), static_cast<std::size_t>(x.size())),
                     std::span<const double>(grad.data(), static_cast<std::size_t>(x.size())));
    }
    if (box) project(*box, x);
    if (schedule) schedule->step(optimizer);
    ++step;
    f = objective.value_grad(x, &grad);
    ++evaluations;
  }

  trace.finish();
  if (summary.reason != StopReason::diverged) {
    report_eval_point(objective, optimizer, x, f, grad, evaluations);
    summary.grad_norm = box ? projected_grad_norm(*box, x, grad, progress.ascend) : grad.norm();
    progress.offer(step, x, f);
  }
  summary.x = std::move(x);
  summary.f = f;
  summary.steps = step;
  summary.evaluations = evaluations;
  if (progress.best_step >= 0) {
    summary.best_x = std::move(progress.best_x);
    summary.best_f = progress.best_f;
    summary.best_step = progress.best_step;
  } else {
    summary.best_x = summary.x;
    summary.best_f = std::numeric_limits<double>::quiet_NaN();
    summary.best_step = 0;
  }
  return summary;
}

}  // namespace descent::optim
