// Transformations: exact results of map, filter, flatMap (containers, views,
// tokenizers), keyBy, glom, mapPartitions[WithIndex], union_ (partitioner-aware
// too), distinct, sample,
// zipWithIndex, cache, repartition and coalesce — with generic lambdas.
#include "rdd_test_support.hpp"

#include <rill/rdd.hpp>

#include <range/v3/range/conversion.hpp>
#include <range/v3/view/iota.hpp>
#include <range/v3/view/split.hpp>
#include <range/v3/view/transform.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using rill_test::iota;
using rill_test::sorted;
using VI = std::vector<int>;
using VVI = std::vector<VI>;
using VS = std::vector<std::string>;

namespace {

/// A user-written range: the words of a string_view, split on spaces, as views.
class Words {
 public:
  explicit Words(std::string_view text) : text_(text) {}
  class iterator {
   public:
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(std::string_view rest) : rest_(rest) { advance(); }
    std::string_view operator*() const { return word_; }
    iterator& operator++() {
      advance();
      return *this;
    }
    iterator operator++(int) {
      auto old = *this;
      advance();
      return old;
    }
    bool operator==(const iterator& o) const { return done_ == o.done_ && (done_ || rest_.data() == o.rest_.data()); }

   private:
    void advance() {
      const auto start = rest_.find_first_not_of(' ');
      if (start == std::string_view::npos) {
        done_ = true;
        return;
      }
      rest_.remove_prefix(start);
      const auto end = std::min(rest_.find(' '), rest_.size());
      word_ = rest_.substr(0, end);
      rest_.remove_prefix(end);
    }
    std::string_view rest_, word_;
    bool done_ = false;
  };
  iterator begin() const { return iterator(text_); }
  iterator end() const { return iterator(std::string_view()); }

 private:
  std::string_view text_;
};

VS splitWords(const std::string& line) {
  VS out;
  for (auto w : Words(line)) out.emplace_back(w);
  return out;
}

/// Key k to partition k mod n.
struct ModPartitioner {
  std::size_t n;
  std::size_t numPartitions() const { return n; }
  std::size_t getPartition(int key) const { return static_cast<std::size_t>(key) % n; }
  bool operator==(const ModPartitioner&) const = default;
};

const VS kLines{"to be or", "", "not  to be", "that is"};
const VS kWords{"to", "be", "or", "not", "to", "be", "that", "is"};

}  // namespace

TEST_CASE("map and filter fuse with generic lambdas, any worker count") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto odds = sc.parallelize(iota(1, 11), 3)
                    .map([](const auto& x) { return x * x; })
                    .filter([](const auto& x) { return x % 2 == 1; });
    CHECK(odds.collect() == VI{1, 9, 25, 49, 81});
    auto text = odds.map([](const auto& x) { return "n" + std::to_string(x); });
    CHECK(text.collect() == VS{"n1", "n9", "n25", "n49", "n81"});
    rill::RDD<std::string> stored = text;  // a chain converts to the storable RDD<T>
    CHECK(stored.map([](const auto& s) { return s.size(); }).collect() == std::vector<std::size_t>{2, 2, 3, 3, 3});
    CHECK(sc.parallelize(VI{}, 4).map([](int x) { return x + 1; }).collect().empty());
    CHECK(sc.parallelize(iota(0, 5), 2).filter([](const auto&) { return false; }).count() == 0);
  });
}

TEST_CASE("flatMap returning a std::vector<std::string>") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    CHECK(sc.parallelize(kLines, 3).flatMap([](const auto& line) { return splitWords(line); }).collect() == kWords);
  });
}

TEST_CASE("flatMap returning range-v3 views") {
  rill::SparkContext sc(rill_test::conf(2));
  SUBCASE("iota") {
    auto rdd = sc.parallelize(VI{1, 2, 3, 0}, 2).flatMap([](int n) { return ranges::views::iota(0, n); });
    CHECK(rdd.collect() == VI{0, 0, 1, 0, 1, 2});
  }
  SUBCASE("split, transformed to strings") {
    auto words = sc.parallelize(VS{"a b", "c"}, 2).flatMap([](const std::string& line) {
      return line | ranges::views::split(' ') |
             ranges::views::transform([](auto&& w) { return ranges::to<std::string>(w); });
    });
    CHECK(words.collect() == VS{"a", "b", "c"});
  }
}

