// The compiler from expressions to a flat register program, and its interpreter.
// Each distinct node (hash-consing = common subexpressions) gets one register; instructions
// are emitted in topological order: value first, then gradient, then Hessian, so value() runs
// a prefix of the instructions that value_grad() runs.
#include "descent/symbolic/program.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_map>

#include "descent/core/error.hpp"
#include "descent/symbolic/differentiate.hpp"
#include "descent/symbolic/evaluate.hpp"
#include "descent/symbolic/parser.hpp"
#include "symbolic/detail.hpp"
#include "symbolic/program_ops.hpp"

namespace descent::symbolic {

namespace {

using namespace detail;  // Code, apply
constexpr int kMax_ = kLastCode;

Code code_of(Op op) {
  switch (op) {
    case Op::sin: return kSin;
    case Op::cos: return kCos;
    case Op::tan: return kTan;
    case Op::asin: return kAsin;
    case Op::acos: return kAcos;
    case Op::atan: return kAtan;
    case Op::sinh: return kSinh;
    case Op::cosh: return kCosh;
    case Op::tanh: return kTanh;
    case Op::exp: return kExp;
    case Op::log: return kLog;
    case Op::sqrt: return kSqrt;
    case Op::abs: return kAbs;
    case Op::sigmoid: return kSigmoid;
    case Op::softplus: return kSoftplus;
    case Op::sign: return kSign;
    case Op::min: return kMin;
    case Op::max: return kMax;
    default: throw Error(ErrorCode::internal, "compile: unexpected op");
  }
}

class Compiler {
 public:
  Compiler(const std::vector<std::string>& vars, std::vector<Program::Instruction>& code,
           std::vector<double>& constants)
      : code_(code), constants_(constants) {
    // The node is kept before its address becomes a key: a variable absent from the formula
    // would otherwise be freed at once, and a node built later at the same address would be
    // read from that variable's register.
    for (std::size_t i = 0; i < vars.size(); ++i) {
      keep_.push_back(variable(vars[i]));
      register_of_.emplace(keep_.back().get(), static_cast<std::uint32_t>(i));
    }
  }

  // Registers: [0, dim) variables, then constants, then one per instruction. Constants are
  // numbered after compilation (see finish()), so instructions use provisional indices.
  std::uint32_t emit(const Expr& e) {
    if (auto it = register_of_.find(e.get()); it != register_of_.end()) return it->second;
    const std::uint32_t r = lower(e);
    register_of_.emplace(e.get(), r);
    keep_.push_back(e);
    return r;
  }

  std::uint32_t constant_register(double v) {
    const auto bits = std::bit_cast<std::uint64_t>(v);
    if (auto it = constant_of_.find(bits); it != constant_of_.end()) return it->second;
    const auto r = static_cast<std::uint32_t>(kConstantTag | constants_.size());
    constants_.push_back(v);
    constant_of_.emplace(bits, r);
    return r;
  }

  static constexpr std::uint32_t kConstantTag = 0x80000000u;

 private:
  std::uint32_t op(std::uint8_t code, std::uint32_t a, std::uint32_t b = 0) {
    const auto dst = static_cast<std::uint32_t>(kTempTag | code_.size());
    code_.push_back({code, dst, a, b});
    return dst;
  }

  std::uint32_t lower(const Expr& e) {
    switch (e.op()) {
      case Op::constant: return constant_register(e.value());
      case Op::variable: throw_usage("variable '{}' has no value", e.name());
      case Op::add: return lower_sum(e);
      case Op::mul: return lower_product(e);
      case Op::pow: return lower_power(e.args()[0], e.args()[1]);
      case Op::min:
      case Op::max: return op(code_of(e.op()), emit(e.args()[0]), emit(e.args()[1]));
      default: return op(code_of(e.op()), emit(e.args()[0]));
    }
  }

