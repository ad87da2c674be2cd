// Our trajectories against torch.optim's, recorded in float64 by
// tests/reference/generate_torch.py into tests/reference/torch_optim.json: every optimizer in
// several settings on three problems, L-BFGS with and without strong Wolfe, every schedule.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in Eigen AVX-512
#endif
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "descent/core/error.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/optim/problems.hpp"
#include "descent/optim/schedule.hpp"

namespace descent::optim {
namespace {

// Same float64 operations in (nearly) the same order; what remains is FMA contraction in the
// first-order kernels and PyTorch's vectorized kernels rounding differently in the last bit
// (1e-16 after a step), amplified a little over 40 steps. Relative to the coordinate's size,
// floored at 1 (coordinates that pass near 0). L-BFGS, whose line search amplifies a one-ulp
// difference geometrically along Rosenbrock's valley (1e-11 after 4 calls), and the test problems
// are compiled without FMA contraction (CMakeLists.txt) and match torch bit for bit.
constexpr double kTorchTol = 1e-12;

const nlohmann::json& reference() {
  static const nlohmann::json doc = [] {
    std::ifstream in(std::string(DESCENT_REFERENCE_DIR) + "/torch_optim.json");
    EXPECT_TRUE(in.good()) << "run tests/reference/generate_torch.py";
    return nlohmann::json::parse(in);
  }();
  return doc;
}

Vec to_vec(const nlohmann::json& row) {
  Vec v(static_cast<Index>(row.size()));
  for (Index i = 0; i < v.size(); ++i) v[i] = row[static_cast<std::size_t>(i)].get<double>();
  return v;
}

bool close(double ours, double torch, double tol = kTorchTol) {
  return std::abs(ours - torch) <= tol * std::max(1.0, std::abs(torch));
}

// Runs one recorded case; returns the first mismatch as text (empty when all steps match).
std::string replay(const nlohmann::json& c) {
  const auto spec = c["spec"].get<std::string>();
  const Problem* problem = find_problem(c["problem"].get<std::string>());
  if (!problem) return "unknown problem";
  auto optimizer = make_optimizer(spec);
  std::unique_ptr<Schedule> schedule;
  if (!c["schedule"].is_null()) {
    schedule = make_schedule(c["schedule"].get<std::string>(), optimizer->lr());
    schedule->start(*optimizer);
  }
  const auto& trajectory = c["trajectory"];
  Vec x = to_vec(c["start"]);
  Vec grad(x.size());
  std::string history;
  for (std::size_t k = 1; k < trajectory.size(); ++k) {
    const double f = problem->objective.value_grad(x, &grad);
    if (c["closure"].get<bool>()) {
      optimizer->step(x, f, grad, problem->objective);
    } else {
      optimizer->step(std::span<double>(x.data(), static_cast<std::size_t>(x.size())),
                      std::span<const double>(grad.data(), static_cast<std::size_t>(grad.size())));
    }
    if (schedule) schedule->step(*optimizer);
    const Vec expected = to_vec(trajectory[k]);
    double worst = 0;
    for (Index i = 0; i < x.size(); ++i) {
      worst = std::max(worst, std::abs(x[i] - expected[i]) / std::max(1.0, std::abs(expected[i])));
    }
    history += fmt::format(" {:.1e}", worst);
    for (Index i = 0; i < x.size(); ++i) {
      if (!close(x[i], expected[i])) {
        return fmt::format("step {} coordinate {}: ours {:.17g}, torch {:.17g} (errors by step:{})",
                           k, i, x[i], expected[i], history);
      }
    }
  }
  return {};
}

TEST(TorchReference, EveryOptimizerCaseMatchesAtEveryStep) {
  const auto& cases = reference()["optimizer_cases"];
  ASSERT_GE(cases.size(), 90u);
  for (const auto& c : cases) {
    SCOPED_TRACE(fmt::format("{} on {}{}", c["spec"].get<std::string>(),
                             c["problem"].get<std::string>(),
                             c["schedule"].is_null() ? "" : " with " + c["schedule"].get<std::string>()));
    EXPECT_EQ(replay(c), "");
  }
}

TEST(TorchReference, EveryOptimizerNameIsCovered) {
  std::set<std::string> covered;
  for (const auto& c : reference()["optimizer_cases"]) {
    covered.insert(make_optimizer(c["spec"].get<std::string>())->name());
  }
  for (const auto& name : optimizer_names()) {
    if (name == "gd" || name == "momentum" || name == "newton") continue;  // sgd; not in torch
    // Not in torch 1.13: checked against NumPy reimplementations (numpy_reference_test.cpp).
    if (name == "lion" || name == "adamw_schedulefree" || name == "sgd_schedulefree") continue;
    if (name == "lbfgsb") continue;  // not in torch: scipy's is the reference (lbfgsb_test.cpp)
    EXPECT_TRUE(covered.count(name)) << name;
  }
}

TEST(TorchReference, EveryScheduleMatchesLrAndMomentumAtEveryStep) {
  const auto& cases = reference()["schedule_cases"];
  std::set<std::string> covered;
  for (const auto& c : cases) {
    const auto spec = c["spec"].get<std::string>();
    SCOPED_TRACE(spec);
    auto optimizer = make_optimizer(c["optimizer"].get<std::string>());
    auto schedule = make_schedule(spec, c["base_lr"].get<double>());
    covered.insert(spec.substr(0, spec.find('(')));
    schedule->start(*optimizer);
    const auto& lrs = c["lrs"];
    const auto& momenta = c["momenta"];
    for (std::size_t t = 0; t < lrs.size(); ++t) {
      EXPECT_TRUE(close(optimizer->lr(), lrs[t].get<double>()))
          << "step " << t << ": ours " << optimizer->lr() << ", torch " << lrs[t];
      EXPECT_TRUE(close(optimizer->momentum().value_or(0.0), momenta[t].get<double>()))
          << "step " << t << " momentum";
      if (t + 1 < lrs.size()) schedule->step(*optimizer);
    }
  }
  for (const auto& name : schedule_names()) EXPECT_TRUE(covered.count(name)) << name;
}

// torch's OneCycleLR matches to its last valid step (above) and raises on the next one; the
// fixture keeps torch's message ("Tried to step 42 times. The specified number of total steps
// is 40": its count includes the constructor's step). Schedules without an end run on.
TEST(TorchReference, ScheduleThrowsWhereTorchRaisesPastTheEnd) {
  int raising = 0;
  for (const auto& c : reference()["schedule_cases"]) {
    const auto spec = c["spec"].get<std::string>();
    SCOPED_TRACE(spec);
    auto optimizer = make_optimizer(c["optimizer"].get<std::string>());
    auto schedule = make_schedule(spec, c["base_lr"].get<double>());
    schedule->start(*optimizer);
    const auto steps = static_cast<std::int64_t>(c["lrs"].size()) - 1;
    for (std::int64_t t = 0; t < steps; ++t) schedule->step(*optimizer);
    const double last_lr = optimizer->lr();
    EXPECT_TRUE(close(last_lr, c["lrs"].back().get<double>()));
    if (!c.contains("error_after") || c["error_after"].is_null()) {
      EXPECT_FALSE(schedule->step_limit().has_value());
      EXPECT_NO_THROW(schedule->step(*optimizer));
      continue;
    }
    ++raising;
    EXPECT_EQ(schedule->step_limit(), steps);
    try {
      schedule->step(*optimizer);
      ADD_FAILURE() << "stepped past the end without an error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::bad_usage);
      EXPECT_NE(std::string(e.what()).find(c["error_after"].get<std::string>()), std::string::npos)
          << e.what();
    }
    EXPECT_EQ(schedule->step_count(), steps);  // the failed step changed nothing
    EXPECT_EQ(optimizer->lr(), last_lr);
  }
  EXPECT_EQ(raising, 3);  // the three onecycle cases
}

}  // namespace
}  // namespace descent::optim
