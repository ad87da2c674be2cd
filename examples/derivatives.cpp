// Derivatives of a formula: parse, differentiate, print, compile, evaluate.
// Build: part of the project (example_derivatives). Run: ./example_derivatives
#include <cstdio>

#include "descent/symbolic/formula.hpp"

int main() {
  namespace sym = descent::symbolic;

  // Parse a formula (throws descent::Error with a caret message when it is malformed).
  const sym::Expr f = sym::parse("3*x^2*y + z*y - x");

  // Symbolic partial derivatives, simplified and printable.
  for (const char* var : {"x", "y", "z"}) {
    std::printf("df/d%s = %s\n", var, sym::to_string(sym::diff(f, var)).c_str());
  }

  // Compile once, then evaluate value and gradient as often as needed without allocating.
  sym::Program program = sym::Program::compile(f, {"x", "y", "z"}, sym::Program::Derivatives::gradient);
  const double x[3] = {1.0, 1.0, 1.0};
  double grad[3];
  const double value = program.value_grad(x, grad);
  std::printf("f(1, 1, 1) = %g, gradient = (%g, %g, %g)\n", value, grad[0], grad[1], grad[2]);

  // The same for a tree walk with named values (slower; fine for one-off values).
  std::printf("f(2, 1, 0) = %g\n", sym::evaluate(f, {{"x", 2.0}, {"y", 1.0}, {"z", 0.0}}));
  return grad[0] == 5.0 && grad[1] == 4.0 && grad[2] == 1.0 ? 0 : 1;
}
