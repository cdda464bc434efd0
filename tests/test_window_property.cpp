// The incremental window forms (inverse function: add what enters, subtract
// what leaves) against the naive ones (reduce every batch of the window), on
// random input with fixed seeds, for windows and slides of several sizes,
// including slides longer than the window and empty batches. The keyed sums
// are also checked against an oracle computed in plain C++ from the input
// alone, so a mistake shared by both forms (they share slicing and partial
// windows) does not pass.
#include "window_state_support.hpp"

#include <rill/stream/streaming_context.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace ws_test;
using rill::Seconds;
using SI = std::pair<std::string, int>;
using SL = std::pair<std::string, std::int64_t>;

namespace {

constexpr std::size_t kBatches = 30;

Batches<SI> randomInput(std::uint32_t seed) {
  std::mt19937 rng(seed);
  Batches<SI> in(kBatches);
  for (auto& batch : in) {
    const auto n = rng() % 4 == 0 ? 0 : rng() % 9;  // a quarter of the batches are empty
    for (std::uint32_t i = 0; i < n; ++i)
      batch.emplace_back(std::string(1, static_cast<char>('a' + rng() % 6)), static_cast<int>(1 + rng() % 5));
  }
  return in;
}

template <class T>
std::vector<T> withoutZeros(std::vector<T> v) {
  std::erase_if(v, [](const auto& kv) { return kv.second == 0; });
  return v;
}

/// Collects a stream's batches per batch time, each sorted.
template <class T>
using ByTime = std::shared_ptr<std::map<std::int64_t, std::vector<T>>>;

template <class S>
auto byTime(const S& stream) {
  auto out = std::make_shared<std::map<std::int64_t, std::vector<typename S::value_type>>>();
  stream.foreachRDD([out](const auto& rdd, rill::Time t) { (*out)[t.milliseconds()] = sorted(rdd.collect()); });
  return out;
}

/// The oracle for reduceByKeyAndWindow(+, [-,] window w, slide s) in seconds, over
/// the batches up to endSeconds (input batch i is the batch at (i + 1) s, later
/// batches are empty), written from Spark's rules and not from rill's code:
/// output only at t = k * s (k >= 1); the window at t sums each key's values
/// over the batches at times in (t - w, t], those before the first batch simply
/// missing (partial windows at the start). keepVanished: the form with invF and
/// no filterFunc, where a key stays once it was in a window, with invF(x, x) = 0
/// once its values left (batches between two windows, when s > w, are in no
/// window and never counted: README, "Coming from Spark", on incremental windows).
std::map<std::int64_t, std::vector<SI>> oracle(const Batches<SI>& input, int w, int s, int endSeconds,
                                               bool keepVanished) {
  std::map<std::int64_t, std::vector<SI>> out;
  std::set<std::string> seen;
  for (int t = s; t <= endSeconds; t += s) {
    std::map<std::string, int> sums;
    for (int b = std::max(1, t - w + 1); b <= t; ++b)
      if (b <= static_cast<int>(input.size()))
        for (const auto& [key, value] : input[static_cast<std::size_t>(b - 1)]) sums[key] += value;
    if (keepVanished) {
      for (const auto& key : seen) sums.try_emplace(key, 0);
      for (const auto& entry : sums) seen.insert(entry.first);
    }
    out[std::int64_t{t} * 1000] = std::vector<SI>(sums.begin(), sums.end());  // sorted, as byTime's batches
  }
  return out;
}

std::string show(const std::map<std::int64_t, std::vector<SI>>& byTime) {
  std::string text;
  for (const auto& [t, batch] : byTime) text += std::to_string(t) + ": " + rill::toString(batch) + "\n";
  return text;
}

}  // namespace

