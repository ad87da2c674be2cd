// A formula compiled to a flat program: a topologically sorted instruction array over one
// register file (common subexpressions shared, constants folded), evaluating value, gradient
// and Hessian without allocating and without walking a tree; batched over many points.
// Example: auto p = Program::compile(parse("x^2*y"), {"x", "y"}); double g[2]; p.value_grad(x, g);
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "descent/symbolic/expr.hpp"

namespace descent::symbolic {

class Program {
 public:
  enum class Derivatives { none, gradient, hessian };

  // Compiles f over `vars` (x[i] is vars[i]). Variables of f missing from vars: bad_usage error
  // "variable 'z' has no value". d says how far derivatives are compiled; asking a Program for
  // more than it was compiled with is a bad_usage error. Derivatives past kMaxDerivativeSize, or
  // a Hessian over more than kMaxHessianVariables, are bad_input errors (differentiate.hpp).
  static Program compile(const Expr& f, std::vector<std::string> vars,
                         Derivatives d = Derivatives::gradient);

  std::size_t dim() const { return vars_.size(); }
  const std::vector<std::string>& variables() const { return vars_; }
  Derivatives derivatives() const { return derivatives_; }
  std::size_t instruction_count() const { return code_.size(); }

  // Native code: compiles value() (and value_grad(), value_grad_hessian() as far as the
  // Program was compiled) to machine code with libgccjit at -O2; afterwards those functions
  // run it and return the interpreter's results bit for bit (same operations, same order, no
  // FMA contraction). Costs a few tens of milliseconds, so it pays on long runs. Copies share
  // the code. Returns false (and changes nothing) when descent was built without libgccjit
  // or libgccjit.so.0 cannot be loaded; throws descent::Error (internal) with libgccjit's
  // message when compilation fails.
  bool jit();
  bool is_native() const { return native_value_ != nullptr; }
  // Whether jit() can work here: built with libgccjit (CMake option DESCENT_JIT) and the
  // library loads (it is opened on first use, not linked).
  static bool jit_available();

  // The evaluation functions are non-const: they write the Program's own scratch registers
  // (no allocation). A copy owns its scratch, so use one copy per thread.
  // After jit() they call the native code directly (inline here: no second call).
  double value(const double* x) { return native_value_ ? native_value_(x) : interpret_value(x); }
  double value_grad(const double* x, double* grad) {
    return native_grad_ ? native_grad_(x, grad) : interpret_value_grad(x, grad);
  }
  // hess is dim*dim, row-major.
  double value_grad_hessian(const double* x, double* grad, double* hess) {
    return native_hessian_ ? native_hessian_(x, grad, hess)
                           : interpret_value_grad_hessian(x, grad, hess);
  }

  // Batched: points is n x dim row-major; writes n values, and n*dim gradients (row-major)
  // when grads != nullptr. Evaluates kBlock points per instruction.
  void values(const double* points, std::size_t n, double* out, double* grads = nullptr);

  static constexpr std::size_t kBlock = 64;

  // One instruction: regs[dst] = op(regs[a], regs[b]) (b unused for unary ops).
  struct Instruction {
    std::uint8_t code;
    std::uint32_t dst, a, b;
  };

 private:
  double interpret_value(const double* x);
  double interpret_value_grad(const double* x, double* grad);
  double interpret_value_grad_hessian(const double* x, double* grad, double* hess);
  void run(std::size_t end);
  void run_block(std::size_t end, std::size_t lanes);

  std::vector<std::string> vars_;
  Derivatives derivatives_ = Derivatives::none;
  std::vector<Instruction> code_;
  std::size_t end_value_ = 0, end_grad_ = 0, end_hessian_ = 0;  // instruction prefixes
  std::uint32_t value_reg_ = 0;
  std::vector<std::uint32_t> grad_regs_, hessian_regs_;          // hessian: dim*dim
  std::vector<double> regs_;                                     // constants preloaded
  std::vector<double> block_regs_;                               // regs x kBlock, for values()

  // jit(): the native entry points and the loaded code they live in (released by the last copy).
  std::shared_ptr<void> native_code_;
  double (*native_value_)(const double* x) = nullptr;
  double (*native_grad_)(const double* x, double* grad) = nullptr;
  double (*native_hessian_)(const double* x, double* grad, double* hess) = nullptr;
};

// Parses `text`, checks that every variable of the formula is in `vars` (bad_usage
// "variable 'z' has no value"), and compiles.
Program compile_formula(std::string_view text, const std::vector<std::string>& vars,
                        Program::Derivatives d = Program::Derivatives::gradient);

}  // namespace descent::symbolic
