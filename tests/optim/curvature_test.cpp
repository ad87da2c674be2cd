// Lanczos eigenvalues against Eigen's exact SelfAdjointEigenSolver, on fixed symmetric matrices
// and on the built-in problems' Hessians; gd(lr=auto) from them.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in Eigen AVX-512
#endif
#include "descent/optim/curvature.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>

#include "descent/core/error.hpp"
#include "descent/core/rng.hpp"
#include "descent/optim/minimize.hpp"
#include "descent/optim/problems.hpp"

namespace descent::optim {
namespace {

// Full reorthogonalization keeps Lanczos at rounding level: 1e-10 relative to lambda_max.
constexpr double kExactTol = 1e-10;
// Central differences of the gradient: h = eps^(1/3) gives about eps^(2/3) ~ 4e-11 relative
// truncation and rounding error per product.
constexpr double kDifferenceTol = 1e-6;

Mat random_symmetric(Index n, std::uint64_t seed) {
  Rng rng(seed);
  Mat a(n, n);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < n; ++j) a(i, j) = rng.normal();
  }
  return (a + a.transpose()) / 2;
}

HessianProduct product_of(const Mat& h) {
  return [h](const Vec& v, Vec& out) { out = h * v; };
}

TEST(Curvature, TopEigenvaluesMatchEigensExactOnesForARandomSymmetricMatrix) {
  const Mat h = random_symmetric(60, 7);
  const Vec exact = Eigen::SelfAdjointEigenSolver<Mat>(h).eigenvalues();
  const Curvature c = curvature(product_of(h), 60, {.top = 3, .iterations = 60});
  ASSERT_EQ(c.top.size(), 3u);
  for (Index i = 0; i < 3; ++i) {
    EXPECT_NEAR(c.top[static_cast<std::size_t>(i)], exact[59 - i],
                kExactTol * exact.cwiseAbs().maxCoeff());
  }
}

TEST(Curvature, GivesTheSmallestEigenvalueAndConditionNumberOnASmallProblem) {
  Mat h = random_symmetric(8, 3);
  h += 10 * Mat::Identity(8, 8);  // positive definite
  const Vec exact = Eigen::SelfAdjointEigenSolver<Mat>(h).eigenvalues();
  const Curvature c = curvature(product_of(h), 8);
  ASSERT_TRUE(c.smallest.has_value());
  EXPECT_NEAR(*c.smallest, exact[0], kExactTol * exact[7]);
  ASSERT_TRUE(c.condition.has_value());
  EXPECT_NEAR(*c.condition, exact[7] / exact[0], 1e-8 * exact[7] / exact[0]);
}

TEST(Curvature, LargestStableStepIsTwoOverLambdaMax) {
  const Mat h = Vec(Eigen::Vector2d(1.0, 1000.0)).asDiagonal();
  const Curvature c = curvature(product_of(h), 2);
  EXPECT_NEAR(c.lambda_max, 1000.0, 1e-9);
  EXPECT_NEAR(c.max_stable_lr, 0.002, 1e-15);
  EXPECT_NEAR(*c.condition, 1000.0, 1e-9);
}

TEST(Curvature, FindsTheLargestEigenvaluesOfABigMatrixInFewIterations) {
  const Index n = 400;
  Vec diag(n);
  for (Index i = 0; i < n; ++i) diag[i] = 1.0 + static_cast<double>(i) * (i < n - 3 ? 0.1 : 1.0);
  const Curvature c = curvature([&](const Vec& v, Vec& out) { out = diag.cwiseProduct(v); }, n,
                                {.top = 1, .iterations = 80});
  EXPECT_NEAR(c.top[0], diag[n - 1], 1e-8 * diag[n - 1]);
  EXPECT_TRUE(c.converged[0]);
}

