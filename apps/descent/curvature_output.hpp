// How `descent curvature` and `descent train --curvature` print a Lanczos result
// (optim::Curvature): a table and three lines for people, an object for --json.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "descent/optim/curvature.hpp"

namespace descent::cli {

// {"eigenvalues": [...], "converged": [...], "lambda_max", "smallest" (null when unknown),
//  "condition_number" (null when unknown), "max_stable_lr", "iterations"}
nlohmann::json curvature_json(const optim::Curvature& c);

// The eigenvalue table, the smallest eigenvalue, the condition number and the stable step.
void print_curvature(std::ostream& out, const optim::Curvature& c);

}  // namespace descent::cli