  // Positive terms added, negative ones subtracted (no multiplications by -1).
  std::uint32_t lower_sum(const Expr& e) {
    std::vector<Expr> positive, negative;
    for (const Expr& t : e.args()) {
      auto [c, m] = detail::split_coefficient(t);
      if (c < 0) {
        negative.push_back(product({constant(-c), m}));
      } else {
        positive.push_back(t);
      }
    }
    std::uint32_t acc;
    if (positive.empty()) {
      acc = op(kNeg, emit(negative[0]));
      negative.erase(negative.begin());
    } else {
      acc = emit(positive[0]);
      for (std::size_t i = 1; i < positive.size(); ++i) acc = op(kAdd, acc, emit(positive[i]));
    }
    for (const Expr& t : negative) acc = op(kSub, acc, emit(t));
    return acc;
  }

  // Numerator factors multiplied, negative powers divided, the coefficient applied last.
  std::uint32_t lower_product(const Expr& e) {
    auto [c, m] = detail::split_coefficient(e);
    std::vector<Expr> numerator, denominator;
    const auto factors = m.op() == Op::mul ? m.args() : std::span<const Expr>(&m, 1);
    for (const Expr& f : factors) {
      if (f.op() == Op::pow && f.args()[1].is_constant() && f.args()[1].value() < 0) {
        denominator.push_back(power(f.args()[0], constant(-f.args()[1].value())));
      } else {
        numerator.push_back(f);
      }
    }
    std::uint32_t acc = 0;
    bool have = false;
    for (const Expr& f : numerator) {
      acc = have ? op(kMul, acc, emit(f)) : emit(f);
      have = true;
    }
    if (!denominator.empty()) {
      Expr den = denominator.size() == 1 ? denominator[0] : product(denominator);
      keep_.push_back(den);
      if (!have) {
        acc = op(kDiv, constant_register(c), emit(den));
        return acc;
      }
      acc = op(kDiv, acc, emit(den));
    }
    if (c == -1.0) return op(kNeg, acc);
    if (c != 1.0) return op(kMul, constant_register(c), acc);
    return acc;
  }

  // Small integer powers by repeated squaring; x^-n as 1/x^n; others by pow().
  std::uint32_t lower_power(const Expr& base, const Expr& exponent) {
    if (exponent.is_constant()) {
      const double n = exponent.value();
      if (n == std::round(n) && std::fabs(n) <= 64) {
        std::uint32_t r = integer_power(emit(base), static_cast<int>(std::fabs(n)));
        return n < 0 ? op(kDiv, constant_register(1.0), r) : r;
      }
    }
    return op(kPow, emit(base), emit(exponent));
  }

  std::uint32_t integer_power(std::uint32_t x, int n) {
    if (n == 0) return constant_register(1.0);
    if (n == 1) return x;
    const std::uint32_t half = integer_power(x, n / 2);
    const std::uint32_t sq = op(kSquare, half);
    return n % 2 == 1 ? op(kMul, sq, x) : sq;
  }

 public:
  static constexpr std::uint32_t kTempTag = 0x40000000u;

