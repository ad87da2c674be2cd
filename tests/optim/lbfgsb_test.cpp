// lbfgsb against scipy.optimize's L-BFGS-B (tests/reference/generate_lbfgsb.py wrote
// tests/reference/lbfgsb_scipy.json): bounded versions of the built-in problems, several with
// the minimum on the boundary. At tight tolerances both reach the box's minimizer, and the final
// points agree to 1e-8, and at scipy's defaults too: the line search is scipy's (Moré-Thuente's
// dcsrch), so the paths are the same and so are the iteration and evaluation counts.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in Eigen AVX-512
#endif
#include "descent/optim/lbfgsb.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "descent/core/error.hpp"
#include "descent/optim/minimize.hpp"
#include "descent/optim/problems.hpp"

namespace descent::optim {
namespace {

// Both runs stop with a projected gradient below 1e-11 or an f change near machine epsilon:
// the minimizer is then known to about 1e-10 on these problems (condition numbers <= 2500).
constexpr double kTightTol = 1e-8;
// scipy's defaults (pgtol 1e-5, factr 1e7) leave x about 1e-5 from the minimizer (further along
// Rosenbrock's valley), at the same place for both: the same path up to rounding.
constexpr double kDefaultTol = 1e-8;

const nlohmann::json& reference() {
  static const nlohmann::json doc = [] {
    std::ifstream in(std::string(DESCENT_REFERENCE_DIR) + "/lbfgsb_scipy.json");
    EXPECT_TRUE(in.good()) << "run tests/reference/generate_lbfgsb.py";
    return nlohmann::json::parse(in);
  }();
  return doc;
}

double number(const nlohmann::json& v) {
  if (v.is_string()) {
    return v.get<std::string>() == "inf" ? std::numeric_limits<double>::infinity()
                                         : -std::numeric_limits<double>::infinity();
  }
  return v.get<double>();
}

Vec to_vec(const nlohmann::json& row) {
  Vec v(static_cast<Index>(row.size()));
  for (Index i = 0; i < v.size(); ++i) v[i] = number(row[static_cast<std::size_t>(i)]);
  return v;
}

RunSummary run_case(const nlohmann::json& c, const nlohmann::json& run) {
  const Problem* problem = find_problem(c["problem"].get<std::string>());
  EXPECT_NE(problem, nullptr);
  auto optimizer = make_optimizer(fmt::format(
      "lbfgsb(pgtol={}, factr={})", run["pgtol"].get<double>(), run["factr"].get<double>()));
  MinimizeOptions options{.steps = 15000, .tol = 0.0};
  options.bounds = {to_vec(c["lower"]), to_vec(c["upper"])};
  return minimize(problem->objective, to_vec(c["start"]), *optimizer, nullptr, options);
}

// The largest difference between our final point and scipy's, and between the values.
std::string compare(const std::string& run_name, double tol) {
  std::string mismatches;
  for (const auto& c : reference()["cases"]) {
    const auto& run = c[run_name];
    const RunSummary s = run_case(c, run);
    const Vec scipy_x = to_vec(run["x"]);
    const double dx = (s.x - scipy_x).cwiseAbs().maxCoeff();
    const double df = std::abs(s.f - run["f"].get<double>());
    if (!(dx <= tol && df <= tol)) {
      mismatches +=
          fmt::format("{} {}: |dx| = {:.3g}, |df| = {:.3g} ({})\n", c["problem"].get<std::string>(),
                      c["name"].get<std::string>(), dx, df, s.message);
    }
  }
  return mismatches;
}

TEST(Lbfgsb, ReachesScipysFinalPointsToOneEMinusEightAtTightTolerances) {
  EXPECT_EQ(compare("tight", kTightTol), "");
}

TEST(Lbfgsb, ReachesScipysFinalPointsToOneEMinusEightAtScipysDefaultTolerances) {
  EXPECT_EQ(compare("default", kDefaultTol), "");
}

// nit and nfev of every run that differ from scipy's. Our minimize() evaluates once more after
// each step (the driver's own evaluation, which scipy's loop does not make); the evaluation at
// the start and those of the line searches are scipy's nfev. Evaluation counts may differ by
// `slack`: at tight tolerances the last line search works on f changes of 1e-17, where our
// formulas and scipy's NumPy ones round differently (beale: 13 against scipy's 15).
std::string compare_counts(bool evaluations, std::int64_t slack) {
  std::string mismatches;
  for (const char* run_name : {"default", "tight"}) {
    for (const auto& c : reference()["cases"]) {
      const auto& run = c[run_name];
      const RunSummary s = run_case(c, run);
      const std::int64_t ours = evaluations ? s.evaluations - s.steps : s.steps;
      const auto scipy = run[evaluations ? "nfev" : "nit"].get<std::int64_t>();
      if (std::abs(ours - scipy) > slack) {
        mismatches +=
            fmt::format("{} {} {}: {} against scipy's {}\n", run_name,
                        c["problem"].get<std::string>(), c["name"].get<std::string>(), ours, scipy);
      }
    }
  }
  return mismatches;
}

TEST(Lbfgsb, TakesAsManyIterationsAsScipy) { EXPECT_EQ(compare_counts(false, 0), ""); }

TEST(Lbfgsb, MakesAsManyEvaluationsAsScipyUpToRounding) { EXPECT_EQ(compare_counts(true, 2), ""); }

TEST(Lbfgsb, StaysInTheBoxAtEveryStep) {
  const Problem& rosenbrock = *find_problem("rosenbrock");
  auto optimizer = make_optimizer("lbfgsb");
  MinimizeOptions options{.steps = 100, .tol = 0.0, .trace = true};
  options.bounds = {Vec::Constant(2, -2.0), Vec::Constant(2, 0.5)};
  const RunSummary s =
      minimize(rosenbrock.objective, rosenbrock.start, *optimizer, nullptr, options);
  for (const auto& p : s.trace) EXPECT_TRUE(inside(options.bounds, p.x)) << "step " << p.step;
}

TEST(Lbfgsb, WithoutBoundsIsAnLbfgsThatSolvesRosenbrockInFiveDimensions) {
  const Problem& problem = *find_problem("rosenbrock5");
  auto optimizer = make_optimizer("lbfgsb(pgtol=1e-10, factr=10)");
  const RunSummary s =
      minimize(problem.objective, problem.start, *optimizer, nullptr, {.steps = 1000, .tol = 0.0});
  EXPECT_LT((s.x - problem.minimizers[0]).cwiseAbs().maxCoeff(), 1e-8) << s.message;
  EXPECT_LT(s.steps, 100);
}

TEST(Lbfgsb, MaximizesTheNegatedProblemToTheSamePoint) {
  Objective negated;
  const Problem& problem = *find_problem("booth");
  negated.value_grad = [&](const Vec& x, Vec* g) {
    const double f = problem.objective.value_grad(x, g);
    if (g) *g = -*g;
    return -f;
  };
  auto optimizer = make_optimizer("lbfgsb(maximize=true)");
  MinimizeOptions options{.steps = 100, .tol = 0.0};
  options.bounds = {Vec::Constant(2, 2.0), Vec::Constant(2, 5.0)};
  const RunSummary s = minimize(negated, problem.start, *optimizer, nullptr, options);
  // booth's minimum (1, 3) is outside; on x = 2, (2y - 5)^2 + (y - 1)^2 is least at y = 2.2
  EXPECT_NEAR(s.x[0], 2.0, 1e-12);
  EXPECT_NEAR(s.x[1], 2.2, 1e-6);
}

TEST(Lbfgsb, StopsWithAMessageWhereFIsNotFiniteAlongTheSearchDirection) {
  Objective walled;  // (x - 3)^2, undefined beyond x = 1
  walled.value_grad = [](const Vec& x, Vec* g) {
    if (x[0] > 1.0) {
      if (g) *g = Vec::Constant(1, std::numeric_limits<double>::quiet_NaN());
      return std::numeric_limits<double>::quiet_NaN();
    }
    if (g) *g = Vec::Constant(1, 2 * (x[0] - 3));
    return (x[0] - 3) * (x[0] - 3);
  };
  auto optimizer = make_optimizer("lbfgsb");
  const RunSummary s = minimize(walled, Vec::Zero(1), *optimizer, nullptr, {.steps = 100});
  EXPECT_NE(s.message.find("not finite"), std::string::npos) << s.message;
  EXPECT_TRUE(std::isfinite(s.f) && s.x[0] <= 1.0) << s.message;
}

TEST(Lbfgsb, RefusesAMemoryOfZeroPairs) { EXPECT_THROW(make_optimizer("lbfgsb(m=0)"), Error); }

TEST(Lbfgsb, RefusesANegativePgtol) { EXPECT_THROW(make_optimizer("lbfgsb(pgtol=-1)"), Error); }

TEST(Lbfgsb, RefusesAScheduleThatChangesItsLearningRate) {
  EXPECT_THROW(make_optimizer("lbfgsb")->set_lr(0.5), Error);
}

}  // namespace
}  // namespace descent::optim
