// Minimizes the 2-D Rosenbrock function three ways: a formula with Adam and a cosine schedule,
// a generic C++ lambda (autodiff) with L-BFGS, and a built-in problem with Newton.
// Run: ./example_minimize_rosenbrock
#include <cstdio>

#include "descent/optim/minimize.hpp"
#include "descent/optim/objectives.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/optim/problems.hpp"
#include "descent/optim/schedule.hpp"

int main() {
  using namespace descent;
  using namespace descent::optim;
  Vec start(2);
  start << -1.2, 1.0;

  // 1. A formula, compiled once with its exact gradient.
  const Objective formula = formula_objective("(1 - x)^2 + 100*(y - x^2)^2", {"x", "y"});
  auto adam = make_optimizer("adam(lr=0.02)");
  auto cosine = make_schedule("cosine(t_max=5000)", adam->lr());
  const RunSummary a = minimize(formula, start, *adam, cosine.get(), {.steps = 5000});
  std::printf("%-24s x = (%.6f, %.6f)  f = %.3g  %s\n", "adam + cosine", a.x[0], a.x[1], a.f,
              a.message.c_str());

  // 2. A generic lambda, differentiated by reverse-mode autodiff.
  const Objective lambda = autodiff_objective([](const auto& v) {
    auto p = 1.0 - v[0];
    auto q = v[1] - v[0] * v[0];
    return p * p + 100.0 * q * q;
  });
  auto lbfgs = make_optimizer("lbfgs(line_search_fn=strong_wolfe, tolerance_change=1e-14)");
  const RunSummary b = minimize(lambda, start, *lbfgs, nullptr, {.steps = 20, .tol = 1e-10});
  std::printf("%-24s x = (%.6f, %.6f)  f = %.3g  (%lld evaluations)\n", "lbfgs(strong_wolfe)",
              b.x[0], b.x[1], b.f, static_cast<long long>(b.evaluations));

  // 3. A built-in problem (its C++ objective has an exact Hessian): plain Newton.
  const Problem& rosenbrock = *find_problem("rosenbrock");
  auto newton = make_optimizer("newton");
  const RunSummary c = minimize(rosenbrock.objective, rosenbrock.start, *newton, nullptr,
                                {.steps = 50, .tol = 1e-10});
  std::printf("%-24s x = (%.6f, %.6f)  f = %.3g  after %lld steps\n", "newton", c.x[0], c.x[1],
              c.f, static_cast<long long>(c.steps));

  const bool ok = (a.x - Vec::Ones(2)).norm() < 1e-2 && (b.x - Vec::Ones(2)).norm() < 1e-6 &&
                  (c.x - Vec::Ones(2)).norm() < 1e-6;
  return ok ? 0 : 1;
}
