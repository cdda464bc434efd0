#pragma once
// Ref<T>: a shared, counted reference to an object that derives from
// RefCounted (an intrusive count, as Thrill's CountingPtr). RDD nodes and
// partitioners are shared by every RDD built on them, accumulator cells by
// their handles and the context.
// Why intrusive, not std::shared_ptr: a Ref is one pointer and the count sits in the node (no control block).
#include <atomic>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace rill {

namespace detail {
class RefBase;
}

/// Base of objects held by Ref<T>: the count lives in the object.
class RefCounted {
 public:
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;

 protected:
  RefCounted() = default;
  virtual ~RefCounted() = default;

 private:
  friend class detail::RefBase;
  mutable std::atomic<std::size_t> refs_{0};
};

namespace detail {

/// The untyped part of Ref<T>: copying, moving and releasing the count.
class RefBase {
 public:
  RefBase(const RefBase& other) noexcept : p_(other.p_) { retain(); }
  RefBase(RefBase&& other) noexcept : p_(other.p_) { other.p_ = nullptr; }
  RefBase& operator=(RefBase other) noexcept {  // by value: self-assignment and moves alike
    const RefCounted* held = p_;
    p_ = other.p_;
    other.p_ = held;
    return *this;
  }
  ~RefBase() { release(); }

 protected:
  constexpr RefBase() noexcept = default;
  explicit RefBase(const RefCounted* p) noexcept : p_(p) { retain(); }
  const RefCounted* p_ = nullptr;

 private:
  void retain() const noexcept {
    if (p_) p_->refs_.fetch_add(1, std::memory_order_relaxed);
  }
  // acq_rel: the last owner must see every other owner's writes before it deletes.
  void release() noexcept {
    if (p_ && p_->refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete p_;
    p_ = nullptr;
  }
};

}  // namespace detail

/// A counted reference to a T (which derives from RefCounted; T may be const).
/// Null by default; a Ref<Derived> converts to a Ref<Base>.
template <class T>
class Ref : public detail::RefBase {
 public:
  using element_type = T;

  constexpr Ref() noexcept = default;
  constexpr Ref(std::nullptr_t) noexcept {}  // NOLINT: implicit, as shared_ptr
  /// Takes a share of `p`: a new object (count 0) or one another Ref already holds.
  explicit Ref(T* p) noexcept : RefBase(p) {
    static_assert(std::is_base_of_v<RefCounted, std::remove_cv_t<T>>, "rill: Ref<T> needs a T derived from RefCounted");
  }
  template <class U>
    requires std::is_convertible_v<U*, T*>
  Ref(const Ref<U>& other) noexcept : RefBase(other) {}  // NOLINT: implicit, as shared_ptr
  template <class U>
    requires std::is_convertible_v<U*, T*>
  Ref(Ref<U>&& other) noexcept : RefBase(std::move(other)) {}  // NOLINT

  T* get() const noexcept { return const_cast<T*>(static_cast<const T*>(p_)); }
  T& operator*() const noexcept { return *get(); }
  T* operator->() const noexcept { return get(); }
  explicit operator bool() const noexcept { return p_ != nullptr; }

  friend bool operator==(const Ref& a, const Ref& b) noexcept { return a.p_ == b.p_; }
  friend bool operator==(const Ref& a, std::nullptr_t) noexcept { return !a; }
};

/// Ref<T>(new T(args...)).
template <class T, class... Args>
Ref<T> makeRef(Args&&... args) {
  return Ref<T>(new T(std::forward<Args>(args)...));
}

}  // namespace rill