 private:
  std::vector<Program::Instruction>& code_;
  std::vector<double>& constants_;
  std::unordered_map<const Node*, std::uint32_t> register_of_;
  std::unordered_map<std::uint64_t, std::uint32_t> constant_of_;
  std::vector<Expr> keep_;  // keeps compiled nodes alive so their addresses stay unique
};

}  // namespace

Program Program::compile(const Expr& f, std::vector<std::string> vars, Derivatives d) {
  for (const std::string& name : symbolic::variables(f)) {
    if (std::find(vars.begin(), vars.end(), name) == vars.end()) {
      throw_usage("variable '{}' has no value", name);
    }
  }
  Program p;
  p.vars_ = std::move(vars);
  p.derivatives_ = d;
  std::vector<double> constants;
  Compiler compiler(p.vars_, p.code_, constants);
  std::vector<std::uint32_t*> outputs;

  p.value_reg_ = compiler.emit(f);
  p.end_value_ = p.end_grad_ = p.end_hessian_ = p.code_.size();
  const std::size_t n = p.vars_.size();
  if (d == Derivatives::hessian) check_hessian_size(n);
  if (d != Derivatives::none) {
    DiffBudget budget;  // the gradient and the Hessian together
    p.grad_regs_.resize(n);
    const std::vector<Expr> grad = gradient(f, p.vars_, budget);
    for (std::size_t i = 0; i < n; ++i) p.grad_regs_[i] = compiler.emit(grad[i]);
    p.end_grad_ = p.end_hessian_ = p.code_.size();
    if (d == Derivatives::hessian) {
      p.hessian_regs_.resize(n * n);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i; j < n; ++j) {
          const std::uint32_t r = compiler.emit(diff(grad[i], p.vars_[j], budget));
          p.hessian_regs_[i * n + j] = p.hessian_regs_[j * n + i] = r;
        }
      }
      p.end_hessian_ = p.code_.size();
    }
  }

  // Final register numbering: variables, constants, then instruction results.
  const auto first_temp = static_cast<std::uint32_t>(n + constants.size());
  auto resolve = [&](std::uint32_t r) -> std::uint32_t {
    if (r & Compiler::kConstantTag) return static_cast<std::uint32_t>(n) + (r & ~Compiler::kConstantTag);
    if (r & Compiler::kTempTag) return first_temp + (r & ~Compiler::kTempTag);
    return r;
  };
  for (Instruction& ins : p.code_) {
    ins.dst = resolve(ins.dst);
    ins.a = resolve(ins.a);
    ins.b = resolve(ins.b);
  }
  p.value_reg_ = resolve(p.value_reg_);
  for (auto& r : p.grad_regs_) r = resolve(r);
  for (auto& r : p.hessian_regs_) r = resolve(r);
  p.regs_.assign(first_temp + p.code_.size(), 0.0);
  std::copy(constants.begin(), constants.end(), p.regs_.begin() + static_cast<std::ptrdiff_t>(n));
  return p;
}

// Direct-threaded dispatch (GCC/Clang labels as values): each handler jumps straight to the
// next one, which predicts far better than one shared switch. Handlers follow enum Code.
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wgnu-label-as-value"
#endif
void Program::run(std::size_t end) {
  static const void* const kHandlers[] = {
      &&add, &&sub, &&mul, &&div, &&neg, &&square, &&other, &&other, &&other, &&other,
      &&other, &&other, &&other, &&other, &&other, &&other, &&other, &&other, &&other,
      &&other, &&other, &&other, &&other, &&other, &&other};
  static_assert(sizeof(kHandlers) / sizeof(kHandlers[0]) == kMax_ + 1);
  if (end == 0) return;
  double* r = regs_.data();
  const Instruction* in = code_.data();
  const Instruction* const last = in + end;
#define DESCENT_NEXT \
  if (++in == last) return; \
  goto* kHandlers[in->code]
  goto* kHandlers[in->code];
add:
  r[in->dst] = r[in->a] + r[in->b];
  DESCENT_NEXT;
sub:
  r[in->dst] = r[in->a] - r[in->b];
  DESCENT_NEXT;
mul:
  r[in->dst] = r[in->a] * r[in->b];
  DESCENT_NEXT;
div:
  r[in->dst] = r[in->a] / r[in->b];
  DESCENT_NEXT;
neg:
  r[in->dst] = -r[in->a];
  DESCENT_NEXT;
square:
  r[in->dst] = r[in->a] * r[in->a];
  DESCENT_NEXT;
other:
  r[in->dst] = apply(in->code, r[in->a], r[in->b]);
  DESCENT_NEXT;
#undef DESCENT_NEXT
}
#pragma GCC diagnostic pop
#else
void Program::run(std::size_t end) {
  double* r = regs_.data();
  for (std::size_t i = 0; i < end; ++i) {
    const Instruction& in = code_[i];
    r[in.dst] = apply(in.code, r[in.a], r[in.b]);
  }
}
#endif

double Program::interpret_value(const double* x) {
  std::copy(x, x + dim(), regs_.begin());
  run(end_value_);
  return regs_[value_reg_];
}

double Program::interpret_value_grad(const double* x, double* grad) {
  if (derivatives_ == Derivatives::none) {
    throw_usage("this program was compiled without derivatives");
  }
  double* r = regs_.data();
  const std::size_t n = dim();
  for (std::size_t i = 0; i < n; ++i) r[i] = x[i];  // no memmove call for a few coordinates
  run(end_grad_);
  for (std::size_t i = 0; i < n; ++i) grad[i] = r[grad_regs_[i]];
  return r[value_reg_];
}

