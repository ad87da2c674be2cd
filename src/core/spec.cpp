#include "descent/core/spec.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent {
namespace {

// Recursive-descent parser over the spec text; columns are 1-based for messages.
class SpecParser {
 public:
  SpecParser(std::string_view text, std::string_view what) : text_(text), what_(what) {}

  Spec parse() {
    skip_space();
    Spec spec(identifier("a name"));
    skip_space();
    if (at_end()) return spec;
    expect('(');
    skip_space();
    if (peek() == ')') {
      ++pos_;
    } else {
      while (true) {
        skip_space();
        const std::size_t key_col = pos_;
        std::string key = identifier("a key");
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (spec.has(key)) fail(key_col, fmt::format("key '{}' given twice", key));
        skip_space();
        if (peek() != '=') fail(pos_, fmt::format("expected '=' after key '{}'", key));
        ++pos_;
        skip_space();
        spec.set(key, value());
        skip_space();
        if (peek() == ',') {
          ++pos_;
          continue;
        }
        if (peek() == ')') {
          ++pos_;
          break;
        }
        fail(pos_, "expected ',' or ')'");
      }
    }
    skip_space();
    if (!at_end()) fail(pos_, "unexpected text after ')'");
    return spec;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_space() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  void expect(char c) {
    if (peek() != c) fail(pos_, fmt::format("expected '{}'", c));
    ++pos_;
  }
  static bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
  static bool ident_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  }

  std::string identifier(std::string_view expected) {
    if (!ident_start(peek())) fail(pos_, fmt::format("expected {}", expected));
    const std::size_t start = pos_;
    while (!at_end() && ident_char(text_[pos_]) && text_[pos_] != '.') ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  SpecValue value() {
    const char c = peek();
    if (c == '[') return list();
    if (c == '"' || c == '\'') return quoted();
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
      return number();
    }
    if (ident_start(c)) {
      const std::size_t start = pos_;
      while (!at_end() && ident_char(text_[pos_])) ++pos_;
      std::string word(text_.substr(start, pos_ - start));
      if (word == "true" || word == "True") return spec_bool(true);
      if (word == "false" || word == "False") return spec_bool(false);
      if (word == "inf") return spec_number(INFINITY);
      return spec_word(std::move(word));
    }
    fail(pos_, "expected a value (a number, true/false, a [list] or a word)");
  }

  SpecValue number() {
    const std::size_t start = pos_;
    std::string token;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
                         text_[pos_] == '.' || text_[pos_] == '-' || text_[pos_] == '+')) {
      token += text_[pos_++];
    }
    char* end = nullptr;
    const double v = std::strtod(token.c_str(), &end);
    if (token.empty() || end != token.c_str() + token.size()) {
      fail(start, fmt::format("'{}' is not a number", token));
    }
    return spec_number(v);
  }

  SpecValue quoted() {
    const char quote = text_[pos_];
    const std::size_t start = pos_++;
    std::string word;
    while (!at_end() && text_[pos_] != quote) word += text_[pos_++];
    if (at_end()) fail(start, "unterminated quoted word");
    ++pos_;
    return spec_word(std::move(word));
  }

  SpecValue list() {
    SpecValue result;
    result.kind = SpecValue::Kind::list;
    ++pos_;
    skip_space();
    if (peek() == ']') {
      ++pos_;
      return result;
    }
    while (true) {
      skip_space();
      result.list.push_back(value());
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return result;
      }
      fail(pos_, "expected ',' or ']' in a list");
    }
  }

  [[noreturn]] void fail(std::size_t pos, const std::string& message) const {
    throw Error(ErrorCode::bad_usage,
                fmt::format("{}:1:{}: {}\n  {}\n  {}^", what_, pos + 1, message, text_,
                            std::string(pos, ' ')));
  }

  std::string_view text_;
  std::string_view what_;
  std::size_t pos_ = 0;
};

std::string format_number(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{}", v);
}

[[noreturn]] void wrong_type(const Spec& spec, std::string_view key, std::string_view wanted,
                             const SpecValue& got) {
  throw Error(ErrorCode::bad_usage,
              fmt::format("{}: {} must be {}, got '{}'", spec.name(), key, wanted, got.text()));
}

}  // namespace

std::string SpecValue::text() const {
  switch (kind) {
    case Kind::number:
      return format_number(number);
    case Kind::boolean:
      return boolean ? "true" : "false";
    case Kind::word:
      return word;
    case Kind::list: {
      std::string out = "[";
      for (std::size_t i = 0; i < list.size(); ++i) out += (i ? ", " : "") + list[i].text();
      return out + "]";
    }
  }
  return {};
}

