// Uses the installed library: the course's gradient descent, two steps from (1, 1).
#include <cmath>
#include <cstdio>

#include "descent/optim/minimize.hpp"
#include "descent/optim/objectives.hpp"
#include "descent/optim/optimizer.hpp"

int main() {
  using namespace descent;
  const optim::Objective objective = optim::formula_objective("3*x^2 + y^2", {"x", "y"});
  auto gd = optim::make_optimizer("gd(lr=0.1)");
  Vec x0(2);
  x0 << 1.0, 1.0;
  const RunSummary run = optim::minimize(objective, x0, *gd, nullptr, {.steps = 2});
  std::printf("%g %g\n", run.x[0], run.x[1]);
  return std::fabs(run.x[0] - 0.16) < 1e-12 && std::fabs(run.x[1] - 0.64) < 1e-12 ? 0 : 1;
}
