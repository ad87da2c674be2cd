// Lion and the schedule-free rules against NumPy reimplementations of their authors' code,
// recorded in float64 by tests/reference/generate_numpy_optim.py into
// tests/reference/numpy_optim.json: every step's y (the params) and x (the eval point).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in Eigen AVX-512
#endif
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "descent/optim/optimizer.hpp"
#include "descent/optim/problems.hpp"
#include "descent/optim/schedule.hpp"

namespace descent::optim {
namespace {

// The same float64 operations in the same order, except FMA contraction in our kernels (the
// first-order rules keep it, see CMakeLists.txt): a last-bit difference per step, amplified a
// little over 40 steps. Relative to the coordinate, floored at 1, as the torch fixtures.
constexpr double kNumpyTol = 1e-12;

const nlohmann::json& reference() {
  static const nlohmann::json doc = [] {
    std::ifstream in(std::string(DESCENT_REFERENCE_DIR) + "/numpy_optim.json");
    EXPECT_TRUE(in.good()) << "run tests/reference/generate_numpy_optim.py";
    return nlohmann::json::parse(in);
  }();
  return doc;
}

Vec to_vec(const nlohmann::json& row) {
  Vec v(static_cast<Index>(row.size()));
  for (Index i = 0; i < v.size(); ++i) v[i] = row[static_cast<std::size_t>(i)].get<double>();
  return v;
}

std::span<double> view(Vec& v) { return {v.data(), static_cast<std::size_t>(v.size())}; }

// The first coordinate off by more than kNumpyTol, as text ("" when none).
std::string mismatch(const char* what, std::size_t step, const Vec& ours, const Vec& numpy) {
  for (Index i = 0; i < ours.size(); ++i) {
    if (std::abs(ours[i] - numpy[i]) > kNumpyTol * std::max(1.0, std::abs(numpy[i]))) {
      return fmt::format("{} at step {} coordinate {}: ours {:.17g}, numpy {:.17g}", what, step, i,
                         ours[i], numpy[i]);
    }
  }
  return {};
}

// Replays one case; returns the first mismatch of y, of x, or of y after the eval/train swap.
std::string replay(const nlohmann::json& c) {
  const Problem& problem = *find_problem(c["problem"].get<std::string>());
  auto optimizer = make_optimizer(c["spec"].get<std::string>());
  std::unique_ptr<Schedule> schedule;
  if (!c["schedule"].is_null()) {
    schedule = make_schedule(c["schedule"].get<std::string>(), optimizer->lr());
    schedule->start(*optimizer);
  }
  Vec x = to_vec(c["start"]);
  Vec grad(x.size());
  for (std::size_t k = 1; k < c["trajectory"].size(); ++k) {
    problem.objective.value_grad(x, &grad);
    optimizer->step(view(x),
                    std::span<const double>(grad.data(), static_cast<std::size_t>(grad.size())));
    if (schedule) schedule->step(*optimizer);
    if (auto m = mismatch("y", k, x, to_vec(c["trajectory"][k])); !m.empty()) return m;
    Vec eval = x;
    optimizer->to_eval(view(eval));
    if (auto m = mismatch("x", k, eval, to_vec(c["eval_trajectory"][k])); !m.empty()) return m;
    optimizer->to_train(view(eval));
    if (eval != x) return fmt::format("to_train did not restore y bit for bit at step {}", k);
  }
  return {};
}

TEST(NumpyReference, EveryCaseMatchesAtEveryStep) {
  const auto& cases = reference()["cases"];
  ASSERT_GE(cases.size(), 15u);
  for (const auto& c : cases) {
    SCOPED_TRACE(
        fmt::format("{} on {}", c["spec"].get<std::string>(), c["problem"].get<std::string>()));
    EXPECT_EQ(replay(c), "");
  }
}

TEST(NumpyReference, CoversLionAndBothScheduleFreeRules) {
  std::set<std::string> covered;
  for (const auto& c : reference()["cases"]) {
    covered.insert(make_optimizer(c["spec"].get<std::string>())->name());
  }
  EXPECT_EQ(covered, (std::set<std::string>{"lion", "adamw_schedulefree", "sgd_schedulefree"}));
}

}  // namespace
}  // namespace descent::optim
