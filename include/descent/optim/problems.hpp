// Built-in test problems: each knows its formula (in descent's formula language), variables,
// standard start, minimizers and minimum, and carries a C++ objective with exact gradient and
// Hessian. Example: const Problem& p = *find_problem("rosenbrock"); minimize(p.objective, p.start, *opt);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "descent/core/types.hpp"
#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct Problem {
  std::string name;
  std::string description;
  std::string formula;                  // e.g. "(1 - x)^2 + 100*(y - x^2)^2"
  std::vector<std::string> variables;   // in the order of start and minimizers
  Vec start;                            // the standard start
  std::vector<Vec> minimizers;          // global minimizers (several for himmelblau)
  double minimum = 0.0;                 // f at the minimizers
  std::string suggested_optimizer;      // a spec that reaches the minimum from start
  std::int64_t suggested_steps = 1000;  // with that optimizer
  Objective objective;                  // exact f, gradient and Hessian in C++
};

// All problems, in a stable order.
const std::vector<Problem>& problems();
// The problem called `name`, or nullptr.
const Problem* find_problem(std::string_view name);

}  // namespace descent::optim