TEST(Curvature, ExactHessianProductsOfTheBuiltInProblemsMatchEigen) {
  for (const Problem& p : problems()) {
    Mat h;
    p.objective.hessian(p.start, h);
    const Vec exact = Eigen::SelfAdjointEigenSolver<Mat>(h).eigenvalues();
    bool used_exact = false;
    const Curvature c =
        curvature(hessian_product(p.objective, p.start, &used_exact), p.start.size(), {.top = 1});
    EXPECT_TRUE(used_exact);
    EXPECT_NEAR(c.lambda_max, exact[exact.size() - 1],
                kExactTol * exact.cwiseAbs().maxCoeff() + 1e-12)
        << p.name;
    ASSERT_TRUE(c.smallest.has_value()) << p.name;
    EXPECT_NEAR(*c.smallest, exact[0], kExactTol * exact.cwiseAbs().maxCoeff() + 1e-12) << p.name;
  }
}

TEST(Curvature, GradientDifferenceProductsMatchTheExactHessiansEigenvalues) {
  for (const Problem& p : problems()) {
    Mat h;
    p.objective.hessian(p.start, h);
    const Vec exact = Eigen::SelfAdjointEigenSolver<Mat>(h).eigenvalues();
    Objective gradient_only{p.objective.value_grad, {}};
    bool used_exact = true;
    const Curvature c =
        curvature(hessian_product(gradient_only, p.start, &used_exact), p.start.size(), {.top = 1});
    EXPECT_FALSE(used_exact);
    EXPECT_NEAR(c.lambda_max, exact[exact.size() - 1], kDifferenceTol * exact.cwiseAbs().maxCoeff())
        << p.name;
  }
}

TEST(Curvature, RefusesTopOutOfRange) {
  EXPECT_THROW(curvature(product_of(Mat::Identity(2, 2)), 2, {.top = 0}), Error);
}

TEST(Curvature, RefusesABasisTooBigForMemoryBeforeAnyProduct) {
  const HessianProduct never = [](const Vec&, Vec&) { FAIL() << "no product expected"; };
  EXPECT_THROW(curvature(never, kMaxLanczosValues, {.top = 3}), Error);
}

TEST(Curvature, RefusesANonFiniteProduct) {
  EXPECT_THROW(curvature([](const Vec& v, Vec& out) { out = v * NAN; }, 2), Error);
}

TEST(AutoLr, IsOneOverLambdaMaxAtTheStart) {
  const Problem& p = *find_problem("ill_conditioned");
  EXPECT_NEAR(auto_lr(p.objective, p.start), 1.0 / 1000.0, 1e-12);
}

TEST(AutoLr, ResolvesGdLrAutoIntoANumberAndANote) {
  const Problem& p = *find_problem("bowl");  // 3x^2 + y^2: lambda_max = 6
  const AutoLrSpec r = resolve_auto_lr("gd(lr=auto)", p.objective, p.start);
  EXPECT_NEAR(make_optimizer(r.spec)->lr(), 1.0 / 6.0, 1e-15);
  EXPECT_NE(r.note.find("1 / lambda_max"), std::string::npos);
}

TEST(AutoLr, LeavesASpecWithoutAutoAlone) {
  const Problem& p = *find_problem("bowl");
  EXPECT_EQ(resolve_auto_lr("adam(lr=0.1)", p.objective, p.start).spec, "adam(lr=0.1)");
}

TEST(AutoLr, IsRefusedForAdam) {
  const Problem& p = *find_problem("bowl");
  EXPECT_THROW(resolve_auto_lr("adam(lr=auto)", p.objective, p.start), Error);
}

TEST(AutoLr, ConvergesOnTheIllConditionedQuadraticWhereTwiceTheStepDiverges) {
  const Problem& p = *find_problem("ill_conditioned");
  const double lr = auto_lr(p.objective, p.start);
  auto good = make_optimizer(fmt::format("gd(lr={})", lr));
  auto bad = make_optimizer(fmt::format("gd(lr={})", 2.2 * lr));
  const MinimizeOptions options{.steps = 20000, .tol = 1e-8};
  EXPECT_TRUE(minimize(p.objective, p.start, *good, nullptr, options).converged());
  EXPECT_EQ(minimize(p.objective, p.start, *bad, nullptr, options).reason, StopReason::diverged);
}

}  // namespace
}  // namespace descent::optim
