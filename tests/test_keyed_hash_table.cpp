// The open-addressing table behind the keyed operations: growth, collisions,
// heterogeneous (std::string_view) lookup, insertion order.
#include <doctest/doctest.h>

#include <rill/rdd/hash_table.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

using rill::detail::FlatMap;

TEST_CASE("FlatMap counts like std::unordered_map through many growths") {
  FlatMap<std::int64_t, long> table;
  std::unordered_map<std::int64_t, long> reference;
  std::uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 200000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift
    const auto key = static_cast<std::int64_t>(x % 50000) * 1024;  // multiples of 1024: poor low bits
    table.upsert(key, [] { return 1L; }, [](long& c) { ++c; });
    ++reference[key];
  }
  REQUIRE(table.size() == reference.size());
  for (auto& [k, c] : table.entries()) CHECK(reference.at(k) == c);
  CHECK(table.find(std::int64_t{3}) == nullptr);
}

TEST_CASE("entries stay in insertion order") {
  FlatMap<int, int> table;
  for (int k : {5, 3, 5, 9, 3, 1}) table.upsert(k, [] { return 1; }, [](int& c) { ++c; });
  auto entries = std::move(table).take();
  CHECK(entries == std::vector<std::pair<int, int>>{{5, 2}, {3, 2}, {9, 1}, {1, 1}});
}

TEST_CASE("a table of std::string keys is probed with std::string_view") {
  FlatMap<std::string, int> table;
  const std::string text = "the cat and the hat and the bat";
  std::string_view rest(text);
  for (std::size_t at; !rest.empty(); rest.remove_prefix(at == rest.npos ? rest.size() : at + 1)) {
    at = rest.find(' ');
    table.upsert(rest.substr(0, at), [] { return 1; }, [](int& c) { ++c; });
  }
  CHECK(table.size() == 5);
  CHECK(*table.find(std::string_view("the")) == 3);
  CHECK(*table.find(std::string("and")) == 2);
  CHECK(table.find(std::string_view("dog")) == nullptr);
}

TEST_CASE("a constant hasher still gives right answers (every key collides)") {
  struct Constant {
    std::size_t operator()(int) const { return 42; }
  };
  FlatMap<int, int, Constant> table;
  for (int round = 0; round < 3; ++round)
    for (int k = 0; k < 300; ++k) table.upsert(k, [] { return 1; }, [](int& c) { ++c; });
  CHECK(table.size() == 300);
  for (int k = 0; k < 300; ++k) CHECK(*table.find(k) == 3);
}

TEST_CASE("a value whose construction throws leaves the table unchanged") {
  FlatMap<std::string, int> table;
  table.upsert(std::string("a"), [] { return 1; }, [](int&) {});
  CHECK_THROWS(table.upsert(std::string("b"), []() -> int { throw 7; }, [](int&) {}));
  CHECK(table.size() == 1);
  CHECK(table.find(std::string_view("b")) == nullptr);
  table.upsert(std::string("b"), [] { return 2; }, [](int&) {});
  CHECK(*table.find(std::string_view("b")) == 2);
}

TEST_CASE("a copied table is independent; a moved-from table is empty and usable again") {
  FlatMap<std::string, int> table;
  for (int i = 0; i < 100; ++i) table.upsert("k" + std::to_string(i), [&] { return i; }, [](int&) {});
  FlatMap<std::string, int> copy = table;  // the index's slot array is copied, not shared
  table.upsert(std::string("k0"), [] { return -1; }, [](int& c) { c = 1000; });
  table.upsert(std::string("new"), [] { return 7; }, [](int&) {});
  REQUIRE(copy.size() == 100);
  CHECK(*copy.find(std::string("k0")) == 0);
  CHECK(*copy.find(std::string("k99")) == 99);
  CHECK(copy.find(std::string("new")) == nullptr);
  CHECK(*table.find(std::string("k0")) == 1000);
  CHECK(*table.find(std::string("new")) == 7);

  FlatMap<std::string, int> moved = std::move(copy);
  CHECK(moved.size() == 100);
  CHECK(*moved.find(std::string("k42")) == 42);
  CHECK(copy.size() == 0);  // NOLINT: moved-from is empty
  CHECK(copy.find(std::string("k42")) == nullptr);
  copy.upsert(std::string("again"), [] { return 3; }, [](int&) {});
  CHECK(*copy.find(std::string("again")) == 3);

  moved = table;  // assignment replaces the old index
  CHECK(moved.size() == 101);
  CHECK(*moved.find(std::string("new")) == 7);
  CHECK(moved.find(std::string("again")) == nullptr);
}
