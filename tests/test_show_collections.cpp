// rill::toString prints maps and sets as Scala does — "Map(a -> 1, b -> 2)",
// "Set(a, b)" — which is what collectAsMap, countByKey and countByValue return;
// hashed containers print sorted by key, so the same contents print alike
// whatever their hash order.
#include <doctest/doctest.h>

#include <rill/core/show.hpp>
#include <rill/rdd.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace {

/// A key with a hash and == but no <: sorted by its printed form.
struct Tag {
  int n;
  bool operator==(const Tag&) const = default;
  friend std::ostream& operator<<(std::ostream& os, const Tag& t) { return os << "tag" << t.n; }
};

}  // namespace

template <>
struct std::hash<Tag> {
  std::size_t operator()(const Tag& t) const { return std::hash<int>()(t.n); }
};

TEST_CASE("maps print as Scala's Map(k -> v, ...), sets as Set(k, ...)") {
  CHECK(rill::toString(std::map<std::string, int>{{"b", 2}, {"a", 1}}) == "Map(a -> 1, b -> 2)");
  CHECK(rill::toString(std::set<int>{3, 1, 2}) == "Set(1, 2, 3)");
  CHECK(rill::toString(std::map<int, int>{}) == "Map()");
  CHECK(rill::toString(std::set<std::string>{}) == "Set()");
  CHECK(rill::toString(std::map<int, std::string>{{7, "x"}}) == "Map(7 -> x)");
  // Elements print as they do anywhere else: doubles as Java, pairs without a space.
  CHECK(rill::toString(std::map<std::string, double>{{"x", 2}, {"y", 0.5}}) == "Map(x -> 2.0, y -> 0.5)");
  CHECK(rill::toString(std::set<std::pair<std::string, int>>{{"b", 1}, {"a", 2}}) == "Set((a,2), (b,1))");
  CHECK(rill::toString(std::map<std::pair<std::string, std::int64_t>, std::vector<int>>{{{"c", 10000}, {1, 2}}}) ==
        "Map((c,10000) -> [1, 2])");
  CHECK(rill::toString(std::map<int, std::optional<bool>>{{1, true}, {2, std::nullopt}}) ==
        "Map(1 -> Some(true), 2 -> None)");
  // Inside other values.
  CHECK(rill::toString(std::pair<std::string, std::set<int>>{"k", {2, 1}}) == "(k,Set(1, 2))");
  CHECK(rill::toString(std::vector<std::map<int, int>>{{{1, 2}}, {}}) == "[Map(1 -> 2), Map()]");
  CHECK(rill::toString(std::array<int, 3>{4, 5, 6}) == "[4, 5, 6]");
}

TEST_CASE("hashed maps and sets print sorted by key, whatever their hash order") {
  std::unordered_map<int, std::string> numbers;
  for (int i = 40; i >= 0; i -= 4) numbers[i] = "v" + std::to_string(i);
  CHECK(rill::toString(numbers) ==
        "Map(0 -> v0, 4 -> v4, 8 -> v8, 12 -> v12, 16 -> v16, 20 -> v20, 24 -> v24, 28 -> v28, 32 -> v32, 36 -> v36, "
        "40 -> v40)");
  CHECK(rill::toString(std::unordered_set<std::string>{"pear", "fig", "apple", "kiwi"}) == "Set(apple, fig, kiwi, pear)");
  CHECK(rill::toString(std::unordered_multiset<int>{2, 1, 2}) == "Set(1, 2, 2)");
  CHECK(rill::toString(std::unordered_map<std::string, int>{}) == "Map()");
  // Numbers by value, not by their text: 9 before 10.
  CHECK(rill::toString(std::unordered_set<int>{10, 9, 100}) == "Set(9, 10, 100)");
  // Composite keys with rill::Hash, by their own <.
  using Window = std::pair<std::string, std::int64_t>;
  std::unordered_map<Window, long, rill::Hash<Window>> windows{{{"b", 0}, 1}, {{"a", 10000}, 2}, {{"a", 0}, 3}};
  CHECK(rill::toString(windows) == "Map((a,0) -> 3, (a,10000) -> 2, (b,0) -> 1)");
  // Keys without <: by their printed form.
  CHECK(rill::toString(std::unordered_map<Tag, int>{{{2}, 20}, {{10}, 100}, {{1}, 10}}) ==
        "Map(tag1 -> 10, tag10 -> 100, tag2 -> 20)");
  CHECK(rill::toString(std::unordered_set<Tag>{{3}, {1}}) == "Set(tag1, tag3)");
}

TEST_CASE("what collectAsMap, countByKey and countByValue return prints as Spark shows it") {
  rill::SparkContext sc(rill::SparkConf().setAppName("rill-show-test").setMaster("local[2]"));
  const std::vector<std::string> words{"pear", "fig", "apple", "fig", "kiwi"};
  auto rdd = sc.parallelize(words, 3);
  CHECK(rill::toString(rdd.countByValue()) == "Map(apple -> 1, fig -> 2, kiwi -> 1, pear -> 1)");
  auto pairs = rdd.map([](const std::string& w) { return std::pair<std::string, int>(w, static_cast<int>(w.size())); });
  CHECK(rill::toString(pairs.countByKey()) == "Map(apple -> 1, fig -> 2, kiwi -> 1, pear -> 1)");
  CHECK(rill::toString(pairs.collectAsMap()) == "Map(apple -> 5, fig -> 3, kiwi -> 4, pear -> 4)");
  auto windows = rdd.map([](const std::string& w) { return std::pair(std::pair(w.front(), w.size()), 1.5); });
  CHECK(rill::toString(windows.reduceByKey([](double a, double b) { return a + b; }).collectAsMap()) ==
        "Map((a,5) -> 1.5, (f,3) -> 3.0, (k,4) -> 1.5, (p,4) -> 1.5)");
  CHECK(rill::toString(sc.parallelize(std::vector<int>{}, 2).countByValue()) == "Map()");
}
