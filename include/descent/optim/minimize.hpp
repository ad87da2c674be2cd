// The minimize driver: evaluate f and grad at x; stop if ||grad|| <= tol (or ftol, xtol, max_time
// say so); else one optimizer step (then one schedule step); repeat until `steps` updates. Returns
// a RunSummary (never throws for numerical outcomes). Example: auto summary = minimize(objective,
// x0, *make_optimizer("adam"));
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "descent/core/run_summary.hpp"
#include "descent/core/types.hpp"
#include "descent/optim/bounds.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/optim/schedule.hpp"

namespace descent::optim {

// What a callback sees after each update (step >= 1) and at the start (step 0).
struct StepInfo {
  std::int64_t step = 0;
  const Vec& x;
  double f = 0.0;
  const Vec& grad;
  double grad_norm = 0.0;
  double lr = 0.0;  // the lr used for this update (at step 0: the lr of the first update)
};

// The largest step budget: far more than any run can take (10^15 updates at a nanosecond each
// is 11 days), small enough that steps + 1 and every step count fit an int64.
inline constexpr std::int64_t kMaxSteps = 1'000'000'000'000'000;

struct MinimizeOptions {
  std::int64_t steps = 1000;  // optimizer updates at most, in [0, kMaxSteps]
  double tol = 1e-8;          // stop when ||grad||_2 <= tol (checked before each update and at the end)
  // After each update from x_k to x_{k+1} (0: off; each in [0, inf)):
  //   ftol: stop (reason ftol) when |f_k - f_{k+1}| <= ftol * max(|f_k|, |f_{k+1}|, 1) (scipy's
  //         L-BFGS-B test, on the absolute change);
  //   xtol: stop (reason xtol) when ||x_{k+1} - x_k||_2 <= xtol * (xtol + ||x_k||_2).
  double ftol = 0.0;
  double xtol = 0.0;
  // Stop (reason time_limit) before an update once the run has taken this many seconds of wall
  // time (0: no limit). The only option whose outcome depends on the machine's speed.
  double max_time = 0.0;
  bool maximize = false;      // ascend: best = highest f (first-order rules see -grad, as PyTorch)
  bool trace = false;         // record every point in RunSummary::trace
  // With trace: keep at most about this many points (0: all). Past it the trace keeps every
  // 2nd, then 4th, ... step (memory stays bounded for any run length); the last point is kept.
  std::size_t trace_limit = 0;
  // Called at step 0 and after every update; return false to stop (reason stopped_by_callback).
  std::function<bool(const StepInfo&)> on_step = {};
  // Box constraints (empty: none). The start is projected onto the box, every step is followed
  // by a projection (projected gradient), lbfgsb takes them into its model, and the stopping
  // test and grad_norm use the projected gradient (bounds.hpp). Checked: bad_usage for a bound
  // that is NaN, lower > upper, or a size other than x0's.
  Bounds bounds = {};
};

// Runs `optimizer` (and `schedule`, may be null; started here) from x0. The optimizer keeps its
// state, so a second call continues; call optimizer.reset() to start afresh.
// With options.bounds, StepInfo::grad_norm and RunSummary::grad_norm are the projected
// gradient's norm. A gradient-only objective is enough for first-order rules; newton needs objective.hessian
// (throws bad_usage if it is empty).
RunSummary minimize(const Objective& objective, Vec x0, Optimizer& optimizer,
                    Schedule* schedule = nullptr, const MinimizeOptions& options = {});

}  // namespace descent::optim
