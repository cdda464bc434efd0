#pragma once
// Shared by the test_keyed_* files: contexts with 1, 2 and 8 workers, seeded
// random key/value data (uniform and skewed), and helpers to compare results
// as multisets.
#include <rill/rdd/spark_context.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyed_test {

/// One context per worker count, made once per test executable.
inline std::vector<rill::SparkContext*> contexts() {
  static std::vector<std::unique_ptr<rill::SparkContext>> owned;
  if (owned.empty())
    for (const char* master : {"local[1]", "local[2]", "local[8]"})
      owned.push_back(std::make_unique<rill::SparkContext>(rill::SparkConf().setMaster(master).setAppName("keyed")));
  std::vector<rill::SparkContext*> out;
  for (auto& c : owned) out.push_back(c.get());
  return out;
}

using KV = std::pair<int, long>;

/// n pairs with keys in [0, keys); `skew` of the records (e.g. 0.9) have key 0.
inline std::vector<KV> randomPairs(unsigned seed, std::size_t n, int keys, double skew = 0) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> key(0, keys - 1);
  std::uniform_int_distribution<long> value(-1000, 1000);
  std::bernoulli_distribution hot(skew);
  std::vector<KV> out;
  for (std::size_t i = 0; i < n; ++i) out.emplace_back(hot(rng) ? 0 : key(rng), value(rng));
  return out;
}

/// The space-separated words of a line, as views into it.
inline std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0; start <= line.size();) {
    const std::size_t end = std::min(line.find(' ', start), line.size());
    out.push_back(line.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

template <class T>
std::vector<T> sorted(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v;
}

/// Groups with their values sorted, the groups sorted: a multiset view of groupByKey output.
template <class K, class V>
std::vector<std::pair<K, std::vector<V>>> normalized(std::vector<std::pair<K, std::vector<V>>> groups) {
  for (auto& g : groups) std::sort(g.second.begin(), g.second.end());
  return sorted(std::move(groups));
}

}  // namespace keyed_test
