// Large fresh buffers (the image data sets' feature matrices) are written once, right away:
// their pages are made in one system call each (MADV_POPULATE_WRITE, Linux 5.14+) instead of
// one page fault per 4 KB on first write, which cost a third of loading Fashion-MNIST.
// Transparent huge pages (MADV_HUGEPAGE) were tried and dropped: where memory is fragmented the
// kernel compacts on the spot, and loading then took anywhere from 0.4 s to 1.6 s.
// A hint only: nothing changes where it is refused.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace descent::detail {

// Call before the buffer's first write; buffers under 4 MB are left alone.
inline void prefault(void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  constexpr std::uintptr_t kPage = 4096;
  if (bytes < (std::size_t{4} << 20)) return;
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + kPage - 1) & ~(kPage - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(kPage - 1);
  // In 32 MB pieces over the threads: the kernel clears the pages, and that parallelizes.
  constexpr std::uintptr_t kPiece = std::uintptr_t{32} << 20;
  const auto pieces = static_cast<std::int64_t>((end - begin + kPiece - 1) / kPiece);
#pragma omp parallel for schedule(static)
  for (std::int64_t k = 0; k < pieces; ++k) {
    const auto from = begin + static_cast<std::uintptr_t>(k) * kPiece;
    const auto to = from + kPiece < end ? from + kPiece : end;
    madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);
  }
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace descent::detail
