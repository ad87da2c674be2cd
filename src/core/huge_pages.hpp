// Transparent huge pages for large fresh buffers (the image data sets' feature matrices).
// Debian's kernels give them only where asked (transparent_hugepage = madvise): a 440 MB matrix
// then takes ~220 page faults of 2 MB instead of ~110,000 of 4 KB, and loading Fashion-MNIST
// spent a third of its time in those faults. A hint only: nothing changes where it is refused.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace descent::detail {

// Call before the buffer's first write; only the whole 2 MB pages inside [data, data + bytes)
// are advised, and buffers under 4 MB are left alone.
inline void advise_huge_pages(void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t{1} << 21;
  if (bytes < 2 * kHuge) return;
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace descent::detail