TEST_CASE("flatMap returning a user tokenizer type with begin()/end()") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto words = sc.parallelize(kLines, 2)
                     .flatMap([](const auto& line) { return Words(line); })
                     .map([](std::string_view w) { return std::string(w); });
    CHECK(words.collect() == kWords);
    // The views point into the element being processed: fine inside the fused chain.
    CHECK(sc.parallelize(kLines, 2)
              .map([](const auto& line) { return line + " !"; })
              .flatMap([](const auto& line) { return Words(line); })
              .map([](std::string_view w) { return w.size(); })
              .reduce([](auto a, auto b) { return a + b; }) == 23u);
  });
}

TEST_CASE("keyBy pairs each element with its key") {
  rill::SparkContext sc(rill_test::conf(2));
  auto keyed = sc.parallelize(VS{"apple", "kiwi", "fig"}, 2).keyBy([](const auto& s) { return s.size(); });
  using P = std::pair<std::size_t, std::string>;
  CHECK(keyed.collect() == std::vector<P>{{5, "apple"}, {4, "kiwi"}, {3, "fig"}});
}

TEST_CASE("glom gives one vector per partition, empty ones included") {
  rill::SparkContext sc(rill_test::conf(2));
  CHECK(sc.parallelize(iota(0, 7), 3).glom().collect() == VVI{{0, 1}, {2, 3}, {4, 5, 6}});
  CHECK(sc.parallelize(VI{1}, 3).glom().collect() == VVI{{}, {}, {1}});
  CHECK(sc.parallelize(iota(0, 4), 2).filter([](int x) { return x != 1; }).glom().collect() == VVI{{0}, {2, 3}});
}

TEST_CASE("mapPartitions and mapPartitionsWithIndex") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto rdd = sc.parallelize(iota(1, 8), 3);  // {1,2} {3,4} {5,6,7}
    CHECK(rdd.mapPartitions([](auto& part) { return VI{static_cast<int>(part.size())}; }).collect() == VI{2, 2, 3});
    auto sums = rdd.mapPartitionsWithIndex([](std::size_t i, const auto& part) {
      int s = 0;
      for (int x : part) s += x;
      return std::vector<std::pair<std::size_t, int>>{{i, s}};
    });
    CHECK(sums.collect() == std::vector<std::pair<std::size_t, int>>{{0, 3}, {1, 7}, {2, 18}});
    // The partition may be returned (moved) as is; stages before and after still fuse.
    auto same = rdd.map([](int x) { return x * 10; })
                    .mapPartitions([](auto& part) { return std::move(part); })
                    .filter([](int x) { return x > 20; });
    CHECK(same.collect() == VI{30, 40, 50, 60, 70});
    CHECK(sc.parallelize(VI{}, 2).mapPartitions([](auto& p) { return VI{static_cast<int>(p.size())}; }).collect() ==
          VI{0, 0});
  });
}

TEST_CASE("union_ keeps both sides' partitions in order") {
  rill::SparkContext sc(rill_test::conf(2));
  auto a = sc.parallelize(VI{1, 2, 3}, 2);
  auto b = sc.parallelize(VI{10, 20}, 3).map([](int x) { return x + 1; });
  auto u = a.union_(b);
  CHECK(u.getNumPartitions() == 5);
  CHECK(u.collect() == VI{1, 2, 3, 11, 21});
  CHECK(u.glom().collect() == VVI{{1}, {2, 3}, {}, {11}, {21}});
  CHECK(b.union_(a).map([](int x) { return -x; }).collect() == VI{-11, -21, -1, -2, -3});
  CHECK(a.union_(sc.emptyRDD<int>()).collect() == VI{1, 2, 3});
  CHECK(a.union_(a).count() == 6);
}

