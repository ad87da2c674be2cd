// Test problems: hand-derived gradients and Hessians agree with central finite differences and
// with the compiled formula; minimizers are stationary with the stated minimum.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in Eigen AVX-512
#endif
#include <gtest/gtest.h>

#include "descent/numdiff/numdiff.hpp"
#include "descent/optim/objectives.hpp"
#include "descent/optim/problems.hpp"

namespace descent::optim {
namespace {

// Central differences with their default step: error ~1e-8 relative to the scale of f.
constexpr double kFiniteDiffTol = 1e-5;

Vec probe_point(const Problem& p) { return p.start + Vec::Constant(p.start.size(), 0.1); }

TEST(Problems, GradientsMatchFiniteDifferences) {
  for (const auto& p : problems()) {
    const Vec x = probe_point(p);
    Vec grad(x.size());
    p.objective.value_grad(x, &grad);
    const Vec numeric = numdiff::gradient(
        [&](const Vec& y) { return p.objective.value_grad(y, nullptr); }, x);
    EXPECT_LT((grad - numeric).norm(), kFiniteDiffTol * std::max(1.0, grad.norm())) << p.name;
  }
}

TEST(Problems, HessiansMatchFiniteDifferencesOfTheGradient) {
  for (const auto& p : problems()) {
    const Vec x = probe_point(p);
    Mat hessian;
    p.objective.hessian(x, hessian);
    const Mat numeric = numdiff::hessian(
        [&](const Vec& y, Vec& g) {
          g.resize(y.size());
          p.objective.value_grad(y, &g);
        },
        x);
    EXPECT_LT((hessian - numeric).norm(), kFiniteDiffTol * std::max(1.0, hessian.norm())) << p.name;
  }
}

TEST(Problems, FormulaAgreesWithTheCppObjective) {
  for (const auto& p : problems()) {
    const Objective compiled = formula_objective(p.formula, p.variables);
    const Vec x = probe_point(p);
    Vec g1(x.size()), g2(x.size());
    const double f1 = p.objective.value_grad(x, &g1);
    const double f2 = compiled.value_grad(x, &g2);
    EXPECT_NEAR(f1, f2, 1e-12 * std::max(1.0, std::abs(f1))) << p.name;
    EXPECT_LT((g1 - g2).norm(), 1e-11 * std::max(1.0, g1.norm())) << p.name;
    Mat h1, h2;
    p.objective.hessian(x, h1);
    compiled.hessian(x, h2);
    EXPECT_LT((h1 - h2).norm(), 1e-10 * std::max(1.0, h1.norm())) << p.name;
  }
}

TEST(Problems, MinimizersAreStationaryWithTheStatedMinimum) {
  for (const auto& p : problems()) {
    for (const auto& m : p.minimizers) {
      Vec grad(m.size());
      const double f = p.objective.value_grad(m, &grad);
      EXPECT_NEAR(f, p.minimum, 1e-9) << p.name;
      EXPECT_LT(grad.norm(), 1e-8) << p.name;
    }
    EXPECT_EQ(p.start.size(), static_cast<Index>(p.variables.size())) << p.name;
  }
}

TEST(Problems, FindProblemByName) {
  ASSERT_NE(find_problem("rosenbrock"), nullptr);
  EXPECT_EQ(find_problem("rosenbrock")->start[0], -1.2);
  EXPECT_EQ(find_problem("no_such_problem"), nullptr);
}

}  // namespace
}  // namespace descent::optim
