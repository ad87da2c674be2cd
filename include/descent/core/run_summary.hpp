// What a numerical run reports: why it stopped, where it ended, the best point it saw, and
// (when asked) its trace. Numerical outcomes are results, not exceptions (docs/contributing.md).
// Example: if (summary.reason == StopReason::diverged) std::cerr << summary.message;
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "descent/core/types.hpp"

namespace descent {

enum class StopReason {
  converged,            // ||grad|| <= tol
  max_steps,            // the step budget ran out
  diverged,             // f or x became NaN or infinite
  line_search_failed,   // no acceptable step along the search direction
  stopped_by_callback,  // a callback asked to stop
  no_progress,          // the optimizer reports it cannot move (e.g. L-BFGS tolerance_change)
  ftol,                 // f changed less than ftol (relative) over a step
  xtol,                 // x moved less than xtol (relative) over a step
  time_limit,           // the run took its max_time
  early_stopped,        // training's monitored metric stopped improving (train --early-stop)
};

std::string_view to_string(StopReason reason);

// One row of a trace: step 0 is the start, step k the point after k updates.
struct TracePoint {
  std::int64_t step = 0;
  Vec x;
  double f = 0.0;
  double grad_norm = 0.0;
  double lr = 0.0;
};

struct RunSummary {
  Vec x;                    // the last point
  double f = 0.0;           // f(x)
  double grad_norm = 0.0;   // ||grad f(x)||
  std::int64_t steps = 0;   // optimizer updates taken
  std::int64_t evaluations = 0;  // calls of f (and grad)
  StopReason reason = StopReason::max_steps;
  Vec best_x;               // the best point seen (lowest f, or highest when maximizing)
  double best_f = 0.0;
  std::int64_t best_step = 0;
  std::string message;      // one line for people, with advice when the run went wrong
  std::vector<TracePoint> trace;  // filled when asked

  bool converged() const { return reason == StopReason::converged; }
};

}  // namespace descent
