// SVRG (Johnson and Zhang 2013), stochastic variance-reduced gradient, for train (private to ml).
// Every epoch starts at a snapshot s of the parameters with the full training gradient mu = g(s);
// each minibatch B then steps w <- w - lr * (g_B(w) - g_B(s) + mu + weight_decay * w). The
// training loop forms the variance-reduced gradient (TrainingRun::svrg_*); this rule is the step.
// Example spec: svrg(lr=0.1, weight_decay=1e-3).
#pragma once

#include <memory>
#include <string_view>

#include "descent/optim/optimizer.hpp"

namespace descent::ml::detail {

// Keys lr (default 0.1) and weight_decay (0). Throws descent::Error (bad_usage) for other keys
// and values out of range.
std::unique_ptr<optim::Optimizer> make_svrg(std::string_view spec);

}  // namespace descent::ml::detail
