// Autodiff on a C++ lambda: gradient, Hessian-vector product and Hessian of one generic function,
// checked against finite differences. Run: ./example_autodiff
#include <cmath>
#include <cstdio>

#include "descent/autodiff/gradient.hpp"
#include "descent/numdiff/gradient_check.hpp"

int main() {
  using descent::Vec;
  namespace ad = descent::autodiff;

  // The course example f(x, y, z) = 3x^2 y + z y - x, plus a little trigonometry, written once
  // for any scalar type (double, ad::Var, ad::DualVar).
  auto f = [](const auto& v) {
    using std::sin;
    return 3.0 * v[0] * v[0] * v[1] + v[2] * v[1] - v[0] + 0.1 * sin(v[0] * v[2]);
  };

  const Vec x = Vec::Ones(3);
  Vec grad;
  const double fx = ad::value_and_gradient(f, x, grad);
  std::printf("f(1,1,1) = %.6f\ngrad     = (%.6f, %.6f, %.6f)\n", fx, grad[0], grad[1], grad[2]);

  const Vec v = (Vec(3) << 1.0, 0.0, 0.0).finished();
  const Vec hv = ad::hessian_vector_product(f, x, v);
  std::printf("H e1     = (%.6f, %.6f, %.6f)\n", hv[0], hv[1], hv[2]);

  const descent::Mat hess = ad::hessian(f, x);
  std::printf("H(0,1)   = %.6f (6x = 6)\n", hess(0, 1));

  // Cross-check against central differences, as `descent check` does.
  const auto report =
      descent::numdiff::check_gradient([&](const Vec& at) { return ad::value(f, at); }, grad, x);
  std::printf("%s\n", report.summary({"x", "y", "z"}).c_str());
  return report.ok ? 0 : 1;
}
