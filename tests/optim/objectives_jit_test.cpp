// formula_objective with native code (optim::Jit): the same numbers as the interpreter, and
// jit_pays's break-even (measured in bench/symbolic_bench.cpp).
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>

#include "descent/optim/objectives.hpp"
#include "descent/symbolic/program.hpp"

namespace descent::optim {
namespace {

TEST(ObjectivesJit, NativeObjectiveEqualsInterpretedBitForBit) {
  if (!symbolic::Program::jit_available()) GTEST_SKIP() << "built without libgccjit";
  const char* kFormula = "(1 - x)^2 + 100*(y - x^2)^2 + softplus(x*y)";
  const Objective interpreted = formula_objective(kFormula, {"x", "y"}, true, Jit::off);
  const Objective native = formula_objective(kFormula, {"x", "y"}, true, Jit::on);
  Vec x(2);
  x << -1.2, 1.0;
  Vec g1(2), g2(2);
  Mat h1(2, 2), h2(2, 2);
  EXPECT_EQ(std::bit_cast<std::uint64_t>(interpreted.value_grad(x, &g1)),
            std::bit_cast<std::uint64_t>(native.value_grad(x, &g2)));
  interpreted.hessian(x, h1);
  native.hessian(x, h2);
  for (Index i = 0; i < 2; ++i) {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(g1[i]), std::bit_cast<std::uint64_t>(g2[i]));
    for (Index j = 0; j < 2; ++j) {
      EXPECT_EQ(std::bit_cast<std::uint64_t>(h1(i, j)), std::bit_cast<std::uint64_t>(h2(i, j)));
    }
  }
}

TEST(ObjectivesJit, AutomaticWithFewEvaluationsStillEvaluates) {
  // f = x^2 + 3y at (2, 1): 7, grad (4, 3); 10 evaluations never repay a compile.
  const Objective o = formula_objective("x^2 + 3*y", {"x", "y"}, false, Jit::automatic, 10);
  Vec x(2), g(2);
  x << 2.0, 1.0;
  EXPECT_EQ(o.value_grad(x, &g), 7.0);
  EXPECT_EQ(g[0], 4.0);
  EXPECT_EQ(g[1], 3.0);
}

TEST(ObjectivesJit, PaysOnlyForLongRuns) {
  // Rosenbrock (15 instructions): break-even near 2 million evaluations; 271 instructions
  // (the 50-term benchmark formula) near 200 thousand.
  EXPECT_FALSE(jit_pays(15, 20000));
  EXPECT_FALSE(jit_pays(15, 1000000));
  EXPECT_TRUE(jit_pays(15, 10000000));
  EXPECT_FALSE(jit_pays(271, 100000));
  EXPECT_TRUE(jit_pays(271, 1000000));
  EXPECT_FALSE(jit_pays(1000000, 0));
}

}  // namespace
}  // namespace descent::optim
