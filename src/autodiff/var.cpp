// The tapes for gradients (double) and Hessian-vector products (Dual), compiled once here: their
// storage (reserved address space) and the reverse sweep (kept out of line so that its code does
// not depend on the caller's).
#include "descent/autodiff/var.hpp"

#include <sys/mman.h>

#include <new>

namespace descent::autodiff {
namespace {

constexpr std::size_t kPage = 4096;
constexpr std::size_t kMinStatements = std::size_t{1} << 16;

std::size_t page_rounded(std::size_t bytes) { return (bytes + kPage - 1) / kPage * kPage; }

// Bytes of address space for a tape of `statements` statements and as many arguments, each of
// the three arrays starting on a page.
template <class S>
std::size_t reserved_bytes(std::size_t statements) {
  return 2 * page_rounded(statements * sizeof(std::uint32_t)) + page_rounded(statements * sizeof(S));
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
  end_ = reinterpret_cast<std::uint32_t*>(bytes);
  index_ = reinterpret_cast<std::uint32_t*>(bytes + index_bytes);
  partial_ = reinterpret_cast<S*>(bytes + 2 * index_bytes);
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
void Tape<S>::backward(std::uint32_t output, const S& seed, std::uint32_t stop) {
  // Adjoints from dirty_ on are zero: new ones are, and the sweep zeroes each statement's
  // adjoint when it reads it. That leaves the inputs (and the null statement) to zero here,
  // instead of a pass over all of them.
  if (adjoints_.size() < size_) adjoints_.resize(size_, S(0.0));
  S* adj = adjoints_.data();
  std::fill(adj, adj + std::min(dirty_, adjoints_.size()), S(0.0));
  dirty_ = std::size_t{std::max(output, stop)} + 1;
  if (output == 0) return;  // a constant output: every derivative is zero
  adj[output] = seed;
  const std::uint32_t* end = end_;
  const std::uint32_t* index = index_;
  const S* partial = partial_;
  for (std::uint32_t i = output; i > stop; --i) {
    const S g = adj[i];
    adj[i] = S(0.0);
    const std::uint32_t last = end[i];
    for (std::uint32_t k = end[i - 1]; k < last; ++k) adj[index[k]] += partial[k] * g;
  }
  dirty_ = std::size_t{stop} + 1;
}

template class Tape<double>;
template class Tape<Dual>;

}  // namespace descent::autodiff
