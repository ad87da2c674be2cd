// The tape itself: limits (a full tape is an error, never a silent wrap of 32-bit indices),
// values that record nothing, statements, the null tape outside derivative calls, reuse after
// errors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "descent/autodiff/gradient.hpp"
#include "descent/autodiff/var.hpp"
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

// The reverse sweep from y down to the inputs (stop: the last input's index), then d y / d x_i.
double swept(Tape<double>& tape, const Var& y, std::uint32_t stop, std::uint32_t input) {
  backward(tape, y, stop);
  double adjoint = 0.0;
  tape.take_adjoints(1, stop, [&](std::size_t k, double a) {
    if (k + 1 == input) adjoint = a;
  });
  return adjoint;
}

TEST(Tape, AFullTapeIsAnErrorInsteadOfWrappingIndices) {
  Tape<double> tape(64);
  UseTape use(tape);
  const std::uint32_t first = tape.push_inputs(3);
  const Var x = Var::make(0.5, first);
  const Var y = Var::make(0.25, first + 1);
  const Var z = Var::make(2.0, first + 2);
  Var w = x;
  // Four distinct terms each: statements past the limit record nothing.
  for (int i = 0; i < 100; ++i) w = w * x + y * z;
  EXPECT_LE(tape.size(), 64u);
  EXPECT_LE(tape.arguments(), 64u);
  EXPECT_THROW(tape.check(), Error);  // what every derivative function calls before sweeping
  // Cleared, the same tape records again.
  tape.clear();
  EXPECT_NO_THROW(tape.check());
  const Var v = Var::make(2.0, tape.push_input());
  const Var f = v * v * 3.0;
  EXPECT_EQ(swept(tape, f, v.index(), v.index()), 12.0);
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
    const std::uint32_t first = tape.push_inputs(3);
    Var x = Var::make(0.5, first);
    const Var y = Var::make(0.25, first + 1);
    const Var z = Var::make(0.75, first + 2);
    for (int i = 0; i < 20; ++i) x = kind == 0 ? sin(x * y + z) : pow(x * y, z);
    EXPECT_THROW(tape.check(), Error);
  }
}

TEST(Tape, ValuesOfAtMostTwoVariablesRecordNothing) {
  Tape<double> tape;
  UseTape use(tape);
  const Var x = Var::make(3.0, tape.push_input());
  const Var y = Var::make(5.0, tape.push_input());
  const std::size_t before = tape.size();
  const Var f = sin(x * x * y + y * y) / 2.0;  // terms: x, y (repeated ones summed)
  EXPECT_EQ(tape.size(), before);
  ASSERT_EQ(f.terms(), 2u);
  EXPECT_EQ(f.index(0), x.index());
  EXPECT_EQ(f.index(1), y.index());
  const double c = std::cos(45.0 + 25.0) / 2.0;
  EXPECT_DOUBLE_EQ(f.partial(0), c * 2.0 * 3.0 * 5.0);
  EXPECT_DOUBLE_EQ(f.partial(1), c * (9.0 + 2.0 * 5.0));
}

TEST(Tape, ThreeVariablesRecordOneStatementWithOneArgumentEach) {
  Tape<double> tape;
  UseTape use(tape);
  const std::uint32_t first = tape.push_inputs(3);
  const Var x = Var::make(3.0, first);
  const Var y = Var::make(5.0, first + 1);
  const Var z = Var::make(7.0, first + 2);
  const std::size_t before = tape.arguments();
  const Var f = x * y * z + x;
  EXPECT_EQ(tape.arguments() - before, 3u);
  EXPECT_EQ(f.terms(), 1u);
  EXPECT_EQ(swept(tape, f, first + 2, first), 36.0);
}

TEST(Tape, ConstantSlopesInOneVariableRecordNothing) {
  Tape<double> tape;
  UseTape use(tape);
  const Var x = Var::make(0.25, tape.push_input());
  const std::size_t before = tape.size();
  const Var y = -(1.0 - x * 4.0) / 2.0 + 3.0;  // y = 2x + 2.5: x's statement with partial 2
  EXPECT_EQ(tape.size(), before);
  EXPECT_EQ(y.index(), x.index());
  EXPECT_EQ(y.partial(), 2.0);
  EXPECT_EQ(y.value(), 3.0);
  const Var z = y * y + sin(y) + pow(y, x);
  const double dz = 2.0 * 3.0 * 2.0 + std::cos(3.0) * 2.0 +
                    (0.25 * std::pow(3.0, -0.75) * 2.0 + std::pow(3.0, 0.25) * std::log(3.0));
  EXPECT_NEAR(swept(tape, z, x.index(), x.index()), dz, 1e-14 * std::abs(dz));
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
  // The sweep clears the adjoints it passes and take_adjoints the inputs': nothing of one sweep
  // shows in the next.
  Tape<double> tape;
  UseTape use(tape);
  const std::uint32_t first = tape.push_inputs(3);
  const Var x = Var::make(3.0, first);
  const Var a = Var::make(1.0, first + 1);
  const Var b = Var::make(2.0, first + 2);
  const Var y = x * a * b;               // a statement: dy/dx = 2
  const Var z = sin(y) * y + x * a * y;  // dz/dx = (cos(6) * 6 + sin(6)) * 2 + 6 + 6
  for (int round = 0; round < 2; ++round) {
    EXPECT_DOUBLE_EQ(swept(tape, z, first + 2, first),
                     (std::cos(6.0) * 6.0 + std::sin(6.0)) * 2.0 + 12.0);
    EXPECT_EQ(swept(tape, y, first + 2, first), 2.0);
    EXPECT_EQ(swept(tape, x * 2.0, first + 2, first), 2.0);
  }
}

TEST(Tape, VariablesOutsideADerivativeCallAreAnError) {
  // (Values of one or two variables carry their terms and record nothing, so only a statement
  // notices.)
  Var x, y, z;
  {
    TapeSession<double> session;
    const std::uint32_t first = session.tape().push_inputs(3);
    x = Var::make(1.0, first);
    y = Var::make(2.0, first + 1);
    z = Var::make(3.0, first + 2);
  }
  EXPECT_THROW(static_cast<void>(Var(x * y + z)), Error);
  EXPECT_THROW(static_cast<void>(pow(x * y, z)), Error);
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
