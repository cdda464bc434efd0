#pragma once
// Counting what a fused chain allocates and copies, for the tests that prove
// fusion (test_rdd_fusion, test_stream_fusion): a global operator new/delete
// replacement that counts allocations and bytes while switched on, and an
// element type that counts its copies and moves.
//
// Replacing operator new/delete is the only way to see allocations made inside
// rill; counting is switched on only around the action being measured. The
// replacement functions are definitions: include this header from exactly one
// .cpp of a test executable.
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
std::atomic<long> g_bytes{0};
void count(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    g_bytes.fetch_add(static_cast<long>(n), std::memory_order_relaxed);
  }
}
void* countedAlloc(std::size_t n) {
  count(n);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* countedAlignedAlloc(std::size_t n, std::align_val_t al) {
  count(n);
  const auto a = static_cast<std::size_t>(al);
  if (void* p = std::aligned_alloc(a, (n + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}
}  // namespace

// g++ inlines these into callers and then mistakes the free() below for a
// mismatch with the operator new it sees; they do pair up (malloc/free).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) { return countedAlloc(n); }
void* operator new[](std::size_t n) { return countedAlloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return std::malloc(n ? n : 1); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return std::malloc(n ? n : 1); }
void* operator new(std::size_t n, std::align_val_t a) { return countedAlignedAlloc(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return countedAlignedAlloc(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace rill_test {

struct Measured {
  long allocations = 0;
  long bytes = 0;
};

template <class Action>
Measured allocationsDuring(Action&& action) {
  g_allocations = 0;
  g_bytes = 0;
  g_counting = true;
  action();
  g_counting = false;
  return {g_allocations.load(), g_bytes.load()};
}

/// An element that counts its copies and moves.
struct Tracked {
  int v = 0;
  static inline std::atomic<long> copies{0}, moves{0};
  static void reset() { copies = moves = 0; }
  explicit Tracked(int x) : v(x) {}
  Tracked(const Tracked& o) : v(o.v) { ++copies; }
  Tracked(Tracked&& o) noexcept : v(o.v) { ++moves; }
  Tracked& operator=(const Tracked& o) {
    v = o.v;
    ++copies;
    return *this;
  }
  Tracked& operator=(Tracked&& o) noexcept {
    v = o.v;
    ++moves;
    return *this;
  }
};

std::vector<Tracked> trackedInput(int n) {
  std::vector<Tracked> v;
  v.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) v.emplace_back(i);
  return v;
}

/// map(x*10) -> filter(!= 20) -> flatMap({x, x+1}) over ints, each stage logging its
/// calls, so a test can see whether the stages run element by element.
template <class Source>
auto loggedStages(const Source& source, std::vector<std::string>& log) {
  return source
      .map([&log](int x) {
        log.push_back("map " + std::to_string(x));
        return x * 10;
      })
      .filter([&log](int x) {
        log.push_back("filter " + std::to_string(x));
        return x != 20;
      })
      .flatMap([&log](int x) {
        log.push_back("flatMap " + std::to_string(x));
        return std::vector<int>{x, x + 1};
      });
}

}  // namespace rill_test
