// The hand-written baseline of bench/minimize_loop.sh: Adam (torch.optim's arithmetic, bias
// corrections by std::pow every step, as torch computes them) on the 2-D Rosenbrock function,
// objective, gradient and update inline in one loop. What `descent minimize rosenbrock
// --optimizer 'adam(lr=LR)' --steps STEPS --tol 0` computes, with nothing around it.
// Usage: descent_minimize_loop_hand STEPS LR   (prints x, y and f after the last step)
#include <cmath>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s STEPS LR\n", argv[0]);
    return 2;
  }
  const long long steps = std::atoll(argv[1]);
  const double lr = std::atof(argv[2]);
  constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
  double x[2] = {-1.2, 1.0}, g[2], m[2] = {0, 0}, v[2] = {0, 0};
  double f = 0;
  for (long long t = 1; t <= steps + 1; ++t) {
    const double p = 1 - x[0], q = x[1] - x[0] * x[0];
    f = p * p + 100 * q * q;
    g[0] = -2 * p - 400 * x[0] * q;
    g[1] = 200 * q;
    if (t > steps) break;  // f and the gradient at the last point, as minimize reports them
    const double step = lr / (1 - std::pow(kBeta1, static_cast<double>(t)));
    const double bc2 = std::sqrt(1 - std::pow(kBeta2, static_cast<double>(t)));
    for (int i = 0; i < 2; ++i) {
      m[i] = m[i] * kBeta1 + (1 - kBeta1) * g[i];
      v[i] = v[i] * kBeta2 + (1 - kBeta2) * g[i] * g[i];
      x[i] = x[i] - step * (m[i] / (std::sqrt(v[i]) / bc2 + kEps));
    }
  }
  std::printf("x = %.17g, y = %.17g, f = %.17g\n", x[0], x[1], f);
  return 0;
}
