// detail::BiasCorrection (src/optim/bias_correction.hpp): Adam's 1 - beta^t, bit for bit what
// `1.0 - std::pow(beta, t)` gives, without the pow once that is exactly 1.
#include "optim/bias_correction.hpp"

#include "descent/optim/optimizer.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

namespace descent::optim::detail {
namespace {

double reference(double beta, std::int64_t t) {
  return 1.0 - std::pow(beta, static_cast<double>(t));
}

// The first t in [from, to] where the two disagree in any bit, or -1.
std::int64_t first_mismatch(double beta, std::int64_t from, std::int64_t to) {
  BiasCorrection correction;
  for (std::int64_t t = from; t <= to; ++t) {
    if (std::bit_cast<std::uint64_t>(correction(beta, t)) !=
        std::bit_cast<std::uint64_t>(reference(beta, t))) {
      return t;
    }
  }
  return -1;
}

TEST(BiasCorrection, MatchesPowForEveryStepUpToTwoMillionWithTorchsDefaultBetas) {
  // 0.999^t leaves the normal doubles near t = 7.1e5 and reaches 0 near 7.5e5 (glibc's slow path).
  EXPECT_EQ(first_mismatch(0.9, 1, 2'000'000), -1);
  EXPECT_EQ(first_mismatch(0.999, 1, 2'000'000), -1);
}

TEST(BiasCorrection, MatchesPowAroundAndWellPastTheSwitchForOtherBetas) {
  std::vector<double> betas = {0.0,  1e-300, 0.1,   0.5,    0.8,    0.95,
                               0.98, 0.99,   0.995, 0.9999, 0.99999};
  std::uint64_t state = 12345;  // and some arbitrary ones (a fixed LCG)
  for (int k = 0; k < 20; ++k) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    betas.push_back(static_cast<double>(state >> 11) * 0x1p-53);
  }
  for (double beta : betas) {
    const std::int64_t switch_at = BiasCorrection::first_exact_one(beta);
    SCOPED_TRACE(::testing::Message() << "beta = " << beta << ", switch at t = " << switch_at);
    EXPECT_EQ(
        first_mismatch(beta, std::max<std::int64_t>(1, switch_at - 2000), switch_at + 100'000), -1);
    EXPECT_EQ(first_mismatch(beta, 1, 2000), -1);
  }
}

TEST(BiasCorrection, SwitchesWhereThePowerHasFallenToTwoToTheMinus55) {
  for (double beta : {0.9, 0.999, 0.5}) {
    const std::int64_t t = BiasCorrection::first_exact_one(beta);
    EXPECT_LE(std::pow(beta, static_cast<double>(t)), 0x1p-55) << beta;
    EXPECT_GT(std::pow(beta, static_cast<double>(t - 1)), 0x1p-55) << beta;
  }
  EXPECT_EQ(BiasCorrection::first_exact_one(0.0), 1);
}

TEST(BiasCorrection, NeverSwitchesForABetaSoCloseToOneThatNoRunReachesTheSwitch) {
  EXPECT_EQ(BiasCorrection::first_exact_one(1.0 - 1e-15), std::numeric_limits<std::int64_t>::max());
}

TEST(BiasCorrection, FollowsABetaThatChangesEveryCallAsOnecycleMomentumDoes) {
  BiasCorrection correction;
  for (std::int64_t t = 1; t <= 5000; ++t) {
    const double beta = 0.85 + 0.1 * static_cast<double>(t % 7) / 7.0;
    ASSERT_EQ(std::bit_cast<std::uint64_t>(correction(beta, t)),
              std::bit_cast<std::uint64_t>(reference(beta, t)))
        << "t = " << t;
  }
}

// Adam drops the division by sqrt(1 - beta2^t) once that is exactly 1 (t >= 38,000 or so):
// 60,000 steps on a 2-D quadratic with PyTorch's arithmetic written out (std::pow every step)
// must give the same bits at every step, amsgrad or not.
void expect_adam_matches_torch_formula(const char* spec, bool amsgrad) {
  auto adam = make_optimizer(spec);
  constexpr double lr = 1e-3, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  std::vector<double> x = {1.5, -2.0}, mine = x, m(2, 0.0), v(2, 0.0), vmax(2, 0.0);
  for (std::int64_t t = 1; t <= 60000; ++t) {
    const std::vector<double> g = {2 * mine[0], 20 * mine[1]};
    adam->step(std::span<double>(mine), std::span<const double>(g));
    const std::vector<double> h = {2 * x[0], 20 * x[1]};
    const double step_size = lr / (1.0 - std::pow(b1, static_cast<double>(t)));
    const double bc2_sqrt = std::sqrt(1.0 - std::pow(b2, static_cast<double>(t)));
    for (std::size_t i = 0; i < 2; ++i) {
      m[i] = m[i] * b1 + (1 - b1) * h[i];
      v[i] = v[i] * b2 + (1 - b2) * h[i] * h[i];
      vmax[i] = amsgrad ? std::max(vmax[i], v[i]) : v[i];
      x[i] = x[i] + -step_size * (m[i] / (std::sqrt(vmax[i]) / bc2_sqrt + eps));
    }
    ASSERT_EQ(std::bit_cast<std::uint64_t>(mine[0]), std::bit_cast<std::uint64_t>(x[0])) << t;
    ASSERT_EQ(std::bit_cast<std::uint64_t>(mine[1]), std::bit_cast<std::uint64_t>(x[1])) << t;
  }
}

TEST(BiasCorrection, AdamMatchesTorchsFormulaBitForBitWellPastTheSwitch) {
  expect_adam_matches_torch_formula("adam(lr=1e-3)", false);
}

TEST(BiasCorrection, AmsgradMatchesTorchsFormulaBitForBitWellPastTheSwitch) {
  expect_adam_matches_torch_formula("adam(lr=1e-3, amsgrad=true)", true);
}

}  // namespace
}  // namespace descent::optim::detail
