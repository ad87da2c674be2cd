// Differentiation by the chain rule over the DAG, memoized per node so shared subexpressions
// are differentiated once; the simplifying constructors keep results readable.
#include "descent/symbolic/differentiate.hpp"

#include <unordered_map>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::symbolic {

namespace {

class Differentiator {
 public:
  Differentiator(std::string_view var, DiffBudget& budget) : var_(var), budget_(budget) {}

  Expr d(const Expr& e) {
    if (auto it = memo_.find(e.get()); it != memo_.end()) return it->second;
    Expr result = rule(e);
    memo_.emplace(e.get(), result);
    return result;
  }

 private:
  Expr rule(const Expr& e) {
    switch (e.op()) {
      case Op::constant:
        return constant(0.0);
      case Op::variable: return constant(e.name() == var_ ? 1.0 : 0.0);
      case Op::add: {
        std::vector<Expr> terms;
        for (const Expr& t : e.args()) {
          Expr dt = d(t);
          if (dt.is_constant(0.0)) continue;
          budget_.charge(1);
          terms.push_back(std::move(dt));
        }
        return sum(std::move(terms));
      }
      case Op::mul: {
        // (f1 f2 ... fn)' = sum_i f1 ... fi' ... fn
        // The whole expansion is charged before any of it is built.
        const auto args = e.args();
        std::vector<Expr> derivatives;
        std::size_t nonzero = 0;
        for (const Expr& a : args) {
          derivatives.push_back(d(a));
          if (!derivatives.back().is_constant(0.0)) ++nonzero;
        }
        budget_.charge(nonzero * args.size());
        std::vector<Expr> terms;
        for (std::size_t i = 0; i < args.size(); ++i) {
          if (derivatives[i].is_constant(0.0)) continue;
          std::vector<Expr> factors(args.begin(), args.end());
          factors[i] = derivatives[i];
          terms.push_back(product(std::move(factors)));
        }
        return sum(std::move(terms));
      }
      case Op::pow: return power_rule(e.args()[0], e.args()[1]);
      case Op::min:
      case Op::max: return min_max_rule(e);
      default: {
        const Expr& a = e.args()[0];
        Expr da = d(a);
        if (da.is_constant(0.0)) return constant(0.0);
        budget_.charge(4);
        return product({outer_derivative(e, a), da});
      }
    }
  }

  // (a^b)' = b a^(b-1) a'  when b is constant in var_;  a^b (b' log a + b a'/a) otherwise.
  Expr power_rule(const Expr& a, const Expr& b) {
    Expr da = d(a), db = d(b);
    if (db.is_constant(0.0)) {
      if (da.is_constant(0.0)) return constant(0.0);
      budget_.charge(3);
      return product({b, power(a, b - constant(1.0)), da});
    }
    budget_.charge(8);
    return product({power(a, b), db * call(Op::log, a) + b * da / a});
  }

  // min(a,b) = (a + b - |a - b|)/2, max(a,b) = (a + b + |a - b|)/2, |u|' = sign(u) u'.
  Expr min_max_rule(const Expr& e) {
    const Expr& a = e.args()[0];
    const Expr& b = e.args()[1];
    Expr da = d(a), db = d(b);
    if (da == db) return da;
    budget_.charge(8);
    const Expr half = constant(0.5);
    const Expr s = call(Op::sign, a - b) * (da - db);
    return e.op() == Op::min ? half * (da + db - s) : half * (da + db + s);
  }

  // f'(a) for a call f(a).
  static Expr outer_derivative(const Expr& e, const Expr& a) {
    const Expr one = constant(1.0);
    switch (e.op()) {
      case Op::sin: return call(Op::cos, a);
      case Op::cos: return -call(Op::sin, a);
      case Op::tan: return one + power(e, constant(2.0));
      case Op::asin: return one / call(Op::sqrt, one - power(a, constant(2.0)));
      case Op::acos: return -(one / call(Op::sqrt, one - power(a, constant(2.0))));
      case Op::atan: return one / (one + power(a, constant(2.0)));
      case Op::sinh: return call(Op::cosh, a);
      case Op::cosh: return call(Op::sinh, a);
      case Op::tanh: return one - power(e, constant(2.0));
      case Op::exp: return e;
      case Op::log: return one / a;
      case Op::sqrt: return one / (constant(2.0) * e);
      case Op::abs: return call(Op::sign, a);
      case Op::sigmoid: return e * (one - e);
      case Op::softplus: return call(Op::sigmoid, a);
      default: return constant(0.0);  // sign: 0 away from 0
    }
  }

  std::string_view var_;
  DiffBudget& budget_;
  std::unordered_map<const Node*, Expr> memo_;
};

}  // namespace

void DiffBudget::charge(std::size_t operands) {
  if (operands <= left_) {
    left_ -= operands;
    return;
  }
  throw Error(ErrorCode::bad_input,
              fmt::format("the derivatives of this formula are too large (more than {} operands; "
                          "the product rule expands a product of n factors into n terms of n "
                          "factors); differentiate a smaller formula",
                          limit_));
}

Expr diff(const Expr& f, std::string_view var) {
  DiffBudget budget;
  return diff(f, var, budget);
}

Expr diff(const Expr& f, std::string_view var, DiffBudget& budget) {
  return Differentiator(var, budget).d(f);
}

std::vector<Expr> gradient(const Expr& f, const std::vector<std::string>& vars) {
  DiffBudget budget;
  return gradient(f, vars, budget);
}

std::vector<Expr> gradient(const Expr& f, const std::vector<std::string>& vars,
                           DiffBudget& budget) {
  std::vector<Expr> grad;
  grad.reserve(vars.size());
  for (const auto& v : vars) grad.push_back(diff(f, v, budget));
  return grad;
}

void check_hessian_size(std::size_t n) {
  if (n > kMaxHessianVariables) {
    throw Error(ErrorCode::bad_input,
                fmt::format("a Hessian of {} variables is too large: at most {} (it has n^2 "
                            "entries)",
                            n, kMaxHessianVariables));
  }
}

std::vector<Expr> hessian(const Expr& f, const std::vector<std::string>& vars) {
  const std::size_t n = vars.size();
  check_hessian_size(n);
  DiffBudget budget;
  const std::vector<Expr> grad = gradient(f, vars, budget);
  std::vector<Expr> h(n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i; j < n; ++j) {
      h[i * n + j] = diff(grad[i], vars[j], budget);
      h[j * n + i] = h[i * n + j];
    }
  }
  return h;
}

}  // namespace descent::symbolic
