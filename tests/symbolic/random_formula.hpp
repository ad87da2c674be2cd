// Random formulas in descent's syntax for property tests (parse/print round trips, compiled vs
// tree evaluation). Example: RandomFormula gen(42); std::string f = gen.formula(4);
#pragma once

#include <random>
#include <string>
#include <vector>

namespace descent::symbolic::test {

class RandomFormula {
 public:
  explicit RandomFormula(unsigned seed) : rng_(seed) {}

  // A formula of nesting depth <= depth over x, y, z; arguments of log/sqrt/asin/acos are kept
  // inside their domains so values are finite.
  std::string formula(int depth) {
    if (depth <= 0 || pick(5) == 0) return leaf();
    const std::string a = formula(depth - 1);
    switch (pick(14)) {
      case 0: return "(" + a + ") + (" + formula(depth - 1) + ")";
      case 1: return "(" + a + ") - (" + formula(depth - 1) + ")";
      case 2: return "(" + a + ")*(" + formula(depth - 1) + ")";
      case 3: return "(" + a + ")/(1.5 + sin(" + formula(depth - 1) + "))";
      case 4: return "-(" + a + ")";
      case 5: return "(" + a + ")^" + std::to_string(1 + pick(3));
      case 6: return "exp(sin(" + a + "))";
      case 7: return "log(1 + (" + a + ")^2)";
      case 8: return "sqrt(2 + cos(" + a + "))";
      case 9: return "asin(tanh(" + a + ")/2)";
      case 10: return std::string(pick(2) ? "min(" : "max(") + a + ", " + formula(depth - 1) + ")";
      case 11: return "pow(1.25 + sin(" + a + "), " + formula(depth - 1) + ")";
      case 12: {
        static const char* kNames[] = {"sin", "cos", "atan", "tanh", "sigmoid", "softplus", "abs"};
        return std::string(kNames[pick(7)]) + "(" + a + ")";
      }
      default: return "(" + a + ")*" + leaf() + " + " + leaf();
    }
  }

  // A point with coordinates in [-1.5, 1.5].
  std::vector<double> point(std::size_t dim) {
    std::uniform_real_distribution<double> u(-1.5, 1.5);
    std::vector<double> x(dim);
    for (double& v : x) v = u(rng_);
    return x;
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  std::string leaf() {
    static const char* kLeaves[] = {"x", "y", "z", "x", "y", "2", "0.5", "3", "pi", "1e-1"};
    return kLeaves[pick(10)];
  }

  std::mt19937 rng_;
};

}  // namespace descent::symbolic::test
