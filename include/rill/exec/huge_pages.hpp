#pragma once
// Large buffers (a shuffle's serialised buckets, received bytes, decoded
// vectors) on pages new to the process cost one page fault per 4 KiB, which is
// slower than the copy that fills them; Linux gives transparent huge pages (one
// fault per 2 MiB) to memory that asks for them before it is first touched.
#include <rill/core/runtime.hpp>

#include <cstddef>
#include <cstdint>

#if defined(__linux__) && __has_include(<sys/mman.h>)
#include <sys/mman.h>
#endif

namespace rill::exec {

/// Smaller buffers cannot hold a whole aligned huge page: they are left as they are.
inline constexpr std::size_t kHugePageMinBytes = std::size_t{2} << 20;

/// Asks the kernel to back the 2 MiB-aligned interior of [data, data + bytes)
/// with huge pages when they are first touched. Contents are unchanged; a
/// refusal is ignored (it only costs speed); compiles to nothing where
/// MADV_HUGEPAGE is unknown.
RILL_RUNTIME void adviseHugePages(const void* data, std::size_t bytes) noexcept;

/// c.reserve(n), with the buffer on huge pages when it is large (c: a
/// std::vector or std::string, reserved before it is filled).
template <class Container>
void reserveOnHugePages(Container& c, std::size_t n) {
  c.reserve(n);
  adviseHugePages(c.data(), c.capacity() * sizeof(*c.data()));
}

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void adviseHugePages(const void* data, std::size_t bytes) noexcept {
#ifdef MADV_HUGEPAGE
  constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  if (bytes < kHugePageMinBytes || begin > UINTPTR_MAX - bytes) return;
  const std::uintptr_t first = (begin + huge - 1) & ~(huge - 1);
  const std::uintptr_t last = (begin + bytes) & ~(huge - 1);
  if (first < last) (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::exec
