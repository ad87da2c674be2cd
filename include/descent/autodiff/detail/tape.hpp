// Internal to descent/autodiff/var.hpp: the tape (a Wengert list of statements) and its adjoints.
// docs/autodiff.md tells how the pieces fit together.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "descent/autodiff/detail/expression.hpp"

namespace descent::autodiff {

// Statement i stands for one intermediate value y_i:
//   dy_i = sum over its arguments k of partial_k * dy_{index_k}
// with the arguments of statement i at [end(i - 1), end(i)) in two parallel arrays (4-byte
// indices, partials). Statement 0 is the "null" statement of constants; inputs have no
// arguments. Most values never become statements: a BasicVar carries up to two terms itself
// (see basic_var.hpp), and only an expression with more distinct terms records one.
//
// The adjoints live beside the tape, one per statement, and do double duty. While the user's
// function runs, one accumulator (`s += e`) at a time adds e's partials straight into them: the
// sum of the terms' partials is the accumulator's own row of the Jacobian, so a function that
// returns its accumulator needs no statement for it at all, and the reverse sweep starts from
// those adjoints. An accumulator used any other way is closed first: its nonzero adjoints
// become one statement (found by a scan of the tape, or, once a scan came out much longer than
// the terms accumulated, through a log of the indices touched).
//
// Storage is address space reserved once for the largest tape that 32-bit indices allow; the
// system commits zero pages when they are first written, so a small tape costs little memory and
// a tape never moves or grows. Recording onto a tape therefore calls nothing, and the compiler
// keeps the write positions in registers across a user's loop. A statement past the limit records
// nothing and marks the tape overflowed; check(), called by every derivative function after the
// user's function returns, turns that into an error. Outside derivative calls the active tape is
// the null tape (see null_tape below), which holds nothing: recording a variable there is an
// error, constants are fine.
template <class S>
class Tape {
 public:
  struct Null {};
  // The most statements (and arguments, and accumulated terms) a tape holds: indices are 32-bit.
  static constexpr std::size_t kMaxStatements = std::numeric_limits<std::uint32_t>::max();

  // A tape for at most max_statements statements and as many arguments (tests pass small
  // limits). Throws std::bad_alloc if the system refuses even a small reservation.
  explicit Tape(std::size_t max_statements = kMaxStatements);
  // The null tape.
  constexpr explicit Tape(Null) {}
  ~Tape();
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  // Forgets all statements, accumulators and the overflow mark (keeps the memory).
  void clear();
  // Throws descent::Error if a statement did not fit since clear().
  void check() const {
    if (overflowed_) full();
  }
  std::size_t size() const { return size_; }
  // Arguments recorded over all statements.
  std::size_t arguments() const { return args_; }
  std::size_t max_statements() const { return max_statements_; }

  // Records y with dy = sum of partial[k] dy_index[k] over k < m; returns its index.
  std::uint32_t record(const std::uint32_t* index, const S* partial, std::size_t m) {
    if (lent_ != nullptr) [[unlikely]]
      take_back();
    const std::size_t s = size_;
    const std::size_t n = args_;
    if (m > max_args_ - n || s >= max_statements_) [[unlikely]]
      return overflow();
    for (std::size_t k = 0; k < m; ++k) {
      index_[n + k] = index[k];
      partial_[n + k] = partial[k];
    }
    return finish(s, n + m);
  }
  // n new independent variables (leaves); returns the index of the first (the others follow).
  // Only the last one's end is written (inputs have no arguments, and a sweep stops at or above
  // the last input of a block: backward() checks), which keeps a gradient's memory at the
  // adjoints and the result.
  std::uint32_t push_inputs(std::size_t n) {
    const std::size_t s = size_;
    if (n > max_statements_ - s) full();
    if (n == 0) return static_cast<std::uint32_t>(s);
    end_[s + n - 1] = static_cast<std::uint32_t>(args_);
    if (n > 1) sweep_floor_ = s + n - 1;
    size_ = s + n;
    return static_cast<std::uint32_t>(s);
  }
  std::uint32_t push_input() { return push_inputs(1); }

  // The accumulator: whether this tape has one (the null tape has not), the token of the open
  // one (0: none), opening a new one (returns its token).
  bool can_accumulate() const { return adjoints_ != nullptr; }
  std::uint32_t open_token() const { return open_; }
  std::uint32_t open();
  // The open accumulator's token while the tape does not log (see log_), else 0: `s += e` on it
  // is one compare and the adds (BasicVar::add's fast path).
  std::uint32_t quick_token() const { return quick_; }
  // Adds the sink's terms to the open accumulator. They are summed in registers first, into two
  // pairs of places (TwoTerms: equal indices merge there), so that a variable usually gets one
  // update and the adjoints are free of back-to-back writes to one address (each waits for the
  // last); terms that find no place are added one by one.
  // Unless the tape logs (see log_), nothing is counted: a term is one add into the adjoints.
  // kMayLog = false: the caller knows that the tape does not log (quick_token()).
  template <bool kMayLog = true, std::size_t kCount>
  [[gnu::always_inline]] void accumulate(const ArgSink<S, kCount>& sink) {
    const bool logging = kMayLog && logging_;
    std::size_t n = logged_;
    if (logging && kCount > max_statements_ - n) [[unlikely]] {
      overflowed_ = true;
      return;
    }
    S* adj = adjoints_;
    std::uint32_t* log = log_;
    auto put = [&](std::uint32_t i, const S& p) {
      adj[i] += p;
      if (logging) log[n] = i;
      ++n;
    };
    TwoTerms<S> first;
    TwoTerms<S> second;
    sink.for_each([&](std::uint32_t i, const S& p) {
      if (!first.add(i, p) && !second.add(i, p)) put(i, p);
    });
    if (first.count > 0) put(first.i0, first.p0);
    if (first.count > 1) put(first.i1, first.p1);
    if (second.count > 0) put(second.i0, second.p0);
    if (second.count > 1) put(second.i1, second.p1);
    if (logging) logged_ = n;
  }
  // The statement that stands for the accumulator `token`: the open one is recorded (and
  // closed) now. 0 when it holds no variable.
  std::uint32_t close(std::uint32_t token);
  // Forgets the open accumulator (its function returned something else).
  void drop_open();