TEST_CASE("union_ of RDDs with the same partitioner: partition i of each in turn, the partitioner kept") {
  using Pairs = std::vector<std::pair<int, char>>;
  using Glom = std::vector<Pairs>;
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto a = sc.parallelize(Pairs{{0, 'a'}, {1, 'b'}, {2, 'c'}, {3, 'd'}}, 2).partitionBy(ModPartitioner{3});
    auto b = sc.parallelize(Pairs{{4, 'e'}, {5, 'f'}, {6, 'g'}}, 1).partitionBy(ModPartitioner{3});
    const Glom both{{{0, 'a'}, {3, 'd'}, {6, 'g'}}, {{1, 'b'}, {4, 'e'}}, {{2, 'c'}, {5, 'f'}}};
    auto u = a.union_(b);
    CHECK(u.glom().collect() == both);
    CHECK((u.partitioner() == a.partitioner()));
    CHECK(sc.union_(a, b, sc.emptyRDD<std::pair<int, char>>()).glom().collect() == both);
    CHECK((sc.union_(std::vector<rill::RDD<std::pair<int, char>>>{b, a}).partitioner() == b.partitioner()));
    CHECK((a.union_(sc.emptyRDD<std::pair<int, char>>()).partitioner() == a.partitioner()));
    CHECK((u.join(sc.parallelize(Pairs{{3, 'x'}}, 7)).partitioner() == a.partitioner()));  // in place
    // Equal partitioners of separate partitionBy calls count as the same.
    auto h1 = sc.parallelize(iota(0, 20), 2).keyBy([](int x) { return x % 7; }).partitionBy(rill::HashPartitioner(3));
    auto h2 = sc.parallelize(iota(20, 30), 5).keyBy([](int x) { return x % 7; }).partitionBy(rill::HashPartitioner(3));
    CHECK(h1.union_(h2).getNumPartitions() == 3);
    CHECK(h1.union_(h2).count() == 30);
    // Otherwise the partitions one after the other, no partitioner.
    auto other = sc.parallelize(Pairs{{7, 'h'}}, 1).partitionBy(ModPartitioner{2});
    CHECK(a.union_(other).glom().collect() == Glom{{{0, 'a'}, {3, 'd'}}, {{1, 'b'}}, {{2, 'c'}}, {}, {{7, 'h'}}});
    CHECK_FALSE(a.union_(other).partitioner());
    CHECK(a.union_(b.mapValues([](char c) { return c; }).map([](const auto& kv) { return kv; })).getNumPartitions() == 6);
  });
}

TEST_CASE("distinct keeps each element once") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto rdd = sc.parallelize(VI{3, 1, 3, 2, 1, 3, 7}, 3);
    CHECK(sorted(rdd.distinct().collect()) == VI{1, 2, 3, 7});
    CHECK(rdd.distinct().getNumPartitions() == 3);
    CHECK(rdd.distinct(5).getNumPartitions() == 5);
    CHECK(sorted(rdd.distinct(1).collect()) == VI{1, 2, 3, 7});
    CHECK(sorted(sc.parallelize(VS{"b", "a", "b"}, 2).distinct().collect()) == VS{"a", "b"});
    CHECK(sc.parallelize(VI{}, 2).distinct().count() == 0);
    CHECK(sc.emptyRDD<int>().distinct().getNumPartitions() == 0);  // Spark's distinct(partitions.length)
  });
}

TEST_CASE("sample is deterministic for a seed, whatever the worker count") {
  const auto data = iota(0, 2000);
  std::vector<VI> without, with;
  for (std::size_t w : {1u, 2u, 8u}) {
    rill::SparkContext sc(rill_test::conf(w));
    auto rdd = sc.parallelize(data, 4);
    auto s = rdd.sample(false, 0.1, 7);
    auto first = s.collect();
    CHECK(s.collect() == first);  // same result twice
    without.push_back(first);
    with.push_back(rdd.sample(true, 1.5, 11).collect());
  }
  CHECK(without[0] == without[1]);
  CHECK(without[0] == without[2]);
  CHECK(with[0] == with[1]);
  CHECK(with[0] == with[2]);
  // Without replacement: a subset, in order, no repeats, about 10%.
  const auto& s = without[0];
  CHECK(std::is_sorted(s.begin(), s.end()));
  CHECK(std::adjacent_find(s.begin(), s.end()) == s.end());
  CHECK(std::all_of(s.begin(), s.end(), [](int x) { return x >= 0 && x < 2000; }));
  CHECK(s.size() > 100);
  CHECK(s.size() < 300);
  // With replacement: elements repeat, about 1.5 copies each.
  const auto& r = with[0];
  CHECK(std::all_of(r.begin(), r.end(), [](int x) { return x >= 0 && x < 2000; }));
  CHECK(std::adjacent_find(r.begin(), r.end()) != r.end());
  CHECK(r.size() > 2600);
  CHECK(r.size() < 3400);
  // Another seed gives another sample.
  rill::SparkContext sc(rill_test::conf(2));
  CHECK(sc.parallelize(data, 4).sample(false, 0.1, 8).collect() != without[0]);
}