// One function per compared pair of forms, with external linkage so the
// compiler keeps them apart (one huge test body is slow to compile).
namespace window_property {

struct Shape {
  rill::DStream<SI> pairs;
  rill::Duration window, slide;
  std::size_t partitions;
};
const std::plus<int> plus;
const std::minus<int> minus;

struct KeyedSums {
  ByTime<SI> naive, filtered, unfiltered, grouped;
};
KeyedSums keyedSums(const Shape& s) {
  return {byTime(s.pairs.reduceByKeyAndWindow(plus, s.window, s.slide, s.partitions)),
          byTime(s.pairs.reduceByKeyAndWindow(plus, minus, s.window, s.slide, s.partitions,
                                              [](const SI& kv) { return kv.second != 0; })),
          byTime(s.pairs.reduceByKeyAndWindow(plus, minus, s.window, s.slide, s.partitions)),
          byTime(s.pairs.groupByKeyAndWindow(s.window, s.slide).map([](const auto& kv) {
            int sum = 0;
            for (int v : kv.second) sum += v;
            return SI(kv.first, sum);
          }))};
}

std::pair<ByTime<SL>, ByTime<SL>> valueCounts(const Shape& s) {
  rill::DStream<std::string> keys = s.pairs.map([](const SI& kv) { return kv.first; });
  return {byTime(keys.countByValueAndWindow(s.window, s.slide)), byTime(keys.window(s.window, s.slide).countByValue())};
}

std::pair<ByTime<int>, ByTime<int>> windowSums(const Shape& s) {
  rill::DStream<int> values = s.pairs.map([](const SI& kv) { return kv.second; });
  return {byTime(values.reduceByWindow(plus, minus, s.window, s.slide)),
          byTime(values.reduceByWindow(plus, s.window, s.slide))};
}

std::pair<ByTime<std::int64_t>, ByTime<std::int64_t>> windowCounts(const Shape& s) {
  rill::DStream<int> values = s.pairs.map([](const SI& kv) { return kv.second; });
  return {byTime(values.countByWindow(s.window, s.slide)), byTime(values.window(s.window, s.slide).count())};
}

}  // namespace window_property

TEST_CASE("incremental and naive window forms agree on random input") {
  const std::vector<std::pair<int, int>> shapes = {{1, 1}, {2, 1}, {3, 1}, {3, 2}, {4, 2}, {2, 3}, {5, 5}, {6, 4}};
  for (std::uint32_t seed : {1u, 2u, 3u, 4u}) {
    for (const auto& dims : shapes) {
      const int w = dims.first, s = dims.second;
      CAPTURE(seed);
      CAPTURE(w);
      CAPTURE(s);
      const auto input = randomInput(seed);
      const std::size_t partitions = 1 + seed % 3;
      rill::SparkContext sc(conf());
      auto clock = std::make_shared<rill::ManualClock>();
      rill::StreamingContext ssc(sc, 1s, clock);
      auto queue = std::make_shared<rill::RDDQueue<SI>>();
      for (const auto& batch : input) queue->push(sc.parallelize(batch, 2));
      const window_property::Shape shape{ssc.queueStream(queue), Seconds(w), Seconds(s), partitions};
      const auto sums = window_property::keyedSums(shape);
      const auto counts = window_property::valueCounts(shape);    // (incremental, naive)
      const auto totals = window_property::windowSums(shape);     // (incremental, naive)
      const auto windowCounts = window_property::windowCounts(shape);  // (incremental, naive)

      ssc.start();
      clock->advance(std::chrono::seconds(kBatches + 2 * w));
      ssc.stop(false);

      // All keyed forms against the oracle, every output time and nothing else.
      const int end = static_cast<int>(kBatches) + 2 * w;
      const auto expected = oracle(input, w, s, end, false);
      const auto expectedKept = oracle(input, w, s, end, true);
      REQUIRE(expected.size() == static_cast<std::size_t>(end / s));
      CHECK(show(*sums.naive) == show(expected));
      CHECK(show(*sums.filtered) == show(expected));
      CHECK(show(*sums.grouped) == show(expected));
      CHECK(show(*sums.unfiltered) == show(expectedKept));

      REQUIRE(sums.naive->size() == (kBatches + 2 * w) / s);
      for (const auto& entry : *sums.naive) {
        const std::int64_t t = entry.first;
        const auto& expected = entry.second;
        CAPTURE(t);
        CHECK(rill::toString(sums.filtered->at(t)) == rill::toString(expected));
        CHECK(rill::toString(withoutZeros(sums.unfiltered->at(t))) == rill::toString(expected));
        CHECK(rill::toString(sums.grouped->at(t)) == rill::toString(expected));
        CHECK(rill::toString(counts.first->at(t)) == rill::toString(counts.second->at(t)));
        // Once data was seen, an emptied window gives invF's 0 where the naive form gives nothing.
        const auto& inc = totals.first->at(t);
        const auto& nai = totals.second->at(t);
        CHECK(rill::toString(nai.empty() && inc == std::vector<int>{0} ? std::vector<int>{} : inc) ==
              rill::toString(nai));
        const auto& ci = windowCounts.first->at(t);
        CHECK(rill::toString(ci.empty() ? std::vector<std::int64_t>{0} : ci) == rill::toString(windowCounts.second->at(t)));
      }
    }
  }
}
