// Program::jit(): native code computes what the interpreter computes, bit for bit (same
// operations in the same order, no FMA contraction), on the SymPy fixtures, on random formulas
// and on the special values of the piecewise functions; copies share the code.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "descent/core/error.hpp"
#include "descent/symbolic/program.hpp"
#include "random_formula.hpp"

namespace descent::symbolic {
namespace {

#define SKIP_WITHOUT_JIT() \
  if (!Program::jit_available()) GTEST_SKIP() << "built without libgccjit (DESCENT_JIT=OFF)"

struct Case {
  std::string formula;
  std::vector<std::string> variables;
  std::vector<double> point;
};

std::vector<Case> sympy_fixtures() {
  std::ifstream in(std::string(DESCENT_REFERENCE_DIR) + "/symbolic_fixtures.json");
  std::vector<Case> out;
  for (const auto& j : nlohmann::json::parse(in)) {
    out.push_back({j.at("formula").get<std::string>(),
                   j.at("variables").get<std::vector<std::string>>(),
                   j.at("point").get<std::vector<double>>()});
  }
  return out;
}

void expect_same_bits(double interpreted, double native, const std::string& what) {
  EXPECT_EQ(std::bit_cast<std::uint64_t>(interpreted), std::bit_cast<std::uint64_t>(native))
      << what << ": interpreter " << interpreted << ", native " << native;
}

// Value, gradient and Hessian of `program` interpreted and of its jit()ed copy at each point,
// bit for bit.
void expect_native_matches(const Program& program, const std::vector<std::vector<double>>& points,
                           const std::string& what) {
  Program interpreted = program;
  Program native = program;
  ASSERT_TRUE(native.jit()) << what;
  ASSERT_TRUE(native.is_native());
  ASSERT_FALSE(interpreted.is_native());
  for (const std::vector<double>& x : points) {
    std::string at = what + " at (";
    for (double v : x) at += std::to_string(v) + " ";
    at += ")";
    const std::size_t n = x.size();
    expect_same_bits(interpreted.value(x.data()), native.value(x.data()), at + " value");
    std::vector<double> g1(n), g2(n), h1(n * n), h2(n * n);
    expect_same_bits(interpreted.value_grad(x.data(), g1.data()),
                     native.value_grad(x.data(), g2.data()), at + " value_grad");
    for (std::size_t i = 0; i < n; ++i) expect_same_bits(g1[i], g2[i], at + " grad");
    if (interpreted.derivatives() != Program::Derivatives::hessian) continue;
    std::fill(g2.begin(), g2.end(), 0.0);
    expect_same_bits(interpreted.value_grad_hessian(x.data(), g1.data(), h1.data()),
                     native.value_grad_hessian(x.data(), g2.data(), h2.data()),
                     at + " hessian value");
    for (std::size_t i = 0; i < n; ++i) expect_same_bits(g1[i], g2[i], at + " hessian grad");
    for (std::size_t i = 0; i < n * n; ++i) expect_same_bits(h1[i], h2[i], at + " hessian");
  }
}

TEST(Jit, MatchesInterpreterBitForBitOnSympyFixtures) {
  SKIP_WITHOUT_JIT();
  const auto cases = sympy_fixtures();
  ASSERT_GE(cases.size(), 150u);
  for (const Case& c : cases) {
    const Program p = compile_formula(c.formula, c.variables, Program::Derivatives::hessian);
    std::vector<double> mirrored = c.point;  // other branches of min, max, abs, sigmoid
    for (double& v : mirrored) v = -v;
    expect_native_matches(p, {c.point, mirrored}, c.formula);
  }
}

TEST(Jit, MatchesInterpreterBitForBitOnRandomFormulas) {
  // Random formulas reach min, max, sigmoid, softplus, abs and pow, which branch in native code.
  SKIP_WITHOUT_JIT();
  test::RandomFormula gen(2024);
  for (int i = 0; i < 40; ++i) {
    const std::string f = gen.formula(4);
    const Program p = compile_formula(f, {"x", "y", "z"}, Program::Derivatives::hessian);
    expect_native_matches(p, {{0.3 + 0.1 * i, -0.7, 1.9 - 0.2 * i}, {-1.1, 0.4 * i, 0.0}}, f);
  }
}

TEST(Jit, PiecewiseFunctionsAgreeOnSignedZerosInfinitiesAndNan) {
  SKIP_WITHOUT_JIT();
  const Program p =
      compile_formula("sign(x) + min(x, y) + max(y, x) + sigmoid(x) + softplus(y) + abs(x)*y",
                      {"x", "y"}, Program::Derivatives::gradient);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const double specials[] = {0.0, -0.0, 1.0, -1.0, 40.0, -40.0, 800.0, -800.0, inf, -inf, nan};
  std::vector<std::vector<double>> points;
  for (double a : specials) {
    for (double b : specials) points.push_back({a, b});
  }
  expect_native_matches(p, points, "piecewise");
}

TEST(Jit, CopyKeepsWorkingAfterTheOriginalIsDestroyed) {
  SKIP_WITHOUT_JIT();
  // f = x^2 y + sin(y): at (2, 0) f = 0, grad = (2xy, x^2 + cos y) = (0, 5).
  auto original = std::make_unique<Program>(
      compile_formula("x^2*y + sin(y)", {"x", "y"}, Program::Derivatives::gradient));
  ASSERT_TRUE(original->jit());
  Program copy = *original;
  original.reset();
  EXPECT_TRUE(copy.is_native());
  const double x[2] = {2.0, 0.0};
  double g[2];
  EXPECT_EQ(copy.value_grad(x, g), 0.0);
  EXPECT_EQ(g[0], 0.0);
  EXPECT_EQ(g[1], 5.0);
}

void host_handler(int) {}

TEST(Jit, KeepsTheHostsSignalHandlers) {
  SKIP_WITHOUT_JIT();
  // GCC's driver (in-process) installs handlers that kill the process on SIGINT; a host such as
  // Python, whose SIGINT handler raises KeyboardInterrupt, must find its own handler afterwards.
  struct sigaction ours {}, before {}, after {};
  ours.sa_handler = host_handler;
  sigemptyset(&ours.sa_mask);
  ASSERT_EQ(sigaction(SIGINT, &ours, &before), 0);
  Program p = compile_formula("x^3 + 2*x", {"x"}, Program::Derivatives::gradient);
  ASSERT_TRUE(p.jit());
  sigaction(SIGINT, &before, &after);
  EXPECT_EQ(after.sa_handler, &host_handler);
}

TEST(Jit, ValueOnlyProgramRunsNativeValue) {
  SKIP_WITHOUT_JIT();
  // f = 3 x y - x at (2, 5): 30 - 2 = 28.
  Program p = compile_formula("3*x*y - x", {"x", "y"}, Program::Derivatives::none);
  ASSERT_TRUE(p.jit());
  const double x[2] = {2.0, 5.0};
  EXPECT_EQ(p.value(x), 28.0);
  double g[2];
  EXPECT_THROW(p.value_grad(x, g), Error);
}

TEST(Jit, ConstantFormulaAndIdentityCompile) {
  SKIP_WITHOUT_JIT();
  Program constant = compile_formula("2 + 3", {"x"}, Program::Derivatives::hessian);
  Program identity = compile_formula("x", {"x"}, Program::Derivatives::hessian);
  ASSERT_TRUE(constant.jit());
  ASSERT_TRUE(identity.jit());
  const double x[1] = {7.0};
  double g[1], h[1];
  EXPECT_EQ(constant.value_grad_hessian(x, g, h), 5.0);
  EXPECT_EQ(g[0], 0.0);
  EXPECT_EQ(identity.value_grad_hessian(x, g, h), 7.0);
  EXPECT_EQ(g[0], 1.0);
  EXPECT_EQ(h[0], 0.0);
}

TEST(Jit, WithoutLibgccjitJitReturnsFalseAndInterprets) {
  if (Program::jit_available()) GTEST_SKIP() << "built with libgccjit";
  Program p = compile_formula("x^2", {"x"});
  EXPECT_FALSE(p.jit());
  EXPECT_FALSE(p.is_native());
  const double x[1] = {3.0};
  EXPECT_EQ(p.value(x), 9.0);
}

}  // namespace
}  // namespace descent::symbolic
