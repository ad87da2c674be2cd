// Recursive-descent parser for the formula language (grammar below), building simplified
// expressions. Errors name line and column and draw a caret under the offending place.
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '/') unary)*
//   unary   := ('-' | '+') unary | power
//   power   := primary (('^' | '**') unary)?          right-associative, tighter than unary '-'
//   primary := number | name | name '(' sum (',' sum)* ')' | '(' sum ')'
#include "descent/symbolic/parser.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <numbers>
#include <optional>
#include <unordered_set>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::symbolic {

namespace {

struct FunctionInfo {
  std::string_view name;
  Op op;
  int arity;
};

constexpr FunctionInfo kFunctions[] = {
    {"sin", Op::sin, 1},         {"cos", Op::cos, 1},   {"tan", Op::tan, 1},
    {"asin", Op::asin, 1},       {"acos", Op::acos, 1}, {"atan", Op::atan, 1},
    {"sinh", Op::sinh, 1},       {"cosh", Op::cosh, 1}, {"tanh", Op::tanh, 1},
    {"exp", Op::exp, 1},         {"log", Op::log, 1},   {"sqrt", Op::sqrt, 1},
    {"abs", Op::abs, 1},         {"sigmoid", Op::sigmoid, 1},
    {"softplus", Op::softplus, 1}, {"sign", Op::sign, 1}, {"min", Op::min, 2},
    {"max", Op::max, 2},         {"pow", Op::pow, 2},
};

const FunctionInfo* find_function(std::string_view name) {
  for (const auto& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// Levenshtein distance, for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}
  // parse_all() then also records every sub-expression as written into *out.
  void record_into(std::vector<Expr>* out) { written_ = out; }

  Expr parse_all() {
    skip_space();
    if (pos_ >= text_.size()) fail(pos_, "empty formula");
    Expr e = parse_sum();
    skip_space();
    if (pos_ < text_.size()) {
      if (text_[pos_] == ')') fail(pos_, "unexpected ')' without a matching '('");
      if (text_[pos_] == ',') fail(pos_, "unexpected ',' outside a function call");
      fail(pos_, fmt::format("expected an operator or the end of the formula, found {}",
                             describe(pos_)));
    }
    return e;
  }

 private:
  // Nesting guard: every recursion passes through parse_unary, which holds one while it runs.
  class Depth {
   public:
    explicit Depth(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxNesting) {
        p_.fail(p_.pos_, fmt::format("formula nests deeper than {} levels", kMaxNesting));
      }
    }
    ~Depth() { --p_.depth_; }
    Depth(const Depth&) = delete;
    Depth& operator=(const Depth&) = delete;

   private:
    Parser& p_;
  };

  [[noreturn]] void fail(std::size_t at, const std::string& message) const {
    // Line and column (1-based) of byte `at`; the caret goes under it on its own line.
    std::size_t line_start = 0, line = 1;
    for (std::size_t i = 0; i < at && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    std::size_t line_end = text_.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text_.size();
    const std::size_t column = at - line_start + 1;
    std::string shown(text_.substr(line_start, line_end - line_start));
    std::replace(shown.begin(), shown.end(), '\t', ' ');
    throw Error(ErrorCode::bad_input,
                fmt::format("formula:{}:{}: {}\n  {}\n  {}^", line, column, message, shown,
                            std::string(column - 1, ' ')));
  }

  std::string describe(std::size_t at) const {
    if (at >= text_.size()) return "the end of the formula";
    if (is_name_start(text_[at])) {
      std::size_t end = at;
      while (end < text_.size() && is_name_char(text_[end])) ++end;
      return fmt::format("'{}'", text_.substr(at, end - at));
    }
    const unsigned char c = static_cast<unsigned char>(text_[at]);
    if (std::isprint(c)) return fmt::format("'{}'", text_[at]);
    return fmt::format("the byte 0x{:02x}", static_cast<unsigned>(c));
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  bool accept(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool at_power() {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '^') {
      ++pos_;
      return true;
    }
    if (pos_ + 1 < text_.size() && text_[pos_] == '*' && text_[pos_ + 1] == '*') {
      pos_ += 2;
      return true;
    }
    return false;
  }

  Expr parse_sum() {
    skip_space();
    const std::size_t start = pos_;
    std::vector<Expr> terms{parse_product()};
    for (;;) {
      if (accept('+')) {
        terms.push_back(parse_product());
      } else if (accept('-')) {
        terms.push_back(-parse_product());
      } else {
        return keep(sum(std::move(terms)), start);
      }
    }
  }

  Expr parse_product() {
    skip_space();
    const std::size_t start = pos_;
    std::vector<Expr> factors{parse_unary()};
    for (;;) {
      skip_space();
      if (pos_ + 1 < text_.size() && text_[pos_] == '*' && text_[pos_ + 1] == '*') {
        // '**' is a power, handled in parse_power
        return keep(product(std::move(factors)), start);
      }
      if (accept('*')) {
        factors.push_back(parse_unary());
      } else if (accept('/')) {
        skip_space();
        const std::size_t divisor = pos_;
        // The reciprocal is kept: x/x simplifies to 1, but 1/x was written.
        factors.push_back(keep(power(parse_unary(), constant(-1.0)), divisor, start));
      } else {
        return keep(product(std::move(factors)), start);
      }
    }
  }

  Expr parse_unary() {
    Depth guard(*this);
    skip_space();
    const std::size_t start = pos_;
    if (accept('-')) return keep(-parse_unary(), start);
    if (accept('+')) return parse_unary();
    return parse_power();
  }

  Expr parse_power() {
    skip_space();
    const std::size_t start = pos_;
    Expr base = parse_primary();
    if (at_power()) return keep(power(base, parse_unary()), start);
    return base;
  }

  // Records a sub-expression as written (before the enclosing simplification can cancel it)
  // and refuses one that folded to a constant that is not finite: 1e999, log(-1), 1/0.
  // `from` is where its text begins (the caret goes there), `text_from` where the quoted
  // text begins when that differs (a divisor is quoted with its dividend).
  Expr keep(Expr e, std::size_t from, std::size_t text_from = std::string_view::npos) {
    if (e.is_constant() && !std::isfinite(e.value())) {
      const std::size_t begin = text_from == std::string_view::npos ? from : text_from;
      std::string_view written = text_.substr(begin, pos_ - begin);
      while (!written.empty() && std::isspace(static_cast<unsigned char>(written.back()))) {
        written.remove_suffix(1);
      }
      fail(from, fmt::format("'{}' {}", written,
                             std::isnan(e.value()) ? "is undefined" : "is not a finite number"));
    }
    if (written_ && seen_.insert(e.get()).second) written_->push_back(e);
    return e;
  }

  Expr parse_primary() {
    skip_space();
    if (pos_ >= text_.size()) {
      fail(pos_, "unexpected end of formula: expected a number, a variable, a function or '('");
    }
    const char c = text_[pos_];
    if (c == '(') {
      const std::size_t open = pos_++;
      Expr inner = parse_sum();
      if (!accept(')')) close_failure(open);
      return inner;
    }
    if (is_digit(c) || (c == '.' && pos_ + 1 < text_.size() && is_digit(text_[pos_ + 1]))) {
      return parse_number();
    }
    if (is_name_start(c)) return parse_name();
    fail(pos_, fmt::format("expected a number, a variable, a function or '(', found {}",
                           describe(pos_)));
  }

  [[noreturn]] void close_failure(std::size_t open) {
    skip_space();
    fail(pos_, fmt::format("expected ')' to close '(' opened at column {}", column_of(open)));
  }

  std::size_t column_of(std::size_t at) const {
    const std::size_t nl = text_.rfind('\n', at == 0 ? 0 : at - 1);
    return nl == std::string_view::npos || at == 0 ? at + 1 : at - nl;
  }

  Expr parse_number() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      while (pos_ < text_.size() && is_digit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      std::size_t p = pos_ + 1;
      if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
      if (p < text_.size() && is_digit(text_[p])) {
        while (p < text_.size() && is_digit(text_[p])) ++p;
        pos_ = p;
      }
    }
    const std::string literal(text_.substr(start, pos_ - start));
    return keep(constant(std::strtod(literal.c_str(), nullptr)), start);
  }

  Expr parse_name() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    const std::string_view name = text_.substr(start, pos_ - start);
    skip_space();
    const bool is_call = pos_ < text_.size() && text_[pos_] == '(';
    if (!is_call) {
      if (name == "pi") return constant(std::numbers::pi);
      if (name == "e") return constant(std::numbers::e);
      if (find_function(name)) {
        fail(start, fmt::format("function '{}' needs its argument in parentheses: {}(...)", name,
                                name));
      }
      return variable(name);
    }
    const FunctionInfo* f = find_function(name);
    if (!f) unknown_function(start, name);
    const std::size_t open = pos_++;
    std::vector<Expr> args{parse_sum()};
    while (accept(',')) args.push_back(parse_sum());
    if (!accept(')')) close_failure(open);
    if (static_cast<int>(args.size()) != f->arity) {
      fail(start, fmt::format("{}() takes {} argument{}, got {}", name, f->arity,
                              f->arity == 1 ? "" : "s", args.size()));
    }
    return keep(f->arity == 1 ? call(f->op, args[0]) : call(f->op, args[0], args[1]), start);
  }

  [[noreturn]] void unknown_function(std::size_t at, std::string_view name) const {
    if (name == "pi" || name == "e") {
      fail(at, fmt::format("'{}' is a constant, not a function", name));
    }
    std::string known, suggestion;
    std::size_t best = 3;
    for (const auto& f : kFunctions) {
      if (f.op == Op::sign) continue;
      known += known.empty() ? "" : ", ";
      known += f.name;
      if (const std::size_t d = edit_distance(name, f.name); d < best && d < name.size()) {
        best = d;
        suggestion = fmt::format(" (did you mean '{}'?)", f.name);
      }
    }
    fail(at, fmt::format("unknown function '{}'{}; known functions: {}", name, suggestion, known));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::vector<Expr>* written_ = nullptr;  // where keep() records, when asked
  std::unordered_set<const Node*> seen_;
};

}  // namespace

Expr parse(std::string_view text) { return Parser(text).parse_all(); }

ParsedFormula parse_formula(std::string_view text) {
  ParsedFormula out;
  Parser parser(text);
  parser.record_into(&out.written);
  out.expr = parser.parse_all();
  return out;
}

bool is_constant_name(std::string_view name) { return name == "pi" || name == "e"; }

const std::vector<std::string>& function_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& f : kFunctions) out.emplace_back(f.name);
    return out;
  }();
  return names;
}

}  // namespace descent::symbolic
