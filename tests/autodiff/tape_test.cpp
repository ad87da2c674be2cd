// The tape itself: limits (a full tape is an error, never a silent wrap of 32-bit indices),
// merged repeated arguments, the null tape outside derivative calls, reuse after errors.
#include "descent/autodiff/var.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "descent/autodiff/gradient.hpp"
#include "descent/core/error.hpp"

namespace descent::autodiff {
namespace {

// Makes `tape` the active one for this scope (as TapeSession does with the thread's tape).
class UseTape {
 public:
  explicit UseTape(Tape<double>& tape) : previous_(ActiveTape<double>::tape) {
    ActiveTape<double>::tape = &tape;
  }
  ~UseTape() { ActiveTape<double>::tape = previous_; }
  UseTape(const UseTape&) = delete;
  UseTape& operator=(const UseTape&) = delete;

 private:
  Tape<double>* previous_;
};

TEST(Tape, AFullTapeIsAnErrorInsteadOfWrappingIndices) {
  Tape<double> tape(64);
  UseTape use(tape);
  const Var x = Var::make(0.5, tape.push_input());
  Var y = x;
  for (int i = 0; i < 100; ++i) y = y * 1.5 + x;  // statements past the limit record nothing
  EXPECT_LE(tape.size(), 64u);
  EXPECT_LE(tape.arguments(), 64u);
  EXPECT_THROW(tape.check(), Error);  // what every derivative function calls before sweeping
  // Cleared, the same tape records again.
  tape.clear();
  EXPECT_NO_THROW(tape.check());
  const Var z = Var::make(2.0, tape.push_input());
  const Var w = z * z * 3.0;
  tape.backward(w.index(), 1.0, z.index());
  EXPECT_EQ(tape.adjoint(z.index()), 12.0);
}

TEST(Tape, TooManyInputsThrow) {
  Tape<double> tape(16);
  EXPECT_THROW(tape.push_inputs(100), Error);
  EXPECT_EQ(tape.size(), 1u);
}

TEST(Tape, ElementaryFunctionsOnAFullTapeAreAnErrorToo) {
  for (int kind = 0; kind < 2; ++kind) {
    Tape<double> tape(8);
    UseTape use(tape);
    Var x = Var::make(0.5, tape.push_input());
    for (int i = 0; i < 20; ++i) x = kind == 0 ? sin(x) : pow(x, x);
    EXPECT_THROW(tape.check(), Error);
  }
}

TEST(Tape, RepeatedNeighbouringVariablesBecomeOneArgument) {
  Tape<double> tape;
  UseTape use(tape);
  const Var x = Var::make(3.0, tape.push_input());
  const Var y = Var::make(5.0, tape.push_input());
  const std::size_t before = tape.arguments();
  const Var f = x * x * y + y * y;  // arguments: x (2xy), y (x^2), y (2y) -> x, y
  EXPECT_EQ(tape.arguments() - before, 2u);
  tape.backward(f.index(), 1.0, y.index());
  EXPECT_EQ(tape.adjoint(x.index()), 2.0 * 3.0 * 5.0);
  EXPECT_EQ(tape.adjoint(y.index()), 9.0 + 2.0 * 5.0);
}

TEST(Tape, ConstantSlopesInOneVariableRecordNothing) {
  Tape<double> tape;
  UseTape use(tape);
  const Var x = Var::make(0.25, tape.push_input());
  const std::size_t before = tape.size();
  const Var y = -(1.0 - x * 4.0) / 2.0 + 3.0;  // y = 2x + 2.5: x's statement with scale 2
  EXPECT_EQ(tape.size(), before);
  EXPECT_EQ(y.index(), x.index());
  EXPECT_EQ(y.scale(), 2.0);
  EXPECT_EQ(y.value(), 3.0);
  // Used later, the scale multiplies every partial.
  const Var z = y * y + sin(y) + pow(y, x);
  tape.backward(z.index(), z.scale(), x.index());
  const double dz = 2.0 * 3.0 * 2.0 + std::cos(3.0) * 2.0 +
                    (0.25 * std::pow(3.0, -0.75) * 2.0 + std::pow(3.0, 0.25) * std::log(3.0));
  EXPECT_NEAR(tape.adjoint(x.index()), dz, 1e-14 * std::abs(dz));
}

TEST(Tape, ScaledOutputsAndInputsThroughEveryDerivativeFunction) {
  const Vec x = (Vec(2) << 0.5, -2.0).finished();
  auto negated = [](const auto& v) { return -v[0] * 3.0; };  // a scaled output
  EXPECT_EQ(gradient(negated, x), Vec((Vec(2) << -3.0, 0.0).finished()));
  EXPECT_EQ(hessian(negated, x), Mat::Zero(2, 2));
  EXPECT_EQ(derivative([](const Var& t) { return 1.0 - t / 4.0; }, 2.0), -0.25);
  // f = (1 - 2 x0)^2 x1 + max(-x0, x1): grad = (-4 (1 - 2 x0) x1 - 1, (1 - 2 x0)^2)
  auto f = [](const auto& v) {
    using T = std::decay_t<decltype(v[0])>;
    const T a = 1.0 - 2.0 * v[0];
    const T m = -v[0];
    return a * a * v[1] + max(m, v[1]);
  };
  const Vec g = gradient(f, x);
  EXPECT_EQ(g[0], -1.0);  // 1 - 2 x0 = 0
  EXPECT_EQ(g[1], 0.0);
  const Vec at = (Vec(2) << 0.25, -2.0).finished();
  const Vec g2 = gradient(f, at);
  EXPECT_DOUBLE_EQ(g2[0], -4.0 * 0.5 * -2.0 - 1.0);
  EXPECT_DOUBLE_EQ(g2[1], 0.25);
  // H = [[8 x1, -4 (1 - 2 x0)], [-4 (1 - 2 x0), 0]]
  const Mat h = hessian(f, at);
  EXPECT_DOUBLE_EQ(h(0, 0), -16.0);
  EXPECT_DOUBLE_EQ(h(0, 1), -2.0);
  EXPECT_DOUBLE_EQ(h(1, 1), 0.0);
}

TEST(Tape, SweepsOfOneTapeFromDifferentOutputsAreIndependent) {
  // The sweep clears the adjoints it reads and the next one clears the inputs': nothing of
  // one sweep shows in the next.
  Tape<double> tape;
  UseTape use(tape);
  const Var x = Var::make(3.0, tape.push_input());
  const Var y = x * x;                // dy/dx = 6
  const Var z = sin(y) * y + x * y;  // dz/dx = (cos(9) * 9 + sin(9)) * 6 + 9 + 18
  for (int round = 0; round < 2; ++round) {
    tape.backward(z.index(), 1.0, x.index());
    EXPECT_DOUBLE_EQ(tape.adjoint(x.index()), (std::cos(9.0) * 9.0 + std::sin(9.0)) * 6.0 + 27.0);
    tape.backward(y.index(), 1.0, x.index());
    EXPECT_EQ(tape.adjoint(x.index()), 6.0);
    tape.backward(x.index(), 2.0, x.index());
    EXPECT_EQ(tape.adjoint(x.index()), 2.0);
  }
}

TEST(Tape, VariablesOutsideADerivativeCallAreAnError) {
  Var escaped;
  {
    TapeSession<double> session;
    escaped = Var::make(1.0, session.tape().push_input());
  }
  EXPECT_THROW(static_cast<void>(Var(escaped * 2.0 + escaped)), Error);
  EXPECT_THROW(static_cast<void>(sin(escaped)), Error);
  // Constants are fine anywhere.
  const Var c = Var(2.0) * 3.0 + Var(1.0);
  EXPECT_TRUE(c.is_constant());
  EXPECT_EQ(c.value(), 7.0);
}

TEST(Tape, RecordingResumesAfterAThrowInsideAGradient) {
  const Vec x = Vec::LinSpaced(4, -1.0, 1.0);
  auto f = [](const auto& v) {
    using T = std::decay_t<decltype(v[0])>;
    T sum = 0.0;
    for (Index i = 0; i < v.size(); ++i) sum += v[i] * v[i];
    return sum;
  };
  auto bad = [](const auto& v) -> std::decay_t<decltype(v[0])> {
    const auto partial = v[0] * v[1];
    if (partial.value() < 10.0) throw Error(ErrorCode::bad_input, "stop");
    return partial;
  };
  EXPECT_THROW(gradient(bad, x), Error);
  EXPECT_TRUE(gradient(f, x).isApprox(2.0 * x));
}

TEST(Tape, AdjointsOfEarlierCallsDoNotLeakIntoLaterOnes) {
  // A long function, then a short one: the short sweep must see zeros, not old adjoints.
  const Vec x = Vec::LinSpaced(50, 0.5, 1.5);
  auto sum_squares = [](const auto& v) {
    using T = std::decay_t<decltype(v[0])>;
    T sum = 0.0;
    for (Index i = 0; i < v.size(); ++i) sum += v[i] * v[i];
    return sum;
  };
  gradient(sum_squares, x);
  auto constant = [](const auto&) { return Var(1.0); };
  EXPECT_EQ(gradient(constant, x), Vec::Zero(50));
  EXPECT_EQ(derivative([](const Var&) { return Var(3.0); }, 2.0), 0.0);
  EXPECT_EQ(derivative([](const Var& t) { return t * t; }, 2.0), 4.0);
}

}  // namespace
}  // namespace descent::autodiff
