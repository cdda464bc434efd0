#pragma once
// glibc's malloc raises its mmap threshold each time a large block is freed (up
// to 32 MiB), so later blocks of that size come from per-thread arenas, which
// keep freed memory resident and reuse it poorly: a process that repeats large
// shuffles grows to several times what one shuffle needs. A fixed threshold
// maps every large block on its own and hands it back when it is freed.
#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace rill::exec {

/// Blocks of at least this size are mapped on their own once the threshold is fixed.
inline constexpr int kLargeBlockBytes = 1 << 20;

/// Fixes glibc's mmap threshold at kLargeBlockBytes, unless the environment
/// chose one (MALLOC_MMAP_THRESHOLD_ or the glibc.malloc.mmap_threshold
/// tunable); nothing with another C library.
inline void returnLargeBlocksWhenFreed() noexcept {
#if defined(__GLIBC__)
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") || (tunables && std::strstr(tunables, "mmap_threshold"))) return;
  (void)::mallopt(M_MMAP_THRESHOLD, kLargeBlockBytes);
#endif
}

}  // namespace rill::exec