TEST_CASE("sample edge fractions") {
  rill::SparkContext sc(rill_test::conf(2));
  auto rdd = sc.parallelize(iota(0, 100), 3);
  CHECK(rdd.sample(false, 0.0, 1).count() == 0);
  CHECK(rdd.sample(false, 1.0, 1).collect() == iota(0, 100));
  CHECK(rdd.sample(true, 0.0, 1).count() == 0);
  CHECK(sc.emptyRDD<int>().sample(true, 2.0).count() == 0);
}

TEST_CASE("zipWithIndex numbers elements by partition, then position") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    using P = std::pair<std::string, std::int64_t>;
    CHECK(sc.parallelize(VS{"a", "b", "c", "d", "e"}, 3).zipWithIndex().collect() ==
          std::vector<P>{{"a", 0}, {"b", 1}, {"c", 2}, {"d", 3}, {"e", 4}});
    // Empty partitions in between, and a chain before it.
    auto z = sc.parallelize(iota(0, 3), 7).map([](int x) { return x * 2; }).zipWithIndex();
    CHECK(z.collect() == std::vector<std::pair<int, std::int64_t>>{{0, 0}, {2, 1}, {4, 2}});
    CHECK(z.take(2) == std::vector<std::pair<int, std::int64_t>>{{0, 0}, {2, 1}});
    CHECK(sc.parallelize(VI{}, 2).zipWithIndex().count() == 0);
  });
}

TEST_CASE("cache computes the parent once across actions") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    std::atomic<int> calls{0};
    auto counted = sc.parallelize(iota(0, 50), 4).map([&calls](int x) {
      ++calls;
      return x + 1;
    });
    auto cached = counted.cache();
    CHECK(calls == 0);  // lazy
    CHECK(cached.count() == 50);
    CHECK(calls == 50);
    CHECK(cached.sum() == 1275);
    CHECK(cached.filter([](int x) { return x > 45; }).collect() == VI{46, 47, 48, 49, 50});
    CHECK(calls == 50);  // not recomputed
    CHECK(counted.persist().count() == 50);
    CHECK(calls == 100);  // a new cache() is a new cached RDD
    calls = 0;
    counted.count();
    counted.count();
    CHECK(calls == 100);  // without cache, each action recomputes
  });
}

TEST_CASE("repartition and coalesce keep the elements and set the partition count") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    const auto data = iota(0, 37);
    auto rdd = sc.parallelize(data, 5).map([](int x) { return x; });
    for (std::size_t n : {1u, 2u, 3u, 8u, 50u}) {
      CAPTURE(n);
      auto re = rdd.repartition(n);
      CHECK(re.getNumPartitions() == n);
      CHECK(sorted(re.collect()) == data);
      auto sizes = re.glom().map([](const auto& p) { return p.size(); }).collect();
      const auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
      CHECK(*hi - *lo <= 5);  // round robin from every input partition: balanced
      auto shuffled = rdd.coalesce(n, true);
      CHECK(shuffled.getNumPartitions() == n);
      CHECK(sorted(shuffled.collect()) == data);
    }
    // coalesce without a shuffle merges neighbours, so order is kept.
    CHECK(rdd.coalesce(2).getNumPartitions() == 2);
    CHECK(rdd.coalesce(2).collect() == data);
    CHECK(rdd.coalesce(2).glom().map([](const auto& p) { return p.size(); }).collect() ==
          std::vector<std::size_t>{14, 23});  // parents {0,1} and {2,3,4} of 7/7/8/7/8
    CHECK(rdd.coalesce(1).collect() == data);
    CHECK(rdd.coalesce(9).getNumPartitions() == 5);  // never more without a shuffle
    CHECK(sc.emptyRDD<int>().repartition(3).glom().collect() == VVI{{}, {}, {}});
  });
}

TEST_CASE("rill::split: the words of a line, empty pieces skipped, owned strings") {
  using VS = std::vector<std::string>;
  CHECK(rill::split("to be or not to be") == VS{"to", "be", "or", "not", "to", "be"});
  CHECK(rill::split("  a  b ") == VS{"a", "b"});
  CHECK(rill::split("") == VS{});
  CHECK(rill::split("   ") == VS{});
  CHECK(rill::split("k=v;x=y", ';') == VS{"k=v", "x=y"});
  rill::SparkContext sc(rill_test::conf(2));
  auto words = sc.parallelize(VS{"a b", "b  c", ""}, 2).flatMap([](const std::string& l) { return rill::split(l); });
  CHECK(sorted(words.collect()) == VS{"a", "b", "b", "c"});
}
