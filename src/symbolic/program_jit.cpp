// Program::jit(): native code for a compiled Program through libgccjit. The instruction list is
// already straight-line code (CSE and folding done), so each entry point becomes one C function
// with one local per register and one assignment per instruction, math functions as GCC
// builtins, at -O2 with -ffp-contract=off (no a*b+c fused into an FMA the interpreter does not
// do), so native and interpreted results agree bit for bit. libgccjit is loaded on the first
// jit() (dlopen), not linked: the descent binary starts as fast without it (its relocations
// cost ~4 ms per process) and still runs where it is missing.
#include "descent/symbolic/program.hpp"

#include <dlfcn.h>
#include <signal.h>

#include <array>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "symbolic/program_ops.hpp"

#ifdef DESCENT_GCCJIT_HEADER
#include DESCENT_GCCJIT_HEADER
#endif

#if defined(__SANITIZE_ADDRESS__)
#define DESCENT_JIT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DESCENT_JIT_ASAN 1
#endif
#endif
#ifdef DESCENT_JIT_ASAN
#include <sanitizer/lsan_interface.h>
#endif

namespace descent::symbolic {

#ifdef DESCENT_GCCJIT_HEADER

namespace {

using namespace detail;  // Code, apply, is_binary

// The libgccjit functions used here, loaded by name from libgccjit.so.0.
#define DESCENT_GCCJIT_FUNCTIONS(X)                                                               \
  X(block_add_assignment) X(block_end_with_conditional) X(block_end_with_jump)                   \
  X(block_end_with_return) X(context_acquire) X(context_add_command_line_option)                 \
  X(context_compile) X(context_get_builtin_function) X(context_get_first_error)                  \
  X(context_get_type) X(context_new_array_access) X(context_new_binary_op) X(context_new_call)   \
  X(context_new_comparison) X(context_new_function) X(context_new_param)                        \
  X(context_new_rvalue_from_double) X(context_new_rvalue_from_int) X(context_new_unary_op)      \
  X(context_release) X(context_set_int_option) X(function_new_block) X(function_new_local)      \
  X(lvalue_as_rvalue) X(param_as_rvalue) X(result_get_code) X(result_release)                   \
  X(type_get_const) X(type_get_pointer)

struct GccJit {
#define DESCENT_GCCJIT_MEMBER(name) decltype(&::gcc_jit_##name) name = nullptr;
  DESCENT_GCCJIT_FUNCTIONS(DESCENT_GCCJIT_MEMBER)
#undef DESCENT_GCCJIT_MEMBER
};

// libgccjit runs GCC in-process, and GCC never frees what one compilation allocates:
// LeakSanitizer would report those blocks (not ours) at exit. Allocations made while one of
// these lives are not reported.
struct IgnoreLeaksOfGcc {
#ifdef DESCENT_JIT_ASAN
  IgnoreLeaksOfGcc() { __lsan_disable(); }
  ~IgnoreLeaksOfGcc() { __lsan_enable(); }
  IgnoreLeaksOfGcc(const IgnoreLeaksOfGcc&) = delete;
  IgnoreLeaksOfGcc& operator=(const IgnoreLeaksOfGcc&) = delete;
#endif
};

// libgccjit runs GCC's driver in-process, and the driver installs its own handlers for SIGINT,
// SIGHUP, SIGTERM and SIGPIPE (which delete its temporary files and kill the process) and resets
// SIGCHLD. A host with handlers of its own (Python's KeyboardInterrupt) keeps them: they are
// saved before compiling and put back afterwards.
class KeepSignalHandlers {
 public:
  KeepSignalHandlers() {
    for (std::size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], nullptr, &saved_[i]);
  }
  ~KeepSignalHandlers() {
    for (std::size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &saved_[i], nullptr);
  }
  KeepSignalHandlers(const KeepSignalHandlers&) = delete;
  KeepSignalHandlers& operator=(const KeepSignalHandlers&) = delete;