  // Lends the tape `out`, n zeros, as the adjoints of its n inputs, when they are all its
  // statements (else it does nothing): while no statement is recorded above them (a
  // function that only sums terms of at most two variables), the accumulator and the output's
  // terms add straight into out, and after the sweep out holds the inputs' adjoints with no pass
  // to copy them. The first statement (or a close) moves them onto the tape first. lent(): whether
  // out still holds them; end_lending() (or clear()) gives out back.
  void lend(S* out, std::size_t n) {
    if (n == 0 || size_ != n + 1 || lent_ != nullptr) return;
    lent_ = out;
    lent_first_ = size_ - n;
    // adjoints_[lent_first_ + k] is out[k] (by address arithmetic: no array starts before out).
    adjoints_ =
        reinterpret_cast<S*>(reinterpret_cast<std::uintptr_t>(out) - lent_first_ * sizeof(S));
  }
  bool lent() const { return lent_ != nullptr; }
  void end_lending() {
    lent_ = nullptr;
    adjoints_ = own_adjoints_;
  }

  // The reverse sweep. Adds w to the adjoint of statement i (the output's terms), then sweeps
  // every statement down to `stop` + 1 (pass the last input's index when all inputs were
  // recorded first: nothing below them has arguments). The open accumulator, if any, is part of
  // the output. Afterwards adjoint(i) is d output / d y_i for every i up to `stop`.
  void seed(std::uint32_t i, const S& w) { adjoints_[i] += w; }
  void backward(std::uint32_t stop);
  const S& adjoint(std::uint32_t i) const { return adjoints_[i]; }
  // Hands out(k, adjoint(first + k)) for k < n and zeroes those adjoints (in the same pass).
  template <class Out>
  void take_adjoints(std::uint32_t first, std::size_t n, Out&& out) {
    S* adj = adjoints_ + first;
    for (std::size_t k = 0; k < n; ++k) {
      out(k, adj[k]);
      adj[k] = S(0.0);
    }
    if (first + n >= dirty_) dirty_ = std::min(dirty_, std::size_t{first});
  }

 private:
  std::uint32_t finish(std::size_t s, std::size_t args_end) {
    args_ = args_end;
    end_[s] = static_cast<std::uint32_t>(args_end);
    size_ = s + 1;
    return static_cast<std::uint32_t>(s);
  }
  // A statement with a variable that does not fit: on the null tape an error, else the tape
  // is full (recorded as a constant, reported by check()).
  std::uint32_t overflow() {
    if (end_ == nullptr) full();
    overflowed_ = true;
    return 0;
  }
  [[noreturn, gnu::cold, gnu::noinline]] void full() const;
  // Moves the lent adjoints onto the tape (a statement is about to be recorded).
  [[gnu::cold, gnu::noinline]] void take_back();
  // Calls f(i) for every index the open accumulator touched (some more than once), then forgets
  // them.
  template <class F>
  void for_each_touched(F&& f);

  std::size_t max_statements_ = 0;
  std::size_t max_args_ = 0;
  std::uint32_t* end_ = nullptr;    // end_[i]: one past statement i's last argument
  std::uint32_t* index_ = nullptr;  // arguments [0, args_) are recorded
  S* partial_ = nullptr;
  S* adjoints_ = nullptr;      // own_adjoints_, or lent ones (see lend)
  S* own_adjoints_ = nullptr;  // zero except [0, dirty_) and the logged indices
  S* lent_ = nullptr;
  std::size_t lent_first_ = 0;
  // The indices the open accumulator touched: any below size_ (until a close finds that range
  // much wider than the adjoints it held; from then on in this recording, listed in
  // log_[0, logged_)). Nothing is touched while no accumulator is open.
  std::uint32_t* log_ = nullptr;
  bool logging_ = false;
  std::size_t size_ = 0;  // statements
  std::size_t args_ = 0;
  std::size_t logged_ = 0;  // terms logged (when logging_)
  std::size_t dirty_ = 0;
  std::size_t sweep_floor_ = 0;  // the lowest stop a sweep may have (see push_inputs)
  std::uint32_t open_ = 0;
  // open_ unless logging_, else 0 (logging_ changes only while none is open).
  std::uint32_t quick_ = 0;
  std::vector<std::uint32_t> closed_;  // closed_[token]: the statement of a closed accumulator
  bool overflowed_ = false;
};

// The tape of no derivative call: holds nothing, so constants pass and variables are an error.
// Shared by all threads and never written.
template <class S>
inline constinit Tape<S> null_tape{typename Tape<S>::Null{}};

// The tape that BasicVar<S> operations record onto in this thread (set by TapeSession; never
// null, so that recording has no branch that keeps the compiler from moving loads out of loops).
template <class S>
struct ActiveTape {
  static inline thread_local Tape<S>* tape = &null_tape<S>;
};

}  // namespace descent::autodiff