double Program::interpret_value_grad_hessian(const double* x, double* grad,
                                             double* hess) {
  if (derivatives_ != Derivatives::hessian) {
    throw_usage("this program was compiled without the Hessian");
  }
  std::copy(x, x + dim(), regs_.begin());
  run(end_hessian_);
  for (std::size_t i = 0; i < dim(); ++i) grad[i] = regs_[grad_regs_[i]];
  for (std::size_t k = 0; k < dim() * dim(); ++k) hess[k] = regs_[hessian_regs_[k]];
  return regs_[value_reg_];
}

void Program::run_block(std::size_t end, std::size_t lanes) {
  double* r = block_regs_.data();
  for (std::size_t i = 0; i < end; ++i) {
    const Instruction& in = code_[i];
    // dst is a fresh register, never an operand: no aliasing, so the lane loops vectorize.
    double* __restrict dst = r + in.dst * kBlock;
    const double* __restrict a = r + in.a * kBlock;
    const double* __restrict b = r + in.b * kBlock;
    switch (in.code) {
      case kAdd: for (std::size_t l = 0; l < lanes; ++l) dst[l] = a[l] + b[l]; break;
      case kSub: for (std::size_t l = 0; l < lanes; ++l) dst[l] = a[l] - b[l]; break;
      case kMul: for (std::size_t l = 0; l < lanes; ++l) dst[l] = a[l] * b[l]; break;
      case kDiv: for (std::size_t l = 0; l < lanes; ++l) dst[l] = a[l] / b[l]; break;
      case kSquare: for (std::size_t l = 0; l < lanes; ++l) dst[l] = a[l] * a[l]; break;
      default:
        for (std::size_t l = 0; l < lanes; ++l) dst[l] = apply(in.code, a[l], b[l]);
        break;
    }
  }
}

void Program::values(const double* points, std::size_t n, double* out, double* grads) {
  if (grads && derivatives_ == Derivatives::none) {
    throw_usage("this program was compiled without derivatives");
  }
  const std::size_t d = dim();
  if (native_value_) {
    // Native code one point at a time beats the blocked interpreter (bench: BM_CompiledBatch*).
    for (std::size_t i = 0; i < n; ++i) {
      out[i] = grads ? native_grad_(points + i * d, grads + i * d) : native_value_(points + i * d);
    }
    return;
  }
  if (block_regs_.empty()) {
    // Allocated on the first batched call: registers x kBlock lanes, constants broadcast.
    block_regs_.assign(regs_.size() * kBlock, 0.0);
    for (std::size_t r = d; r < regs_.size(); ++r) {
      std::fill_n(block_regs_.begin() + static_cast<std::ptrdiff_t>(r * kBlock), kBlock, regs_[r]);
    }
  }
  const std::size_t end = grads ? end_grad_ : end_value_;
  for (std::size_t start = 0; start < n; start += kBlock) {
    const std::size_t lanes = std::min(kBlock, n - start);
    for (std::size_t l = 0; l < lanes; ++l) {
      for (std::size_t v = 0; v < d; ++v) block_regs_[v * kBlock + l] = points[(start + l) * d + v];
    }
    run_block(end, lanes);
    for (std::size_t l = 0; l < lanes; ++l) out[start + l] = block_regs_[value_reg_ * kBlock + l];
    if (grads) {
      for (std::size_t l = 0; l < lanes; ++l) {
        for (std::size_t v = 0; v < d; ++v) {
          grads[(start + l) * d + v] = block_regs_[grad_regs_[v] * kBlock + l];
        }
      }
    }
  }
}

Program compile_formula(std::string_view text, const std::vector<std::string>& vars,
                        Program::Derivatives d) {
  const Expr f = parse(text);
  for (const std::string& name : variables(f)) {
    if (std::find(vars.begin(), vars.end(), name) == vars.end()) {
      throw_usage("variable '{}' has no value", name);
    }
  }
  return Program::compile(f, vars, d);
}

}  // namespace descent::symbolic
