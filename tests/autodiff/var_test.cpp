// Every elementary function's first and second derivative against its closed form.
#include "descent/autodiff/var.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "descent/autodiff/gradient.hpp"

namespace descent::autodiff {
namespace {

constexpr double kTol = 1e-13;  // same formulas evaluated in a different order

struct UnaryCase {
  std::string name;
  std::function<Var(const Var&)> f;
  std::function<DualVar(const DualVar&)> f_dual;
  double x;
  double d1;  // closed-form f'(x)
  double d2;  // closed-form f''(x)
};

#define CASE(fn, x, d1, d2)                                                                    \
  UnaryCase {                                                                                  \
#fn, [](const Var& v) { return fn(v); }, [](const DualVar& v) { return fn(v); }, x, d1, d2 \
  }

std::vector<UnaryCase> cases() {
  const double x = 0.3;
  const double s = 1.0 / (1.0 + std::exp(-x));
  return {
      CASE(sin, x, std::cos(x), -std::sin(x)),
      CASE(cos, x, -std::sin(x), -std::cos(x)),
      CASE(tan, x, 1.0 / std::pow(std::cos(x), 2), 2.0 * std::tan(x) / std::pow(std::cos(x), 2)),
      CASE(asin, x, 1.0 / std::sqrt(1 - x * x), x / std::pow(1 - x * x, 1.5)),
      CASE(acos, x, -1.0 / std::sqrt(1 - x * x), -x / std::pow(1 - x * x, 1.5)),
      CASE(atan, x, 1.0 / (1 + x * x), -2 * x / std::pow(1 + x * x, 2)),
      CASE(sinh, x, std::cosh(x), std::sinh(x)),
      CASE(cosh, x, std::sinh(x), std::cosh(x)),
      CASE(tanh, x, 1 - std::pow(std::tanh(x), 2),
           -2 * std::tanh(x) * (1 - std::pow(std::tanh(x), 2))),
      CASE(exp, x, std::exp(x), std::exp(x)),
      CASE(log, x, 1 / x, -1 / (x * x)),
      CASE(sqrt, x, 0.5 / std::sqrt(x), -0.25 * std::pow(x, -1.5)),
      CASE(abs, -x, -1.0, 0.0),
      CASE(sigmoid, x, s * (1 - s), s * (1 - s) * (1 - 2 * s)),
      CASE(softplus, x, s, s * (1 - s)),
  };
}
#undef CASE

TEST(Var, EveryElementaryFunctionHasItsClosedFormDerivatives) {
  for (const UnaryCase& c : cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_NEAR(derivative(c.f, c.x), c.d1, kTol * std::max(1.0, std::abs(c.d1)));
    // Second derivative: the Hessian-vector product with v = 1 of the same function.
    Vec x(1), v(1);
    x << c.x;
    v << 1.0;
    auto f = [&](const auto& xs) { return c.f_dual(xs[0]); };
    Vec hv = hessian_vector_product(f, x, v);
    EXPECT_NEAR(hv[0], c.d2, kTol * std::max(1.0, std::abs(c.d2)));
  }
}

TEST(Var, ArithmeticWithConstantsOnEitherSide) {
  // f(x) = (2 + x) * (x - 1) / (3 - x) + 4 / x - x / 5 + (-x) * 6 at x = 2:
  //   d/dx [(2+x)(x-1)/(3-x)] = ((2x+1)(3-x) + (x+2)(x-1)) / (3-x)^2 = (5 + 4) / 1 = 9
  //   d/dx 4/x = -4/x^2 = -1;  d/dx -x/5 = -0.2;  d/dx -6x = -6
  auto f = [](const Var& x) {
    return (2.0 + x) * (x - 1.0) / (3.0 - x) + 4.0 / x - x / 5.0 + (-x) * 6.0;
  };
  EXPECT_NEAR(derivative(f, 2.0), 9.0 - 1.0 - 0.2 - 6.0, 1e-14);
}

TEST(Var, PowerRulesInBaseAndExponent) {
  // d/dx x^2.5 = 2.5 x^1.5; d/dx 2^x = 2^x log 2; d/dx x^x = x^x (log x + 1)
  const double x = 1.7;
  EXPECT_NEAR(derivative([](const Var& v) { return pow(v, 2.5); }, x), 2.5 * std::pow(x, 1.5),
              1e-13);
  EXPECT_NEAR(derivative([](const Var& v) { return pow(2.0, v); }, x),
              std::pow(2.0, x) * std::log(2.0), 1e-13);
  EXPECT_NEAR(derivative([](const Var& v) { return pow(v, v); }, x),
              std::pow(x, x) * (std::log(x) + 1.0), 1e-13);
  // At a zero base the exponent's log term is dropped: d/dx 0^x... stays finite.
  EXPECT_EQ(derivative([](const Var& v) { return pow(Var(0.0), v); }, 2.0), 0.0);
}

TEST(Var, MinAndMaxRouteTheGradientToTheChosenArgument) {
  Vec x(2);
  x << 1.0, 3.0;
  auto fmin = [](const auto& v) { return min(v[0], v[1]) * 2.0; };
  auto fmax = [](const auto& v) { return max(v[0], v[1]) * 2.0; };
  EXPECT_EQ(gradient(fmin, x), Vec((Vec(2) << 2.0, 0.0).finished()));
  EXPECT_EQ(gradient(fmax, x), Vec((Vec(2) << 0.0, 2.0).finished()));
  x << 2.0, 2.0;  // a tie splits the gradient in half, as torch.minimum does
  EXPECT_EQ(gradient(fmin, x), Vec((Vec(2) << 1.0, 1.0).finished()));
}

TEST(Var, GenericCodeWithIntLiteralsAndStdUsingDeclarationsCompilesAndDifferentiates) {
  // f(x) = max(x, 1)^2 * 2 + sqrt(x) / 4 - 3 at x = 4: f' = 2 * 2x + 1 / (8 sqrt x) = 16.0625
  auto f = [](const auto& v) {
    using std::max, std::pow, std::sqrt;
    return pow(max(v[0], 1.0), 2) * 2 + sqrt(v[0]) / 4 - 3;
  };
  const Vec x = Vec::Constant(1, 4.0);
  EXPECT_DOUBLE_EQ(gradient(f, x)[0], 16.0625);
  EXPECT_DOUBLE_EQ(value(f, x), 16.0 * 2 + 0.5 - 3);
}

TEST(Var, ComparisonsLookAtValues) {
  const Var a(1.0), b(2.0);
  EXPECT_TRUE(a < b && a <= b && b > a && b >= a && a == 1.0 && 1.0 == a && a < 1.5 && 0.5 < a);
  EXPECT_FALSE(a == b);
}

TEST(Var, ConstantsRecordNothing) {
  TapeSession<double> session;
  const std::size_t before = session.tape().size();
  const Var c = sin(Var(2.0)) * 3.0 + Var(1.0);
  EXPECT_TRUE(c.is_constant());
  EXPECT_EQ(session.tape().size(), before);
  EXPECT_DOUBLE_EQ(c.value(), std::sin(2.0) * 3.0 + 1.0);
}

}  // namespace
}  // namespace descent::autodiff
