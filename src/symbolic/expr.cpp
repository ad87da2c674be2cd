// Hash-consed expression nodes and the simplifying constructors (the simplifier lives here:
// every expression is built through these, so every expression is simplified).
#include "descent/symbolic/expr.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "descent/core/error.hpp"
#include "descent/symbolic/evaluate.hpp"
#include "symbolic/detail.hpp"

namespace descent::symbolic {

namespace {

// The intern table: every live node once, found by (op, value, name, argument nodes).
struct InternTable {
  std::mutex mutex;
  std::unordered_multimap<std::size_t, std::weak_ptr<const Node>> nodes;
  std::size_t sweep_at = 4096;
};

InternTable& table() {
  static InternTable instance;
  return instance;
}

std::size_t mix(std::size_t seed, std::size_t value) {
  return seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

bool same_node(const Node& n, Op op, double value, std::string_view name,
               const std::vector<Expr>& args) {
  if (n.op != op || std::bit_cast<std::uint64_t>(n.value) != std::bit_cast<std::uint64_t>(value) ||
      n.name != name || n.args.size() != args.size()) {
    return false;
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!(n.args[i] == args[i])) return false;
  }
  return true;
}

Expr intern(Op op, double value, std::string_view name, std::vector<Expr> args) {
  if (value == 0.0) value = 0.0;  // -0 and 0 are one constant
  if (std::isnan(value)) value = std::numeric_limits<double>::quiet_NaN();
  std::size_t hash = mix(static_cast<std::size_t>(op) + 1, std::bit_cast<std::uint64_t>(value));
  hash = mix(hash, std::hash<std::string_view>{}(name));
  for (const Expr& a : args) hash = mix(hash, a.hash());

  InternTable& t = table();
  std::shared_ptr<const Node> found;
  {
    std::lock_guard lock(t.mutex);
    // Expired entries of this hash are dropped on the way: a node that is built and freed
    // over and over (constant 1) must not leave a growing chain behind.
    auto [it, last] = t.nodes.equal_range(hash);
    while (it != last) {
      auto node = it->second.lock();
      if (!node) {
        it = t.nodes.erase(it);
        continue;
      }
      if (same_node(*node, op, value, name, args)) {
        found = std::move(node);
        break;
      }
      ++it;
    }
    if (!found) {
      auto node = std::make_shared<Node>();
      node->op = op;
      node->value = value;
      node->name = std::string(name);
      node->args = std::move(args);
      node->hash = hash;
      for (const Expr& a : node->args) node->height = std::max(node->height, a.get()->height + 1);
      found = node;
      t.nodes.emplace(hash, found);
      if (t.nodes.size() > t.sweep_at) {
        std::erase_if(t.nodes, [](const auto& entry) { return entry.second.expired(); });
        t.sweep_at = std::max<std::size_t>(4096, 2 * t.nodes.size());
      }
    }
  }
  return Expr(std::move(found));
}

bool is_integer(double v) { return std::isfinite(v) && v == std::round(v); }

// c * m for a monomial m without a numeric coefficient (already canonical).
Expr scaled(double c, const Expr& m) {
  if (c == 1.0) return m;
  std::vector<Expr> factors;
  factors.reserve(m.op() == Op::mul ? m.args().size() + 1 : 2);
  factors.push_back(constant(c));
  if (m.op() == Op::mul) {
    factors.insert(factors.end(), m.args().begin(), m.args().end());
  } else {
    factors.push_back(m);
  }
  return intern(Op::mul, 0.0, "", std::move(factors));
}

double fold_call(Op op, double a) { return detail::apply_call<double>(op, a); }

}  // namespace

namespace detail {

Split split_coefficient(const Expr& e) {
  if (e.is_constant()) return {e.value(), constant(1.0)};
  if (e.op() == Op::mul && e.args()[0].is_constant()) {
    auto rest = e.args().subspan(1);
    if (rest.size() == 1) return {e.args()[0].value(), rest[0]};
    return {e.args()[0].value(), intern(Op::mul, 0.0, "", {rest.begin(), rest.end()})};
  }
  return {1.0, e};
}

PowerSplit split_power(const Expr& e) {
  if (e.op() == Op::pow) return {e.args()[0], e.args()[1]};
  return {e, constant(1.0)};
}

double degree(const Expr& e) {
  switch (e.op()) {
    case Op::constant: return 0.0;
    case Op::pow:
      return e.args()[1].is_constant() && std::isfinite(e.args()[1].value())
                 ? (e.args()[0].op() == Op::constant ? 0.0 : e.args()[1].value())
                 : 1.0;
    case Op::mul: {
      double d = 0.0;
      for (const Expr& a : e.args()) {
        if (a.op() == Op::pow || a.op() == Op::constant) {
          d += degree(a);
        } else {
          d += 1.0;
        }
      }
      return d;
    }
    default: return 1.0;
  }
}

bool term_before(const Expr& a, const Expr& b) {
  const double da = degree(split_coefficient(a).rest);
  const double db = degree(split_coefficient(b).rest);
  if (da != db) return da > db;
  return compare(a, b) < 0;
}

}  // namespace detail

namespace {

int base_rank(Op op) {
  switch (op) {
    case Op::constant: return 0;
    case Op::variable: return 1;
    case Op::mul: return 3;
    case Op::add: return 4;
    case Op::pow: return 5;
    default: return 2;  // calls
  }
}

int compare_list(std::span<const Expr> a, std::span<const Expr> b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (int c = compare(a[i], b[i]); c != 0) return c;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

int compare_base(const Expr& a, const Expr& b) {
  if (a == b) return 0;
  const int ra = base_rank(a.op()), rb = base_rank(b.op());
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.op()) {
    case Op::constant: return a.value() < b.value() ? -1 : (a.value() > b.value() ? 1 : 0);
    case Op::variable: return a.name().compare(b.name()) < 0 ? -1 : 1;
    default:
      if (a.op() != b.op()) return a.op() < b.op() ? -1 : 1;
      // Shorter trees first: decides nested calls like sin(sin(x)) vs sin(x) without a walk.
      if (a.get()->height != b.get()->height) return a.get()->height < b.get()->height ? -1 : 1;
      return compare_list(a.args(), b.args());
  }
}

int compare_factor(const Expr& a, const Expr& b) {
  const auto pa = detail::split_power(a), pb = detail::split_power(b);
  if (int c = compare_base(pa.base, pb.base); c != 0) return c;
  return compare_base(pa.exponent, pb.exponent);
}

std::span<const Expr> factors_of(const Expr& e, Expr& single) {
  if (e.op() == Op::mul) {
    auto args = e.args();
    return args[0].is_constant() ? args.subspan(1) : args;
  }
  if (e.is_constant()) return {};
  single = e;
  return {&single, 1};
}

}  // namespace

int compare(const Expr& a, const Expr& b) {
  if (a == b) return 0;
  Expr single_a, single_b;
  const auto fa = factors_of(a, single_a), fb = factors_of(b, single_b);
  for (std::size_t i = 0; i < fa.size() && i < fb.size(); ++i) {
    if (int c = compare_factor(fa[i], fb[i]); c != 0) return c;
  }
  if (fa.size() != fb.size()) return fa.size() < fb.size() ? -1 : 1;
  const double ca = detail::split_coefficient(a).coefficient;
  const double cb = detail::split_coefficient(b).coefficient;
  if (ca != cb) return ca < cb ? -1 : 1;
  return a.hash() < b.hash() ? -1 : (a.hash() > b.hash() ? 1 : 0);
}

Expr::Expr() : Expr(constant(0.0)) {}

Expr constant(double value) { return intern(Op::constant, value, "", {}); }

Expr variable(std::string_view name) { return intern(Op::variable, 0.0, name, {}); }

Expr sum(std::vector<Expr> terms) {
  std::vector<Expr> flat;
  flat.reserve(terms.size());
  for (Expr& t : terms) {
    if (t.op() == Op::add) {
      flat.insert(flat.end(), t.args().begin(), t.args().end());
    } else {
      flat.push_back(std::move(t));
    }
  }
  // Collect like terms: c1*m + c2*m = (c1 + c2)*m, constants summed.
  double k = 0.0;
  std::vector<std::pair<Expr, double>> monomials;
  std::unordered_map<const Node*, std::size_t> index;
  for (const Expr& t : flat) {
    if (t.is_constant()) {
      k += t.value();
      continue;
    }
    auto [c, m] = detail::split_coefficient(t);
    auto [it, added] = index.emplace(m.get(), monomials.size());
    if (added) {
      monomials.emplace_back(m, c);
    } else {
      monomials[it->second].second += c;
    }
  }
  std::vector<Expr> out;
  for (const auto& [m, c] : monomials) {
    if (c != 0.0) out.push_back(scaled(c, m));
  }
  if (k != 0.0 || std::isnan(k)) out.push_back(constant(k));
  if (out.empty()) return constant(0.0);
  if (out.size() == 1) return out[0];
  std::sort(out.begin(), out.end(), detail::term_before);
  return intern(Op::add, 0.0, "", std::move(out));
}

Expr product(std::vector<Expr> factors) {
  std::vector<Expr> flat;
  flat.reserve(factors.size());
  for (Expr& f : factors) {
    if (f.op() == Op::mul) {
      flat.insert(flat.end(), f.args().begin(), f.args().end());
    } else {
      flat.push_back(std::move(f));
    }
  }
  // Collect powers: b^e1 * b^e2 = b^(e1 + e2); numbers multiplied.
  double c = 1.0;
  std::vector<std::pair<Expr, std::vector<Expr>>> bases;
  std::unordered_map<const Node*, std::size_t> index;
  for (const Expr& f : flat) {
    if (f.is_constant()) {
      c *= f.value();
      continue;
    }
    auto [base, exponent] = detail::split_power(f);
    auto [it, added] = index.emplace(base.get(), bases.size());
    if (added) {
      bases.push_back({base, {exponent}});
    } else {
      bases[it->second].second.push_back(exponent);
    }
  }
  std::vector<Expr> out;
  for (auto& [base, exponents] : bases) {
    Expr p = exponents.size() == 1 ? power(base, exponents[0]) : power(base, sum(exponents));
    if (p.is_constant()) {
      c *= p.value();
    } else if (p.op() == Op::mul) {
      for (const Expr& a : p.args()) {
        if (a.is_constant()) {
          c *= a.value();
        } else {
          out.push_back(a);
        }
      }
    } else {
      out.push_back(p);
    }
  }
  if (c == 0.0) return constant(0.0);
  if (out.empty()) return constant(c);
  // A number times one sum distributes: 2*(x + 1) = 2*x + 2, -(a - b) = b - a.
  if (out.size() == 1 && out[0].op() == Op::add && c != 1.0 && std::isfinite(c)) {
    std::vector<Expr> terms;
    for (const Expr& t : out[0].args()) terms.push_back(product({constant(c), t}));
    return sum(std::move(terms));
  }
  std::sort(out.begin(), out.end(),
            [](const Expr& a, const Expr& b) { return compare_factor(a, b) < 0; });
  if (c == 1.0 && out.size() == 1) return out[0];
  if (c != 1.0) out.insert(out.begin(), constant(c));
  return intern(Op::mul, 0.0, "", std::move(out));
}

Expr power(const Expr& base, const Expr& exponent) {
  if (exponent.is_constant(0.0)) return constant(1.0);
  if (exponent.is_constant(1.0)) return base;
  if (base.is_constant(1.0)) return constant(1.0);
  if (base.is_constant() && exponent.is_constant()) {
    const double v = std::pow(base.value(), exponent.value());
    if (std::isfinite(v)) return constant(v);
    return intern(Op::pow, 0.0, "", {base, exponent});
  }
  if (exponent.is_constant()) {
    const double n = exponent.value();
    if (n == 0.5) return call(Op::sqrt, base);
    if (n == -0.5) return power(call(Op::sqrt, base), constant(-1.0));
    if (is_integer(n)) {
      // (b^e)^n = b^(e*n) and (a*b)^n = a^n * b^n for integer n.
      if (base.op() == Op::pow) return power(base.args()[0], product({base.args()[1], exponent}));
      if (base.op() == Op::mul) {
        std::vector<Expr> factors;
        for (const Expr& f : base.args()) factors.push_back(power(f, exponent));
        return product(std::move(factors));
      }
      const bool even = std::fmod(n, 2.0) == 0.0;
      if (even && base.op() == Op::sqrt) return power(base.args()[0], constant(n / 2));
      if (even && base.op() == Op::abs) return power(base.args()[0], exponent);
    }
  }
  return intern(Op::pow, 0.0, "", {base, exponent});
}

Expr call(Op op, const Expr& arg) {
  if (!is_unary_call(op)) throw Error(ErrorCode::internal, "call: not a unary function");
  if (arg.is_constant()) {
    const double v = fold_call(op, arg.value());
    if (std::isfinite(v)) return constant(v);
  }
  if (op == Op::abs) {
    if (arg.op() == Op::abs) return arg;
    auto [c, m] = detail::split_coefficient(arg);
    if (c < 0) return product({constant(-c), call(Op::abs, m)});
  }
  if (op == Op::sqrt && arg.op() == Op::pow && arg.args()[1].is_constant(2.0)) {
    return call(Op::abs, arg.args()[0]);
  }
  if (op == Op::log && arg.op() == Op::exp) return arg.args()[0];
  if (op == Op::sign && arg.op() == Op::sign) return arg;
  return intern(op, 0.0, "", {arg});
}

Expr call(Op op, const Expr& a, const Expr& b) {
  if (op == Op::pow) return power(a, b);
  if (op != Op::min && op != Op::max) throw Error(ErrorCode::internal, "call: not min or max");
  if (a.is_constant() && b.is_constant()) {
    return constant(op == Op::min ? detail::min(a.value(), b.value())
                                  : detail::max(a.value(), b.value()));
  }
  if (a == b) return a;
  if (compare(b, a) < 0) return intern(op, 0.0, "", {b, a});
  return intern(op, 0.0, "", {a, b});
}

Expr operator+(const Expr& a, const Expr& b) { return sum({a, b}); }
Expr operator-(const Expr& a, const Expr& b) { return sum({a, product({constant(-1.0), b})}); }
Expr operator*(const Expr& a, const Expr& b) { return product({a, b}); }
Expr operator/(const Expr& a, const Expr& b) { return product({a, power(b, constant(-1.0))}); }
Expr operator-(const Expr& a) { return product({constant(-1.0), a}); }

std::string_view op_name(Op op) {
  switch (op) {
    case Op::sin: return "sin";
    case Op::cos: return "cos";
    case Op::tan: return "tan";
    case Op::asin: return "asin";
    case Op::acos: return "acos";
    case Op::atan: return "atan";
    case Op::sinh: return "sinh";
    case Op::cosh: return "cosh";
    case Op::tanh: return "tanh";
    case Op::exp: return "exp";
    case Op::log: return "log";
    case Op::sqrt: return "sqrt";
    case Op::abs: return "abs";
    case Op::sigmoid: return "sigmoid";
    case Op::softplus: return "softplus";
    case Op::sign: return "sign";
    case Op::min: return "min";
    case Op::max: return "max";
    default: return "";
  }
}

bool is_unary_call(Op op) { return op >= Op::sin && op <= Op::sign; }

namespace {

void collect_variables(const Expr& e, std::unordered_set<const Node*>& seen,
                       std::vector<std::string>& names) {
  if (!seen.insert(e.get()).second) return;
  if (e.op() == Op::variable) {
    names.push_back(e.name());
    return;
  }
  for (const Expr& a : e.args()) collect_variables(a, seen, names);
}

}  // namespace

std::vector<std::string> variables(const Expr& f) {
  std::unordered_set<const Node*> seen;
  std::vector<std::string> names;
  collect_variables(f, seen, names);
  return names;
}

std::size_t node_count(const Expr& f) {
  std::unordered_set<const Node*> seen;
  std::vector<Expr> stack{f};
  while (!stack.empty()) {
    Expr e = stack.back();
    stack.pop_back();
    if (!seen.insert(e.get()).second) continue;
    for (const Expr& a : e.args()) stack.push_back(a);
  }
  return seen.size();
}

}  // namespace descent::symbolic
