// The incremental window forms (inverse function: add what enters, subtract
// what leaves) against the naive ones (reduce every batch of the window), on
// random input with fixed seeds, for windows and slides of several sizes,
// including slides longer than the window and empty batches.
#include "window_state_support.hpp"

#include <rill/stream/streaming_context.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
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

/// Collects op(stream) per batch time.
template <class T>
using ByTime = std::shared_ptr<std::map<std::int64_t, std::vector<T>>>;

template <class S>
auto byTime(const S& stream) {
  auto out = std::make_shared<std::map<std::int64_t, std::vector<typename S::value_type>>>();
  stream.foreachRDD([out](const auto& rdd, rill::Time t) { (*out)[t.milliseconds()] = sorted(rdd.collect()); });
  return out;
}

}  // namespace

TEST_CASE("incremental and naive window forms agree on random input") {
  const std::vector<std::pair<int, int>> shapes = {{1, 1}, {2, 1}, {3, 1}, {3, 2}, {4, 2}, {2, 3}, {5, 5}, {6, 4}};
  for (std::uint32_t seed : {1u, 2u, 3u, 4u}) {
    for (const auto& shape : shapes) {
      const int w = shape.first, s = shape.second;
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
      auto pairs = ssc.queueStream(queue);
      auto plus = [](int a, int b) { return a + b; };
      auto minus = [](int a, int b) { return a - b; };
      const auto W = Seconds(w), S = Seconds(s);

      auto naive = byTime(pairs.reduceByKeyAndWindow(plus, W, S, partitions));
      auto filtered = byTime(pairs.reduceByKeyAndWindow(plus, minus, W, S, partitions,
                                                        [](const SI& kv) { return kv.second != 0; }));
      auto unfiltered = byTime(pairs.reduceByKeyAndWindow(plus, minus, W, S, partitions));
      auto grouped = byTime(pairs.groupByKeyAndWindow(W, S).map([](const auto& kv) {
        int sum = 0;
        for (int v : kv.second) sum += v;
        return SI(kv.first, sum);
      }));
      auto keys = pairs.map([](const SI& kv) { return kv.first; });
      auto countsIncremental = byTime(keys.countByValueAndWindow(W, S));
      auto countsNaive = byTime(keys.window(W, S).countByValue());
      auto values = pairs.map([](const SI& kv) { return kv.second; });
      auto sumIncremental = byTime(values.reduceByWindow(plus, minus, W, S));
      auto sumNaive = byTime(values.reduceByWindow(plus, W, S));
      auto countIncremental = byTime(values.countByWindow(W, S));
      auto countNaive = byTime(values.window(W, S).count());

      ssc.start();
      clock->advance(std::chrono::seconds(kBatches + 2 * w));
      ssc.stop(false);

      REQUIRE(naive->size() == (kBatches + 2 * w) / s);
      for (const auto& entry : *naive) {
        const std::int64_t t = entry.first;
        const auto& expected = entry.second;
        CAPTURE(t);
        CHECK(rill::toString(filtered->at(t)) == rill::toString(expected));
        CHECK(rill::toString(withoutZeros(unfiltered->at(t))) == rill::toString(expected));
        CHECK(rill::toString(grouped->at(t)) == rill::toString(expected));
        CHECK(rill::toString(countsIncremental->at(t)) == rill::toString(countsNaive->at(t)));
        // Once data was seen, an emptied window gives invF's 0 where the naive form gives nothing.
        const auto& inc = sumIncremental->at(t);
        const auto& nai = sumNaive->at(t);
        CHECK(rill::toString(nai.empty() && inc == std::vector<int>{0} ? std::vector<int>{} : inc) ==
              rill::toString(nai));
        const auto& ci = countIncremental->at(t);
        CHECK(rill::toString(ci.empty() ? std::vector<std::int64_t>{0} : ci) == rill::toString(countNaive->at(t)));
      }
    }
  }
}
