// Derivatives of generic C++ functions by reverse mode: gradient, value and gradient, exact
// Hessian-vector products (forward over reverse) and Hessians, from ONE generic lambda.
// Example: auto f = [](const auto& x) { using std::sin; return sin(x[0]) * x[1]; };
//          Vec g = descent::autodiff::gradient(f, x);
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

#include "descent/autodiff/var.hpp"
#include "descent/core/error.hpp"
#include "descent/core/types.hpp"

namespace descent::autodiff {

// What a function receives: x[i] (i of any integer type; a BasicVar by value, made from the
// input's value and tape index on the spot, so the inputs take no memory of their own), x.size()
// (an Index, like Eigen's), and begin() / end() for range-for.
template <class T>
class Vars {
 public:
  using value_type = T;
  using Scalar = typename T::Scalar;
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using reference = T;
    using pointer = void;
    iterator() = default;
    iterator(const Vars* vars, Index i) : vars_(vars), i_(i) {}
    T operator*() const { return (*vars_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++i_;
      return old;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }

   private:
    const Vars* vars_ = nullptr;
    Index i_ = 0;
  };

  // Inputs with the given values (size of them) and tape indices first, first + 1, ...
  Vars(const Scalar* values, std::uint32_t first, Index size)
      : values_(values), first_(first), size_(size) {}
  T operator[](Index i) const {
    // A valid i is below the tape's limit (push_inputs checked the size), so that the
    // compiler sees that x[i + 1] and x[i] are distinct inputs (no 32-bit wrap).
    if (static_cast<std::size_t>(i) >= Tape<Scalar>::kMaxStatements) __builtin_unreachable();
    return T::make(values_[i], first_ + static_cast<std::uint32_t>(i));
  }
  Index size() const { return size_; }
  iterator begin() const { return iterator(this, 0); }
  iterator end() const { return iterator(this, size_); }

 private:
  const Scalar* values_;
  std::uint32_t first_;
  Index size_;
};

// The reverse sweep from the value y that the user's function returned, down to statement
// `stop`: y's terms seed the adjoints, or, when y is the open accumulator, they already hold it.
template <class S>
void backward(Tape<S>& tape, const BasicVar<S>& y, std::uint32_t stop) {
  if (!y.is_open_accumulator(tape)) {
    const BasicVar<S> terms(y);  // a closed accumulator becomes its statement
    tape.drop_open();
    if (terms.terms() > 0) tape.seed(terms.index(0), terms.partial(0));
    if (terms.terms() > 1) tape.seed(terms.index(1), terms.partial(1));
  }
  tape.backward(stop);
}

// Makes a tape the active one for BasicVar<S> in this thread for the session's lifetime. Uses the
// thread's reusable tape, or a fresh one when that is busy (a derivative inside a derivative).
template <class S>
class TapeSession {
 public:
  TapeSession() : previous_(ActiveTape<S>::tape) {
    if (!shared_busy()) {
      shared_busy() = true;
      tape_ = &shared_tape();
    } else {
      owned_ = std::make_unique<Owned>();
      tape_ = &owned_->tape;
    }
    tape_->clear();
    ActiveTape<S>::tape = tape_;
  }
  ~TapeSession() {
    ActiveTape<S>::tape = previous_;
    if (!owned_) shared_busy() = false;
  }
  TapeSession(const TapeSession&) = delete;
  TapeSession& operator=(const TapeSession&) = delete;

  Tape<S>& tape() { return *tape_; }

  // n new inputs with the given values (which must outlive the returned Vars); input i has
  // tape index i + 1.
  Vars<BasicVar<S>> inputs(Index n, const S* values) {
    const std::uint32_t first = tape_->push_inputs(static_cast<std::size_t>(n));
    return Vars<BasicVar<S>>(values, first, n);
  }

 private:
  struct Owned {
    Tape<S> tape;
  };
  static bool& shared_busy() {
    static thread_local bool busy = false;
    return busy;
  }
  static Tape<S>& shared_tape() {
    static thread_local Tape<S> tape;
    return tape;
  }

