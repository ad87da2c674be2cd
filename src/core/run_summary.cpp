#include "descent/core/run_summary.hpp"

namespace descent {

std::string_view to_string(StopReason reason) {
  switch (reason) {
    case StopReason::converged:
      return "converged";
    case StopReason::max_steps:
      return "max_steps";
    case StopReason::diverged:
      return "diverged";
    case StopReason::line_search_failed:
      return "line_search_failed";
    case StopReason::stopped_by_callback:
      return "stopped_by_callback";
    case StopReason::no_progress:
      return "no_progress";
    case StopReason::ftol:
      return "ftol";
    case StopReason::xtol:
      return "xtol";
    case StopReason::time_limit:
      return "time_limit";
    case StopReason::early_stopped:
      return "early_stopped";
  }
  return "unknown";
}

}  // namespace descent
