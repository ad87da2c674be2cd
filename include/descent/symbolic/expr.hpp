// Expressions: immutable, hash-consed nodes behind a cheap-to-copy handle. Structurally equal
// expressions share one node, so `a == b` is a pointer comparison and a DAG shares work.
// Example: Expr f = sum({power(variable("x"), constant(2)), constant(3)});  // x^2 + 3
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace descent::symbolic {

// Node kinds. add and mul are n-ary (a - b is add(a, mul(-1, b)); a / b is mul(a, pow(b, -1))).
// sign is internal (the derivative of abs, min and max) but also accepted by the parser.
enum class Op : std::uint8_t {
  constant, variable, add, mul, pow,
  sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, exp, log, sqrt, abs, sigmoid, softplus, sign,
  min, max,
};

// The function name of a call op ("sin", "min", ...); "" for constant/variable/add/mul/pow.
std::string_view op_name(Op op);
// True for sin ... sign (one argument).
bool is_unary_call(Op op);

struct Node;

// A handle to an immutable node; copying shares the node. Default-constructed = constant 0.
class Expr {
 public:
  Expr();
  explicit Expr(std::shared_ptr<const Node> node) : node_(std::move(node)) {}

  Op op() const;
  double value() const;                  // the number of a constant (0 otherwise)
  const std::string& name() const;       // the name of a variable ("" otherwise)
  std::span<const Expr> args() const;    // operands of add/mul/pow/calls
  std::size_t hash() const;
  const Node* get() const { return node_.get(); }

  bool is_constant() const { return op() == Op::constant; }
  bool is_constant(double v) const { return is_constant() && value() == v; }

  friend bool operator==(const Expr& a, const Expr& b) { return a.node_ == b.node_; }

 private:
  std::shared_ptr<const Node> node_;
};

struct Node {
  Op op = Op::constant;
  double value = 0.0;
  std::string name;
  std::vector<Expr> args;
  std::size_t hash = 0;
  std::uint32_t height = 0;  // 0 for leaves, 1 + the tallest argument otherwise
};

inline Op Expr::op() const { return node_->op; }
inline double Expr::value() const { return node_->value; }
inline const std::string& Expr::name() const { return node_->name; }
inline std::span<const Expr> Expr::args() const { return node_->args; }
inline std::size_t Expr::hash() const { return node_->hash; }

struct ExprHash {
  std::size_t operator()(const Expr& e) const { return e.hash(); }
};

// Simplifying constructors: they fold constants, flatten sums and products, collect like terms
// (x + x -> 2*x) and powers (x*x -> x^2), and sort operands canonically.
Expr constant(double value);
Expr variable(std::string_view name);
Expr sum(std::vector<Expr> terms);
Expr product(std::vector<Expr> factors);
Expr power(const Expr& base, const Expr& exponent);
Expr call(Op op, const Expr& arg);                       // unary functions
Expr call(Op op, const Expr& a, const Expr& b);          // min, max (pow goes to power)

Expr operator+(const Expr& a, const Expr& b);
Expr operator-(const Expr& a, const Expr& b);
Expr operator*(const Expr& a, const Expr& b);
Expr operator/(const Expr& a, const Expr& b);
Expr operator-(const Expr& a);

// Variable names in order of first appearance in the (simplified, canonically ordered)
// expression, i.e. left to right as to_string prints it.
std::vector<std::string> variables(const Expr& f);

// Number of distinct nodes in the DAG (a size measure that ignores sharing).
std::size_t node_count(const Expr& f);

// A total structural order used to sort operands (negative, zero, positive like strcmp).
int compare(const Expr& a, const Expr& b);

}  // namespace descent::symbolic