Spec Spec::parse(std::string_view text, std::string_view what) {
  return SpecParser(text, what).parse();
}

const SpecValue* Spec::find(std::string_view key) const {
  for (const auto& [k, v] : args_) {
    if (k == key) return &v;
  }
  return nullptr;
}

double Spec::number(std::string_view key, double fallback) const {
  const SpecValue* v = find(key);
  if (!v) return fallback;
  if (v->kind != SpecValue::Kind::number) wrong_type(*this, key, "a number", *v);
  return v->number;
}

std::int64_t Spec::integer(std::string_view key, std::int64_t fallback) const {
  const SpecValue* v = find(key);
  if (!v) return fallback;
  if (v->kind != SpecValue::Kind::number || v->number != std::floor(v->number) ||
      std::abs(v->number) > 9.0e15) {
    wrong_type(*this, key, "an integer", *v);
  }
  return static_cast<std::int64_t>(v->number);
}

bool Spec::boolean(std::string_view key, bool fallback) const {
  const SpecValue* v = find(key);
  if (!v) return fallback;
  if (v->kind == SpecValue::Kind::boolean) return v->boolean;
  if (v->kind == SpecValue::Kind::number && (v->number == 0.0 || v->number == 1.0)) {
    return v->number == 1.0;
  }
  wrong_type(*this, key, "true or false", *v);
}

std::string Spec::word(std::string_view key, std::string_view fallback) const {
  const SpecValue* v = find(key);
  if (!v) return std::string(fallback);
  if (v->kind != SpecValue::Kind::word) wrong_type(*this, key, "a word", *v);
  return v->word;
}

std::vector<double> Spec::numbers(std::string_view key, std::vector<double> fallback) const {
  const SpecValue* v = find(key);
  if (!v) return fallback;
  if (v->kind == SpecValue::Kind::number) return {v->number};
  if (v->kind != SpecValue::Kind::list) wrong_type(*this, key, "a [list] of numbers", *v);
  std::vector<double> out;
  for (const auto& item : v->list) {
    if (item.kind != SpecValue::Kind::number) wrong_type(*this, key, "a [list] of numbers", *v);
    out.push_back(item.number);
  }
  return out;
}

std::vector<std::int64_t> Spec::integers(std::string_view key,
                                         std::vector<std::int64_t> fallback) const {
  const SpecValue* v = find(key);
  if (!v) return fallback;
  std::vector<std::int64_t> out;
  for (double x : numbers(key, {})) {
    if (x != std::floor(x) || std::abs(x) > 9.0e15) wrong_type(*this, key, "a [list] of integers", *v);
    out.push_back(static_cast<std::int64_t>(x));
  }
  return out;
}

void Spec::check_keys(std::initializer_list<std::string_view> allowed) const {
  check_keys(std::vector<std::string>(allowed.begin(), allowed.end()));
}

void Spec::check_keys(const std::vector<std::string>& allowed) const {
  for (const auto& [key, value] : args_) {
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == key;
    if (!ok) {
      std::string valid;
      for (const auto& a : allowed) valid += (valid.empty() ? "" : ", ") + a;
      throw Error(ErrorCode::bad_usage,
                  fmt::format("{}: unknown key '{}'; valid keys: {}", name_, key,
                              valid.empty() ? "(none)" : valid));
    }
  }
}

void Spec::set(std::string key, SpecValue value) {
  for (auto& [k, v] : args_) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  args_.emplace_back(std::move(key), std::move(value));
}

std::string Spec::text() const {
  if (args_.empty()) return name_;
  std::string out = name_ + "(";
  for (std::size_t i = 0; i < args_.size(); ++i) {
    out += (i ? ", " : "") + args_[i].first + "=" + args_[i].second.text();
  }
  return out + ")";
}

SpecValue spec_number(double value) {
  SpecValue v;
  v.kind = SpecValue::Kind::number;
  v.number = value;
  return v;
}
SpecValue spec_bool(bool value) {
  SpecValue v;
  v.kind = SpecValue::Kind::boolean;
  v.boolean = value;
  return v;
}
SpecValue spec_word(std::string value) {
  SpecValue v;
  v.kind = SpecValue::Kind::word;
  v.word = std::move(value);
  return v;
}
SpecValue spec_list(std::vector<double> values) {
  SpecValue v;
  v.kind = SpecValue::Kind::list;
  for (double x : values) v.list.push_back(spec_number(x));
  return v;
}

}  // namespace descent
