// The JSON both front ends write: `descent minimize --json` and the server's /api/race give a
// run the same shape (docs/api.md), so they build it here, once.
// Example: std::cout << run_json(vars, *optimizer, *schedule, summary).dump(2);
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "descent/core/run_summary.hpp"
#include "descent/core/types.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/optim/schedule.hpp"

namespace descent::apps {

// A finite number as a number; NaN and infinities as the strings "nan", "inf", "-inf".
nlohmann::json json_num(double value);

// {"x": 1, "y": 2}: the first names.size() coordinates of x by name.
nlohmann::json point_json(const std::vector<std::string>& names, const Vec& x);

// optimizer, schedule, x, f, grad_norm, steps, evaluations, converged, reason, message, best
// {x, f, step}, and trace [{step, x, f, grad_norm, lr}] when the run kept one.
nlohmann::json run_json(const std::vector<std::string>& variables,
                        const optim::Optimizer& optimizer, const optim::Schedule& schedule,
                        const RunSummary& summary);

}  // namespace descent::apps
