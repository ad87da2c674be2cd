// Autodiff through the symbolic module's templated evaluator, against SymPy's gradients and
// Hessians (tests/reference/symbolic_fixtures.json, written by generate_symbolic.py).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "descent/autodiff/gradient.hpp"
#include "descent/symbolic/evaluate.hpp"
#include "descent/symbolic/parser.hpp"

namespace descent::autodiff {
namespace {

// SymPy evaluates exactly and rounds once; our chain rule rounds at every node.
constexpr double kRelTol = 1e-10;

bool close(double actual, double expected) {
  return std::abs(actual - expected) <= kRelTol * std::max(1.0, std::abs(expected));
}

TEST(SymbolicFixtures, GradientAndHessianMatchSympy) {
  std::ifstream in(std::string(DESCENT_REFERENCE_DIR) + "/symbolic_fixtures.json");
  ASSERT_TRUE(in) << "missing symbolic_fixtures.json";
  const nlohmann::json fixtures = nlohmann::json::parse(in);
  ASSERT_GE(fixtures.size(), 100u);
  for (const nlohmann::json& fixture : fixtures) {
    const std::string formula = fixture["formula"];
    SCOPED_TRACE(formula);
    const symbolic::Expr expr = symbolic::parse(formula);
    const auto vars = fixture["variables"].get<std::vector<std::string>>();
    const auto point = fixture["point"].get<std::vector<double>>();
    const Vec x = Eigen::Map<const Vec>(point.data(), static_cast<Index>(point.size()));
    auto f = [&](const auto& v) {
      using T = std::decay_t<decltype(v[0])>;
      const std::vector<T> values(v.begin(), v.end());
      return symbolic::evaluate<T>(expr, vars, std::span<const T>(values));
    };
    Vec grad;
    const double value = value_and_gradient(f, x, grad);
    EXPECT_TRUE(close(value, fixture["value"].get<double>())) << value;
    const auto expected_grad = fixture["grad"].get<std::vector<double>>();
    for (Index i = 0; i < x.size(); ++i) {
      EXPECT_TRUE(close(grad[i], expected_grad[static_cast<std::size_t>(i)]))
          << "d/d" << vars[static_cast<std::size_t>(i)] << ": " << grad[i] << " vs "
          << expected_grad[static_cast<std::size_t>(i)];
    }
    const Mat hess = hessian(f, x);
    const auto expected_hess = fixture["hessian"].get<std::vector<std::vector<double>>>();
    for (Index i = 0; i < x.size(); ++i) {
      for (Index j = 0; j < x.size(); ++j) {
        const double e = expected_hess[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
        EXPECT_TRUE(close(hess(i, j), e))
            << "H(" << i << "," << j << "): " << hess(i, j) << " vs " << e;
      }
    }
  }
}

}  // namespace
}  // namespace descent::autodiff