 private:
  static constexpr std::array<int, 5> kSignals{SIGINT, SIGHUP, SIGTERM, SIGPIPE, SIGCHLD};
  std::array<struct sigaction, kSignals.size()> saved_{};
};

// libgccjit's functions, or nullptr when libgccjit.so.0 cannot be loaded (kept loaded).
const GccJit* load_gccjit() {
  static const GccJit* const loaded = []() -> const GccJit* {
    [[maybe_unused]] const IgnoreLeaksOfGcc while_loading;
    void* library = dlopen("libgccjit.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!library) return nullptr;
    static GccJit api;
    bool complete = true;
#define DESCENT_GCCJIT_LOAD(name)                                                       \
  api.name = reinterpret_cast<decltype(api.name)>(dlsym(library, "gcc_jit_" #name)); \
  complete = complete && api.name != nullptr;
    DESCENT_GCCJIT_FUNCTIONS(DESCENT_GCCJIT_LOAD)
#undef DESCENT_GCCJIT_LOAD
    return complete ? &api : nullptr;
  }();
  return loaded;
}

// Only called after load_gccjit() succeeded (in jit()).
const GccJit& gccjit() { return *load_gccjit(); }

const char* builtin_name(std::uint8_t code) {
  switch (code) {
    case kPow:
      return "pow";
    case kSin:
      return "sin";
    case kCos:
      return "cos";
    case kTan:
      return "tan";
    case kAsin:
      return "asin";
    case kAcos:
      return "acos";
    case kAtan:
      return "atan";
    case kSinh:
      return "sinh";
    case kCosh:
      return "cosh";
    case kTanh:
      return "tanh";
    case kExp:
      return "exp";
    case kLog:
      return "log";
    case kSqrt:
      return "sqrt";
    case kAbs:
      return "fabs";
    default:
      return nullptr;
  }
}

// What the generator needs of a Program: its instructions, the register file with constants
// preloaded, and which registers are known before any x (constants and instructions over them,
// computed here with the interpreter's own apply so that they too agree bit for bit).
struct Source {
  const std::vector<Program::Instruction>& code;
  std::size_t dim;
  std::vector<double> known_value;
  std::vector<bool> known;
};

// Emits one function: parameters x [, grad [, hess]], registers as locals.
class Emitter {
 public:
  Emitter(gcc_jit_context* ctxt, const Source& source) : ctxt_(ctxt), source_(source) {
    double_ = gccjit().context_get_type(ctxt_, GCC_JIT_TYPE_DOUBLE);
    int_ = gccjit().context_get_type(ctxt_, GCC_JIT_TYPE_INT);
  }

  // double name(const double* x [, double* grad [, double* hess]]): runs instructions
  // [0, end), stores the registers `grad_regs` into grad and `hess_regs` into hess, returns
  // register `value_reg`.
  void function(const char* name, std::size_t end, std::uint32_t value_reg,
                const std::vector<std::uint32_t>* grad_regs,
                const std::vector<std::uint32_t>* hess_regs) {
    std::vector<gcc_jit_param*> params;
    gcc_jit_type* in_type = gccjit().type_get_pointer(gccjit().type_get_const(double_));
    gcc_jit_type* out_type = gccjit().type_get_pointer(double_);
    params.push_back(gccjit().context_new_param(ctxt_, nullptr, in_type, "x"));
    if (grad_regs) params.push_back(gccjit().context_new_param(ctxt_, nullptr, out_type, "grad"));
    if (hess_regs) params.push_back(gccjit().context_new_param(ctxt_, nullptr, out_type, "hess"));
    fn_ = gccjit().context_new_function(ctxt_, nullptr, GCC_JIT_FUNCTION_EXPORTED, double_, name,
                                       static_cast<int>(params.size()), params.data(), 0);
    block_ = gccjit().function_new_block(fn_, "entry");
    regs_.assign(source_.known.size(), nullptr);
    for (std::size_t r = 0; r < regs_.size(); ++r) {
      if (source_.known[r]) regs_[r] = number(source_.known_value[r]);
    }
    gcc_jit_rvalue* x = gccjit().param_as_rvalue(params[0]);
    for (std::size_t i = 0; i < source_.dim; ++i) {
      gcc_jit_lvalue* local = new_local(i);
      gcc_jit_rvalue* xi = gccjit().lvalue_as_rvalue(element(x, i));
      gccjit().block_add_assignment(block_, nullptr, local, xi);
      regs_[i] = gccjit().lvalue_as_rvalue(local);
    }
    for (std::size_t i = 0; i < end; ++i) {
      const Program::Instruction& in = source_.code[i];
      if (!source_.known[in.dst]) instruction(in);
    }
    store(params, 1, grad_regs);
    store(params, 2, hess_regs);
    gccjit().block_end_with_return(block_, nullptr, regs_[value_reg]);
  }

 private:
  gcc_jit_rvalue* number(double v) {
    return gccjit().context_new_rvalue_from_double(ctxt_, double_, v);
  }

  gcc_jit_lvalue* new_local(std::size_t reg) {
    return gccjit().function_new_local(fn_, nullptr, double_, fmt::format("r{}", reg).c_str());
  }

  gcc_jit_lvalue* element(gcc_jit_rvalue* array, std::size_t i) {
    return gccjit().context_new_array_access(
        ctxt_, nullptr, array,
        gccjit().context_new_rvalue_from_int(ctxt_, int_, static_cast<int>(i)));
  }

  void store(const std::vector<gcc_jit_param*>& params, std::size_t which,
             const std::vector<std::uint32_t>* regs) {
    if (!regs) return;
    gcc_jit_rvalue* out = gccjit().param_as_rvalue(params[which]);
    for (std::size_t k = 0; k < regs->size(); ++k) {
      gccjit().block_add_assignment(block_, nullptr, element(out, k), regs_[(*regs)[k]]);
    }
  }

  gcc_jit_rvalue* binary(gcc_jit_binary_op op, gcc_jit_rvalue* a, gcc_jit_rvalue* b) {
    return gccjit().context_new_binary_op(ctxt_, nullptr, op, double_, a, b);
  }
  gcc_jit_rvalue* compare(gcc_jit_comparison op, gcc_jit_rvalue* a, gcc_jit_rvalue* b) {
    return gccjit().context_new_comparison(ctxt_, nullptr, op, a, b);
  }
  gcc_jit_rvalue* call(const char* builtin, gcc_jit_rvalue* a, gcc_jit_rvalue* b = nullptr) {
    gcc_jit_function* f = gccjit().context_get_builtin_function(ctxt_, builtin);
    gcc_jit_rvalue* args[2] = {a, b};
    return gccjit().context_new_call(ctxt_, nullptr, f, b ? 2 : 1, args);
  }
  gcc_jit_rvalue* is_nan(gcc_jit_rvalue* a) { return compare(GCC_JIT_COMPARISON_NE, a, a); }
  gcc_jit_rvalue* negate(gcc_jit_rvalue* a) {
    return gccjit().context_new_unary_op(ctxt_, nullptr, GCC_JIT_UNARY_OP_MINUS, double_, a);
  }

  // if (cond) { *then_block } else { *else_block }: the caller fills both, then calls join().
  struct Branch {
    gcc_jit_block *yes, *no, *after;
  };
  Branch branch(gcc_jit_rvalue* cond) {
    Branch b{gccjit().function_new_block(fn_, nullptr), gccjit().function_new_block(fn_, nullptr),
             gccjit().function_new_block(fn_, nullptr)};
    gccjit().block_end_with_conditional(block_, nullptr, cond, b.yes, b.no);
    return b;
  }
  void join(const Branch& b) {
    gccjit().block_end_with_jump(b.yes, nullptr, b.after);
    gccjit().block_end_with_jump(b.no, nullptr, b.after);
    block_ = b.after;
  }
  // if (cond) target = value;
  void assign_if(gcc_jit_rvalue* cond, gcc_jit_lvalue* target, gcc_jit_rvalue* value) {
    const Branch b = branch(cond);
    gccjit().block_add_assignment(b.yes, nullptr, target, value);
    join(b);
  }

  // One instruction: regs[dst] = op(a, b), written as detail::apply computes it.
  void instruction(const Program::Instruction& in) {
    gcc_jit_lvalue* dst = new_local(in.dst);
    gcc_jit_rvalue* a = regs_[in.a];
    gcc_jit_rvalue* b = is_binary(in.code) ? regs_[in.b] : nullptr;
    switch (in.code) {
      case kSigmoid: sigmoid(dst, a); break;
      case kSoftplus: softplus(dst, a); break;
      case kSign: sign(dst, a); break;
      case kMin:
      case kMax: min_max(in.code, dst, a, b); break;
      default: gccjit().block_add_assignment(block_, nullptr, dst, expression(in.code, a, b));
    }
    regs_[in.dst] = gccjit().lvalue_as_rvalue(dst);
  }

  // The operations without branches: arithmetic, and the math functions as GCC builtins.
  gcc_jit_rvalue* expression(std::uint8_t code, gcc_jit_rvalue* a, gcc_jit_rvalue* b) {
    switch (code) {
      case kAdd: return binary(GCC_JIT_BINARY_OP_PLUS, a, b);
      case kSub: return binary(GCC_JIT_BINARY_OP_MINUS, a, b);
      case kMul: return binary(GCC_JIT_BINARY_OP_MULT, a, b);
      case kDiv: return binary(GCC_JIT_BINARY_OP_DIVIDE, a, b);
      case kSquare: return binary(GCC_JIT_BINARY_OP_MULT, a, a);
      case kNeg: return negate(a);
      default: {
        const char* name = builtin_name(code);
        if (!name) throw Error(ErrorCode::internal, fmt::format("jit: unknown code {}", code));
        return call(name, a, b);
      }
    }
  }

  // x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : x   (detail::sign; NaN stays NaN)
  void sign(gcc_jit_lvalue* dst, gcc_jit_rvalue* a) {
    gccjit().block_add_assignment(block_, nullptr, dst, a);
    assign_if(compare(GCC_JIT_COMPARISON_EQ, a, number(0.0)), dst, number(0.0));
    assign_if(compare(GCC_JIT_COMPARISON_LT, a, number(0.0)), dst, number(-1.0));
    assign_if(compare(GCC_JIT_COMPARISON_GT, a, number(0.0)), dst, number(1.0));
  }

  // NaN in either: a + b; else a < b ? a : b (min), a > b ? a : b (max)   (detail::min, max)
  void min_max(std::uint8_t code, gcc_jit_lvalue* dst, gcc_jit_rvalue* a, gcc_jit_rvalue* b) {
    gccjit().block_add_assignment(block_, nullptr, dst, b);
    assign_if(compare(code == kMin ? GCC_JIT_COMPARISON_LT : GCC_JIT_COMPARISON_GT, a, b), dst, a);
    gcc_jit_rvalue* nan = gccjit().context_new_binary_op(
        ctxt_, nullptr, GCC_JIT_BINARY_OP_LOGICAL_OR,
        gccjit().context_get_type(ctxt_, GCC_JIT_TYPE_BOOL), is_nan(a), is_nan(b));
    assign_if(nan, dst, binary(GCC_JIT_BINARY_OP_PLUS, a, b));
  }

  // x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))   (detail::sigmoid)
  void sigmoid(gcc_jit_lvalue* dst, gcc_jit_rvalue* a) {
    gcc_jit_rvalue* one = number(1.0);
    const Branch b = branch(compare(GCC_JIT_COMPARISON_GE, a, number(0.0)));
    gcc_jit_rvalue* e_neg = call("exp", negate(a));
    gccjit().block_add_assignment(
        b.yes, nullptr, dst,
        binary(GCC_JIT_BINARY_OP_DIVIDE, one, binary(GCC_JIT_BINARY_OP_PLUS, one, e_neg)));
    gccjit().block_add_assignment(b.no, nullptr, dst, call("exp", a));
    gcc_jit_rvalue* ex = gccjit().lvalue_as_rvalue(dst);
    gccjit().block_add_assignment(
        b.no, nullptr, dst,
        binary(GCC_JIT_BINARY_OP_DIVIDE, ex, binary(GCC_JIT_BINARY_OP_PLUS, one, ex)));
    join(b);
  }

  // (x > 0 ? x : 0) + log1p(exp(-|x|))   (detail::softplus)
  void softplus(gcc_jit_lvalue* dst, gcc_jit_rvalue* a) {
    gccjit().block_add_assignment(block_, nullptr, dst, number(0.0));
    assign_if(compare(GCC_JIT_COMPARISON_GT, a, number(0.0)), dst, a);
    gcc_jit_rvalue* tail = call("log1p", call("exp", negate(call("fabs", a))));
    gccjit().block_add_assignment(
        block_, nullptr, dst, binary(GCC_JIT_BINARY_OP_PLUS, gccjit().lvalue_as_rvalue(dst), tail));
  }

  gcc_jit_context* ctxt_;
  const Source& source_;
  gcc_jit_type *double_ = nullptr, *int_ = nullptr;
  gcc_jit_function* fn_ = nullptr;
  gcc_jit_block* block_ = nullptr;
  std::vector<gcc_jit_rvalue*> regs_;  // the current value of each register
};

[[noreturn]] void fail(gcc_jit_context* ctxt, const char* stage) {
  const char* why = gccjit().context_get_first_error(ctxt);
  std::string message =
      fmt::format("jit: libgccjit failed to {}: {}", stage, why ? why : "no message");
  gccjit().context_release(ctxt);
  throw Error(ErrorCode::internal, message);
}

#undef DESCENT_GCCJIT_FUNCTIONS

}  // namespace

bool Program::jit_available() { return load_gccjit() != nullptr; }

bool Program::jit() {
  if (is_native()) return true;
  if (!load_gccjit()) return false;
  Source source{code_, dim(), regs_, std::vector<bool>(regs_.size(), false)};
  const std::size_t first_temp = regs_.size() - code_.size();
  for (std::size_t r = dim(); r < first_temp; ++r) source.known[r] = true;
  for (const Instruction& in : code_) {
    if (source.known[in.a] && (!is_binary(in.code) || source.known[in.b])) {
      source.known_value[in.dst] =
          apply(in.code, source.known_value[in.a], source.known_value[in.b]);
      source.known[in.dst] = true;
    }
  }

  [[maybe_unused]] const IgnoreLeaksOfGcc while_compiling;
  gcc_jit_context* ctxt = gccjit().context_acquire();
  if (!ctxt) throw Error(ErrorCode::internal, "jit: libgccjit could not create a context");
  gccjit().context_set_int_option(ctxt, GCC_JIT_INT_OPTION_OPTIMIZATION_LEVEL, 2);
  gccjit().context_add_command_line_option(ctxt, "-ffp-contract=off");
  gccjit().context_add_command_line_option(ctxt, "-fno-math-errno");
  try {
    Emitter emitter(ctxt, source);
    emitter.function("value", end_value_, value_reg_, nullptr, nullptr);
    if (derivatives_ != Derivatives::none) {
      emitter.function("value_grad", end_grad_, value_reg_, &grad_regs_, nullptr);
    }
    if (derivatives_ == Derivatives::hessian) {
      emitter.function("value_grad_hessian", end_hessian_, value_reg_, &grad_regs_, &hessian_regs_);
    }
  } catch (...) {
    gccjit().context_release(ctxt);
    throw;
  }
  if (gccjit().context_get_first_error(ctxt)) fail(ctxt, "build the code");
  gcc_jit_result* result = nullptr;
  {
    [[maybe_unused]] const KeepSignalHandlers keep_handlers;
    result = gccjit().context_compile(ctxt);
  }
  if (!result) fail(ctxt, "compile");
  gccjit().context_release(ctxt);

  native_code_ = std::shared_ptr<void>(result, [](void* r) {
    [[maybe_unused]] const IgnoreLeaksOfGcc while_releasing;
    gccjit().result_release(static_cast<gcc_jit_result*>(r));
  });
  native_value_ =
      reinterpret_cast<double (*)(const double*)>(gccjit().result_get_code(result, "value"));
  if (derivatives_ != Derivatives::none) {
    native_grad_ = reinterpret_cast<double (*)(const double*, double*)>(
        gccjit().result_get_code(result, "value_grad"));
  }
  if (derivatives_ == Derivatives::hessian) {
    native_hessian_ = reinterpret_cast<double (*)(const double*, double*, double*)>(
        gccjit().result_get_code(result, "value_grad_hessian"));
  }
  return true;
}

#else

bool Program::jit_available() { return false; }

bool Program::jit() { return false; }

#endif

}  // namespace descent::symbolic
