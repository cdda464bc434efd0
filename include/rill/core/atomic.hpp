#pragma once
// rill::Atomic<T>: the part of std::atomic rill uses (load, store, exchange,
// compare_exchange_strong, fetch_add/fetch_sub and their operators) for
// integers, bool and pointers, on the compiler's __atomic builtins, which is
// what libstdc++'s std::atomic compiles to. Since C++20 <atomic> also brings
// atomic waiting, atomic_ref and the floating-point and shared_ptr atomics,
// which every program including rill would parse (6 MB of g++ memory for a word
// count; README, "Compile cost").
// The builtins are what ThreadSanitizer instruments, so it sees these as
// atomics too. Programs keep using std::atomic for their own counters.
#include <type_traits>

namespace rill {

enum class MemoryOrder : int {
  relaxed = __ATOMIC_RELAXED,
  acquire = __ATOMIC_ACQUIRE,
  release = __ATOMIC_RELEASE,
  acqRel = __ATOMIC_ACQ_REL,
  seqCst = __ATOMIC_SEQ_CST,
};

template <class T>
class Atomic {
  static_assert(std::is_integral_v<T> || std::is_pointer_v<T>, "rill: Atomic<T> holds an integer, a bool or a pointer");

 public:
  constexpr Atomic() noexcept : value_() {}
  constexpr Atomic(T value) noexcept : value_(value) {}  // NOLINT: implicit, as std::atomic
  Atomic(const Atomic&) = delete;
  Atomic& operator=(const Atomic&) = delete;

  T load(MemoryOrder order = MemoryOrder::seqCst) const noexcept {
    return __atomic_load_n(&value_, static_cast<int>(order));
  }
  void store(T value, MemoryOrder order = MemoryOrder::seqCst) noexcept {
    __atomic_store_n(&value_, value, static_cast<int>(order));
  }
  T exchange(T value, MemoryOrder order = MemoryOrder::seqCst) noexcept {
    return __atomic_exchange_n(&value_, value, static_cast<int>(order));
  }
  /// If the value is `expected`, replaces it with `desired` and returns true; else
  /// returns false with the value in `expected`.
  bool compare_exchange_strong(T& expected, T desired, MemoryOrder order = MemoryOrder::seqCst) noexcept {
    return __atomic_compare_exchange_n(&value_, &expected, desired, false, static_cast<int>(order),
                                       static_cast<int>(failureOrder(order)));
  }
  operator T() const noexcept { return load(); }  // NOLINT: implicit, as std::atomic
  T operator=(T value) noexcept {
    store(value);
    return value;
  }

  /// Integers only (not bool, not pointers).
  T fetch_add(T n, MemoryOrder order = MemoryOrder::seqCst) noexcept
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  {
    return __atomic_fetch_add(&value_, n, static_cast<int>(order));
  }
  T fetch_sub(T n, MemoryOrder order = MemoryOrder::seqCst) noexcept
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  {
    return __atomic_fetch_sub(&value_, n, static_cast<int>(order));
  }
  T operator++() noexcept { return fetch_add(1) + 1; }
  T operator--() noexcept { return fetch_sub(1) - 1; }
  T operator++(int) noexcept { return fetch_add(1); }
  T operator--(int) noexcept { return fetch_sub(1); }
  T operator+=(T n) noexcept { return fetch_add(n) + n; }
  T operator-=(T n) noexcept { return fetch_sub(n) - n; }

 private:
  // A failed compare-exchange only reads: no release part (as std::atomic derives it).
  static constexpr MemoryOrder failureOrder(MemoryOrder order) {
    if (order == MemoryOrder::release) return MemoryOrder::relaxed;
    return order == MemoryOrder::acqRel ? MemoryOrder::acquire : order;
  }
  T value_;
};

}  // namespace rill
