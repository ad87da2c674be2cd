// libFuzzer target for the formula parser: parse any bytes; when they parse, print, parse the
// print back, differentiate once, compile (with gradient) and evaluate at a point. Bad input
// must end in descent::Error, never a crash, a hang, a leak or unbounded memory.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "descent/core/error.hpp"
#include "descent/symbolic/formula.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace descent::symbolic;
  // A derivative grows with the square of the formula (the product rule on n factors writes n
  // terms of n factors), and work with it faster still; formulas people type are far shorter.
  if (size > 1024) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const Expr f = parse(text);
    const std::string printed = to_string(f);
    const Expr again = parse(printed);
    const std::vector<std::string> vars = variables(again);
    const Expr df = vars.empty() ? constant(0.0) : diff(f, vars[0]);
    (void)to_string(df);
    Program p = Program::compile(f, vars, Program::Derivatives::gradient);
    std::vector<double> x(vars.size(), 0.5), grad(vars.size());
    (void)p.value_grad(x.data(), grad.data());
  } catch (const descent::Error&) {
  }
  return 0;
}