  Tape<S>* previous_;
  Tape<S>* tape_ = nullptr;
  std::unique_ptr<Owned> owned_;
};

// f(x) evaluated with plain doubles (f receives `const Vec&`).
template <class F>
double value(F&& f, const Vec& x) {
  return static_cast<double>(f(x));
}

// f(x) and its gradient; grad is resized to x.size() if needed. f is called once with
// Vars<Var> and must return something convertible to Var.
// The adjoints add straight into grad while nothing is recorded on the tape (see Tape::lend),
// unless grad is x's own storage (f reads x while it runs). If f throws, grad's contents are
// unspecified.
template <class F>
double value_and_gradient(F&& f, const Vec& x, Vec& grad) {
  TapeSession<double> session;
  Tape<double>& tape = session.tape();
  const auto n = static_cast<std::size_t>(x.size());
  const auto vars = session.inputs(x.size(), x.data());
  const auto at = [](const Vec& v, std::size_t k) {
    return reinterpret_cast<std::uintptr_t>(v.data()) + k * sizeof(double);
  };
  grad.resize(x.size());
  if (at(grad, n) <= at(x, 0) || at(x, n) <= at(grad, 0)) {
    grad.setZero();
    tape.lend(grad.data(), n);
  }
  const Var y = f(vars);
  tape.check();
  autodiff::backward(tape, y, static_cast<std::uint32_t>(x.size()));
  if (tape.lent()) {
    tape.end_lending();
  } else {
    tape.take_adjoints(1, n, [&](std::size_t i, double a) { grad[static_cast<Index>(i)] = a; });
  }
  return y.value();
}

template <class F>
Vec gradient(F&& f, const Vec& x) {
  Vec grad;
  value_and_gradient(std::forward<F>(f), x, grad);
  return grad;
}

// d/dx f(x) for a function of one scalar.
template <class F>
double derivative(F&& f, double x) {
  TapeSession<double> session;
  const Var input = Var::make(x, session.tape().push_input());
  const Var y = f(input);
  session.tape().check();
  autodiff::backward(session.tape(), y, input.index());
  return session.tape().adjoint(input.index());
}

// H(x) v, exact: the reverse sweep of a tape recorded with dual numbers x + eps v gives
// grad f(x) + eps H v. If grad is not null it receives the gradient too. Returns f(x).
template <class F>
double value_gradient_hvp(F&& f, const Vec& x, const Vec& v, Vec& hv, Vec* grad = nullptr) {
  DESCENT_ASSERT(v.size() == x.size());
  TapeSession<Dual> session;
  std::vector<Dual> values(static_cast<std::size_t>(x.size()));
  for (Index i = 0; i < x.size(); ++i) values[static_cast<std::size_t>(i)] = Dual(x[i], v[i]);
  const auto vars = session.inputs(x.size(), values.data());
  const DualVar y = f(vars);
  Tape<Dual>& tape = session.tape();
  tape.check();
  autodiff::backward(tape, y, static_cast<std::uint32_t>(x.size()));
  hv.resize(x.size());
  if (grad) grad->resize(x.size());
  tape.take_adjoints(1, static_cast<std::size_t>(x.size()), [&](std::size_t k, const Dual& adj) {
    const auto i = static_cast<Index>(k);
    hv[i] = adj.d;
    if (grad) (*grad)[i] = adj.v;
  });
  return y.value().v;
}

template <class F>
Vec hessian_vector_product(F&& f, const Vec& x, const Vec& v) {
  Vec hv;
  value_gradient_hvp(std::forward<F>(f), x, v, hv);
  return hv;
}

// The Hessian from n Hessian-vector products with unit vectors, symmetrized.
template <class F>
Mat hessian(F&& f, const Vec& x) {
  const Index n = x.size();
  Mat hess(n, n);
  Vec unit = Vec::Zero(n);
  Vec column;
  for (Index j = 0; j < n; ++j) {
    unit[j] = 1.0;
    value_gradient_hvp(f, x, unit, column);
    hess.col(j) = column;
    unit[j] = 0.0;
  }
  return 0.5 * (hess + hess.transpose());
}

// A C++ function as an optimizer's objective: value_grad(x, grad) returns f(x) and, when grad
// is not null, writes the gradient; hessian(x, H) writes the exact Hessian.
struct Objective {
  std::function<double(const Vec& x, Vec* grad)> value_grad{};
  std::function<void(const Vec& x, Mat& hess)> hessian{};
};

// f must be generic over its scalar type: it is called with const Vec& (value only),
// Vars<Var> (gradient) and Vars<DualVar> (Hessian).
template <class F>
Objective make_objective(F f) {
  Objective objective;
  objective.value_grad = [f](const Vec& x, Vec* grad) -> double {
    if (grad == nullptr) return value(f, x);
    return value_and_gradient(f, x, *grad);
  };
  objective.hessian = [f](const Vec& x, Mat& hess) { hess = autodiff::hessian(f, x); };
  return objective;
}

}  // namespace descent::autodiff
