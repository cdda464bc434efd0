// rill::split: lazy words of a line (views into it) that still read as the vector
// of strings a split gave before, and a flatMap over it that makes owned strings.
#include "counting_new.hpp"
#include "rdd_test_support.hpp"

#include <rill/core/split.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

using rill_test::allocationsDuring;
using VS = std::vector<std::string>;

namespace {
VS sorted(VS v) {
  std::sort(v.begin(), v.end());
  return v;
}
}  // namespace

TEST_CASE("split gives the non-empty pieces, as strings wherever strings are asked for") {
  CHECK(rill::split("to be or not to be") == VS{"to", "be", "or", "not", "to", "be"});
  CHECK(rill::split("  a  b ") == VS{"a", "b"});
  CHECK(rill::split("") == VS{});
  CHECK(rill::split("").empty());
  CHECK(rill::split(" x").begin() != rill::split(" x").end());
  CHECK(rill::split("k=v;;x=y;", ';') == VS{"k=v", "x=y"});
  const VS asVector = rill::split("p q");
  CHECK(asVector == VS{"p", "q"});
  VS copied;
  for (std::string w : rill::split("ab cd")) copied.push_back(w);
  CHECK(copied == VS{"ab", "cd"});
  std::map<std::string, int> counts;
  for (const auto& w : rill::split("a b a")) ++counts[w];
  CHECK(counts == std::map<std::string, int>{{"a", 2}, {"b", 1}});
  // A temporary line is kept by the split, so the loop does not read a dead string.
  VS fromTemporary;
  for (std::string_view w : rill::split(std::string("one two three"))) fromTemporary.emplace_back(w);
  CHECK(fromTemporary == VS{"one", "two", "three"});
}

TEST_CASE("split allocates nothing to walk a line") {
  const std::string line = "a line of words long enough that a vector of them would allocate";
  std::size_t letters = 0;
  const auto measured = allocationsDuring([&] {
    for (std::string_view w : rill::split(line)) letters += w.size();
  });
  CHECK(measured.allocations == 0);
  CHECK(letters == 52);
}

TEST_CASE("flatMap(split) is an RDD of std::string, whatever the next function takes") {
  rill::SparkContext sc(rill_test::conf(2));
  auto lines = sc.parallelize(VS{"a b", "b  c", "", "c c"}, 3);
  auto words = lines.flatMap([](const std::string& l) { return rill::split(l); });
  static_assert(std::is_same_v<decltype(words)::value_type, std::string>);
  CHECK(sorted(words.collect()) == VS{"a", "b", "b", "c", "c", "c"});

  using Counts = std::vector<std::pair<std::string, long>>;
  const Counts expected{{"a", 1}, {"b", 2}, {"c", 3}};
  auto plus = [](long a, long b) { return a + b; };
  // A function of a string_view is given the word itself, one of a const std::string& a string.
  CHECK(words.map([](std::string_view w) { return std::pair<std::string, long>(w, 1); })
            .reduceByKey(plus)
            .sortByKey()
            .collect() == expected);
  CHECK(words.map([](const std::string& w) { return std::pair<std::string, long>(w, 1); })
            .reduceByKey(plus)
            .sortByKey()
            .collect() == expected);
  // A generic function sees a std::string, the RDD's element type.
  auto generic = words.map([](const auto& w) { return std::pair(w + "!", 1L); });
  static_assert(std::is_same_v<decltype(generic)::value_type, std::pair<std::string, long>>);
  CHECK(generic.reduceByKey(plus).sortByKey().collect() == Counts{{"a!", 1}, {"b!", 2}, {"c!", 3}});
  CHECK(words.filter([](const auto& w) { return w + "" != "b"; }).count() == 4);
}

TEST_CASE("a split of a line taken by value keeps its own copy, so its words outlive the parameter") {
  std::string kept = "left as it was";
  const auto copied = [](std::string line) { return rill::split(line); }(kept);
  kept.assign(kept.size(), 'x');  // the split does not view the caller's string either
  CHECK(copied == VS{"left", "as", "it", "was"});

  rill::SparkContext sc(rill_test::conf(2));
  auto lines = sc.parallelize(VS{"a b", "b  c", "", "c c"}, 3);
  CHECK(sorted(lines.flatMap([](std::string l) { return rill::split(l); }).collect()) ==
        VS{"a", "b", "b", "c", "c", "c"});
  CHECK(sorted(lines.flatMap([](auto l) { return rill::split(l); }).collect()) == VS{"a", "b", "b", "c", "c", "c"});
}
