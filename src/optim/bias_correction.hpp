// Adam's bias correction 1 - beta^t, bit for bit `1.0 - std::pow(beta, double(t))`, without the
// pow once the answer is exactly 1.
//
// Why that is exact: for x <= 2^-54, 1.0 - x rounds to 1.0 (half the spacing of the doubles just
// below 1 is 2^-54; the tie goes to the even 1.0). glibc's pow is correctly rounded (under 1 ulp,
// 2^-52 relative), and beta^t falls as t grows. Take t0, the first t with pow(beta, t0) <=
// 2^-55. For t >= t0 the true beta^t <= beta^t0 <= 2^-55 (1 + 2^-52), so pow(beta, t) <= 2^-55
// (1 + 2^-52)^2 < 2^-54, and 1.0 - pow(beta, t) == 1.0. The same t0 saves the pow where glibc
// is slowest: past t ~ 7e5 for beta = 0.999 its result is subnormal or 0 (tests/optim
// bias_correction_test.cpp compares every t up to 2e6 for the default betas with std::pow).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace descent::optim::detail {

class BiasCorrection {
 public:
  // 1 - beta^t for beta in [0, 1) and t >= 1. A beta that changes every call (onecycle's
  // momentum) costs one compare more than the plain pow; the bound is found once beta holds.
  double operator()(double beta, std::int64_t t) {
    if (t >= exact_one_from_ && beta == beta_) [[likely]] return 1.0;
    return slow(beta, t);
  }
  // The first t from which 1 - beta^t is exactly 1 (computed, not cached).
  static std::int64_t first_exact_one(double beta);

 private:
  double slow(double beta, std::int64_t t) {
    if (beta != beta_) {
      beta_ = beta;
      exact_one_from_ = kNever;
      known_ = false;
    } else if (!known_) {
      exact_one_from_ = first_exact_one(beta);
      known_ = true;
    }
    return t >= exact_one_from_ ? 1.0 : 1.0 - std::pow(beta, static_cast<double>(t));
  }

  static constexpr auto kNever = std::numeric_limits<std::int64_t>::max();
  double beta_ = std::numeric_limits<double>::quiet_NaN();  // NaN != any beta
  std::int64_t exact_one_from_ = kNever;
  bool known_ = false;
};

// The first t with pow(beta, t) <= 2^-55: estimated from logarithms, then corrected by the pow
// values themselves (a step or two at most) so that the bound above holds as computed.
inline std::int64_t BiasCorrection::first_exact_one(double beta) {
  constexpr double kSmall = 0x1p-55;
  const double guess = std::ceil(std::log(kSmall) / std::log(beta));  // -0 for beta == 0
  // Out of range, or t beyond any run (kMaxSteps is 1e15): always pow.
  if (!(beta >= 0.0 && beta < 1.0) || !(guess < 1e15)) return kNever;
  auto t = std::max<std::int64_t>(1, static_cast<std::int64_t>(guess));
  while (t > 1 && std::pow(beta, static_cast<double>(t - 1)) <= kSmall) --t;
  while (std::pow(beta, static_cast<double>(t)) > kSmall) ++t;
  return t;
}

}  // namespace descent::optim::detail
