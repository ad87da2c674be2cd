// The printer: minimal parentheses from operator precedence, sums with positive terms first
// and ' - ' for negative ones, products with numbers first and negative powers as divisions.
#include "descent/symbolic/printer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/error.hpp"
#include "symbolic/detail.hpp"

namespace descent::symbolic {

namespace {

// Precedence of what a piece of text is, and what a context needs to go without parentheses.
enum Prec : int { kSum = 1, kProduct = 2, kPower = 3, kAtom = 4 };

struct Printed {
  std::string text;
  int prec;
};

Printed print(const Expr& e);

std::string wrap(const Printed& p, int need) {
  return p.prec < need ? fmt::format("({})", p.text) : p.text;
}

// A non-negative number as a literal that strtod reads back exactly.
std::string number_text(double v) {
  if (std::isnan(v)) return "(1e999 - 1e999)";
  if (std::isinf(v)) return "1e999";
  return fmt::format("{}", v);
}

Printed print_number(double v) {
  if (v < 0) return {fmt::format("-{}", number_text(-v)), kProduct};
  return {number_text(v), kAtom};
}

bool is_small_integer(double v) { return std::isfinite(v) && v == std::round(v) && v < 1e15; }

// |c| * m, with m free of a numeric coefficient; c >= 0 (or NaN).
Printed print_product(double c, const Expr& m) {
  std::vector<Expr> numerator, denominator;
  auto place = [&](const Expr& f) {
    if (f.op() == Op::pow && f.args()[1].is_constant() && f.args()[1].value() < 0) {
      denominator.push_back(power(f.args()[0], constant(-f.args()[1].value())));
    } else if (!f.is_constant(1.0)) {
      numerator.push_back(f);
    }
  };
  if (m.op() == Op::mul) {
    for (const Expr& f : m.args()) place(f);
  } else {
    place(m);
  }
  // A coefficient 1/k with integer k <= 1000 goes under the line: x/2 rather than 0.5*x.
  double den_coefficient = 1.0;
  // Not when the denominator is one sum: 2*(a + b) would read back as 2*a + 2*b.
  const bool lone_sum = denominator.size() == 1 && denominator[0].op() == Op::add;
  const bool bare_number = numerator.empty() && denominator.empty();
  if (c != 1.0 && c > 0 && c < 1 && 1.0 / c <= 1000 && is_small_integer(1.0 / c) &&
      (1.0 / c) * c == 1.0 && !lone_sum && !bare_number) {
    den_coefficient = 1.0 / c;
    c = 1.0;
  }
  // A lone factor (c = 1, nothing under the line) is the factor itself: printed once, unwrapped.
  // (Printing it again here made the printer exponential in the nesting depth.)
  if (c == 1.0 && den_coefficient == 1.0 && denominator.empty() && numerator.size() == 1) {
    return print(numerator[0]);
  }
  std::vector<std::string> num_parts, den_parts;
  if (c != 1.0) num_parts.push_back(number_text(c));
  for (const Expr& f : numerator) num_parts.push_back(wrap(print(f), kPower));
  if (den_coefficient != 1.0) den_parts.push_back(number_text(den_coefficient));
  for (const Expr& f : denominator) den_parts.push_back(wrap(print(f), kPower));

  if (num_parts.empty()) num_parts.push_back("1");
  if (den_parts.empty() && num_parts.size() == 1) return {num_parts[0], kAtom};
  std::string text = fmt::format("{}", fmt::join(num_parts, "*"));
  if (den_parts.size() == 1) {
    text += fmt::format("/{}", den_parts[0]);
  } else if (den_parts.size() > 1) {
    text += fmt::format("/({})", fmt::join(den_parts, "*"));
  }
  return {text, kProduct};
}

Printed print_signed(const Expr& e) {
  auto [c, m] = detail::split_coefficient(e);
  if (c < 0) {
    Printed p = print_product(-c, m);
    return {fmt::format("-{}", wrap(p, kProduct)), kProduct};
  }
  return print_product(c, m);
}

Printed print_sum(const Expr& e) {
  std::vector<Expr> terms(e.args().begin(), e.args().end());
  // Lead with a positive term when there is one: 1 - x rather than -x + 1.
  if (detail::split_coefficient(terms[0]).coefficient < 0) {
    for (std::size_t i = 1; i < terms.size(); ++i) {
      if (!(detail::split_coefficient(terms[i]).coefficient < 0)) {
        std::rotate(terms.begin(), terms.begin() + static_cast<std::ptrdiff_t>(i),
                    terms.begin() + static_cast<std::ptrdiff_t>(i) + 1);
        break;
      }
    }
  }
  std::string text;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    auto [c, m] = detail::split_coefficient(terms[i]);
    const bool negative = c < 0;
    const std::string body = wrap(print_product(negative ? -c : c, m), kProduct);
    if (i == 0) {
      text = negative ? fmt::format("-{}", body) : body;
    } else {
      text += fmt::format(" {} {}", negative ? '-' : '+', body);
    }
  }
  return {text, kSum};
}

Printed print_power(const Expr& e) {
  const Expr& base = e.args()[0];
  const Expr& exponent = e.args()[1];
  if (exponent.is_constant() && exponent.value() < 0) return print_product(1.0, e);
  const std::string b = wrap(print(base), kAtom);
  const Printed x = print(exponent);
  return {fmt::format("{}^{}", b, wrap(x, kPower)), kPower};
}

Printed print(const Expr& e) {
  switch (e.op()) {
    case Op::constant: return print_number(e.value());
    case Op::variable: return {e.name(), kAtom};
    case Op::add: return print_sum(e);
    case Op::mul: return print_signed(e);
    case Op::pow: return print_power(e);
    default: {
      std::vector<std::string> args;
      for (const Expr& a : e.args()) args.push_back(print(a).text);
      return {fmt::format("{}({})", op_name(e.op()), fmt::join(args, ", ")), kAtom};
    }
  }
}

// Nodes of f written out as a tree, saturating at `limit`. A DAG shares subexpressions (a
// derivative of a deep composition shares a great deal) and its tree can be exponentially larger.
std::uint64_t tree_size(const Expr& e, std::uint64_t limit,
                        std::unordered_map<const Node*, std::uint64_t>& memo) {
  if (auto it = memo.find(e.get()); it != memo.end()) return it->second;
  std::uint64_t n = 1;
  for (const Expr& a : e.args()) n = std::min(limit, n + tree_size(a, limit, memo));
  memo.emplace(e.get(), n);
  return n;
}

// Written out, f would have more nodes than this: refuse to print it rather than run for minutes
// and print gigabytes.
constexpr std::uint64_t kMaxPrintedNodes = 2'000'000;

}  // namespace

std::string to_string(const Expr& f) {
  std::unordered_map<const Node*, std::uint64_t> memo;
  if (tree_size(f, kMaxPrintedNodes + 1, memo) > kMaxPrintedNodes) {
    throw Error(ErrorCode::bad_input,
                fmt::format("the expression is too large to print: more than {} operations when "
                            "written out ({} distinct subexpressions shared); evaluate it instead "
                            "(descent grad / minimize compile it without writing it out)",
                            kMaxPrintedNodes, memo.size()));
  }
  return print(f).text;
}

}  // namespace descent::symbolic
