// The tapes for gradients (double) and Hessian-vector products (Dual), compiled once here: their
// storage (reserved address space) and the reverse sweep (kept out of line so that its code does
// not depend on the caller's).
#include <sys/mman.h>

#include <algorithm>
#include <new>

#include "descent/autodiff/detail/tape.hpp"
#include "descent/core/error.hpp"

namespace descent::autodiff {
namespace {

constexpr std::size_t kPage = 4096;
constexpr std::size_t kMinStatements = std::size_t{1} << 16;

std::size_t page_rounded(std::size_t bytes) { return (bytes + kPage - 1) / kPage * kPage; }

// Bytes of address space for a tape of `statements` statements and as many arguments and
// accumulated terms, each of the five arrays (ends, indices, log; partials, adjoints) starting on
// a page.
template <class S>
std::size_t reserved_bytes(std::size_t statements) {
  return 3 * page_rounded(statements * sizeof(std::uint32_t)) +
         2 * page_rounded(statements * sizeof(S));
}

// Reserves address space that the system backs with zero pages as it is first written (no
// memory is committed up front); nullptr if the system refuses.
void* reserve(std::size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

}  // namespace

template <class S>
Tape<S>::Tape(std::size_t max_statements) {
  // Asks for the whole limit first; where the system caps address space, for less.
  std::size_t statements = std::max(max_statements, std::size_t{2});
  void* base = reserve(reserved_bytes<S>(statements));
  while (base == nullptr && statements > kMinStatements) {
    statements = std::max(statements / 2, kMinStatements);
    base = reserve(reserved_bytes<S>(statements));
  }
  if (base == nullptr) throw std::bad_alloc();
  auto* bytes = static_cast<unsigned char*>(base);
  const std::size_t index_bytes = page_rounded(statements * sizeof(std::uint32_t));
  const std::size_t scalar_bytes = page_rounded(statements * sizeof(S));
  end_ = reinterpret_cast<std::uint32_t*>(bytes);
  index_ = reinterpret_cast<std::uint32_t*>(bytes + index_bytes);
  log_ = reinterpret_cast<std::uint32_t*>(bytes + 2 * index_bytes);
  partial_ = reinterpret_cast<S*>(bytes + 3 * index_bytes);
  own_adjoints_ = reinterpret_cast<S*>(bytes + 3 * index_bytes + scalar_bytes);
  adjoints_ = own_adjoints_;
  max_statements_ = statements;
  max_args_ = statements;
  clear();
}

template <class S>
Tape<S>::~Tape() {
  if (end_ != nullptr) ::munmap(end_, reserved_bytes<S>(max_statements_));
}

template <class S>
void Tape<S>::full() const {
  if (end_ == nullptr) {
    throw Error(ErrorCode::internal, "autodiff: a variable used outside a derivative call");
  }
  throw Error(ErrorCode::internal,
              fmt::format("autodiff: the tape is full ({} statements or arguments; indices are "
                          "32-bit): differentiate smaller pieces",
                          max_statements_));
}

template <class S>
template <class F>
void Tape<S>::for_each_touched(F&& f) {
  if (logging_) {
    for (std::size_t k = 0; k < logged_; ++k) f(log_[k]);
  } else if (open_ != 0) {
    // A tape much longer than the adjoints held: from now on log the indices instead (this
    // scan, at most the tape's length, happens once per recording).
    std::size_t held = 0;
    for (std::size_t i = 1; i < size_; ++i) {
      if (!detail::is_zero(adjoints_[i])) ++held;
      f(static_cast<std::uint32_t>(i));
    }
    if (size_ > 4 * held + 64) logging_ = true;
  }
  logged_ = 0;
}

template <class S>
void Tape<S>::take_back() {
  // The tape's own adjoints of the inputs are zero.
  const std::size_t n = size_ - lent_first_;
  std::copy(lent_, lent_ + n, own_adjoints_ + lent_first_);
  dirty_ = std::max(dirty_, size_);
  end_lending();
}

template <class S>
void Tape<S>::clear() {
  end_lending();  // a function that threw left them lent
  // The adjoints are zero again: the sweep and take_adjoints zero what they pass, this the rest.
  std::fill(adjoints_, adjoints_ + dirty_, S(0.0));
  for_each_touched([&](std::uint32_t i) { adjoints_[i] = S(0.0); });
  logging_ = false;
  dirty_ = 0;
  sweep_floor_ = 0;
  open_ = 0;
  quick_ = 0;
  closed_.assign(1, 0);
  end_[0] = 0;
  size_ = 1;
  args_ = 0;
  overflowed_ = false;
}

template <class S>
std::uint32_t Tape<S>::open() {
  drop_open();
  open_ = static_cast<std::uint32_t>(closed_.size());
  closed_.push_back(0);
  quick_ = logging_ ? 0 : open_;
  return open_;
}

template <class S>
std::uint32_t Tape<S>::close(std::uint32_t token) {
  if (token != open_) {
    if (token >= closed_.size()) {
      throw Error(ErrorCode::internal, "autodiff: a variable used outside its derivative call");
    }
    return closed_[token];
  }
  if (lent_ != nullptr) take_back();
  // One argument per nonzero adjoint.
  const std::size_t s = size_;
  const std::size_t n = args_;
  bool fits = s < max_statements_;
  std::size_t m = 0;
  for_each_touched([&](std::uint32_t i) {
    const S p = adjoints_[i];
    adjoints_[i] = S(0.0);
    if (i == 0 || detail::is_zero(p) || !fits) return;
    if (m >= max_args_ - n) {
      fits = false;
      return;
    }
    index_[n + m] = i;
    partial_[n + m] = p;
    ++m;
  });
  open_ = 0;
  quick_ = 0;
  std::uint32_t statement = 0;
  if (!fits) {
    overflowed_ = true;
  } else if (m > 0) {
    statement = finish(s, n + m);
  }
  closed_[token] = statement;
  return statement;
}

template <class S>
void Tape<S>::drop_open() {
  for_each_touched([&](std::uint32_t i) { adjoints_[i] = S(0.0); });
  if (open_ != 0) closed_[open_] = 0;
  open_ = 0;
  quick_ = 0;
}

template <class S>
void Tape<S>::backward(std::uint32_t stop) {
  DESCENT_ASSERT(stop >= sweep_floor_);
  S* adj = adjoints_;
  const std::uint32_t* end = end_;
  const std::uint32_t* index = index_;
  const S* partial = partial_;
  for (std::size_t i = size_ - 1; i > stop; --i) {
    const S g = adj[i];
    adj[i] = S(0.0);
    const std::uint32_t last = end[i];
    for (std::uint32_t k = end[i - 1]; k < last; ++k) adj[index[k]] += partial[k] * g;
  }
  // Everything above `stop` is zero again; the accumulator's terms are part of the output (when
  // lent, all of them are in the lent adjoints).
  if (lent_ == nullptr) dirty_ = std::max(dirty_, std::size_t{stop} + 1);
  logged_ = 0;
  open_ = 0;
  quick_ = 0;
}

template class Tape<double>;
template class Tape<Dual>;

}  // namespace descent::autodiff
