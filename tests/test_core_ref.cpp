// rill::Ref<T>, the counted reference RDDs hold their nodes and partitioners
// by: the object is deleted exactly once, when the last Ref lets go, also when
// Refs are copied and dropped on several threads at once.
#include <doctest/doctest.h>

#include <rill/core/ref.hpp>

#include <cstddef>
#include <thread>
#include <utility>
#include <vector>

namespace {

struct Base : rill::RefCounted {
  explicit Base(int* deletions, int value = 0) : deletions(deletions), value(value) {}
  ~Base() override { ++*deletions; }
  int* deletions;
  int value;
};

struct Derived final : Base {
  using Base::Base;
  int extra = 7;
};

}  // namespace

TEST_CASE("Ref: null by default, set by makeRef, deleted with its last owner") {
  rill::Ref<Base> none;
  CHECK_FALSE(static_cast<bool>(none));
  CHECK(none.get() == nullptr);
  CHECK(none == nullptr);

  int deletions = 0;
  {
    rill::Ref<Base> a = rill::makeRef<Base>(&deletions, 42);
    REQUIRE(static_cast<bool>(a));
    CHECK(a->value == 42);
    CHECK((*a).value == 42);
    {
      rill::Ref<Base> b = a;  // copy: two owners
      CHECK(b == a);
      CHECK(b.get() == a.get());
    }
    CHECK(deletions == 0);  // a still owns it
    rill::Ref<Base> c = std::move(a);
    CHECK_FALSE(static_cast<bool>(a));  // NOLINT: moved-from is null, as shared_ptr
    CHECK(c->value == 42);
    CHECK(deletions == 0);
  }
  CHECK(deletions == 1);
}

TEST_CASE("Ref: assignment releases the old object and takes the new one") {
  int first = 0, second = 0;
  rill::Ref<Base> a = rill::makeRef<Base>(&first, 1);
  rill::Ref<Base> b = rill::makeRef<Base>(&second, 2);
  a = b;
  CHECK(first == 1);
  CHECK(second == 0);
  CHECK(a->value == 2);
  rill::Ref<Base>& alias = a;
  a = alias;  // self-assignment keeps it
  CHECK(second == 0);
  CHECK(a->value == 2);
  b = nullptr;
  CHECK(second == 0);
  a = rill::Ref<Base>();
  CHECK(second == 1);
}

TEST_CASE("Ref: a Ref of a derived type converts to a Ref of its const base, sharing the count") {
  int deletions = 0;
  rill::Ref<const Base> base;
  {
    rill::Ref<Derived> derived = rill::makeRef<Derived>(&deletions, 5);
    base = derived;
    CHECK(base.get() == derived.get());
    CHECK(static_cast<const Derived*>(base.get())->extra == 7);
    rill::Ref<const Base> moved(std::move(derived));
    CHECK_FALSE(static_cast<bool>(derived));  // NOLINT
    CHECK(moved == base);
  }
  CHECK(deletions == 0);
  CHECK(base->value == 5);
  base = nullptr;
  CHECK(deletions == 1);
}

TEST_CASE("Ref: the count lives in the object, so a Ref made again from its pointer shares it") {
  int deletions = 0;
  rill::Ref<Base> a = rill::makeRef<Base>(&deletions);
  rill::Ref<Base> again(a.get());
  a = nullptr;
  CHECK(deletions == 0);
  again = nullptr;
  CHECK(deletions == 1);
}

TEST_CASE("Ref: copies made and dropped on four threads delete the object exactly once") {
  int deletions = 0;
  rill::Ref<const Base> shared = rill::makeRef<Derived>(&deletions, 3);
  std::vector<std::thread> threads;
  std::vector<long> seen(4, 0);
  for (std::size_t t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100000; ++i) {
        rill::Ref<const Base> copy = shared;
        seen[t] += copy->value;
      }
    });
  for (auto& th : threads) th.join();
  for (long s : seen) CHECK(s == 300000);
  CHECK(deletions == 0);
  shared = nullptr;
  CHECK(deletions == 1);
}
