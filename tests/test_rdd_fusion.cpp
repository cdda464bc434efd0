// Proof that element-wise chains are fused: one pass per element through every
// stage, no intermediate vector (no allocation per element), no copies beyond
// what the user's functions make, and early exit for take() on a huge range.
#include "counting_new.hpp"
#include "rdd_test_support.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

using rill_test::Tracked;
using rill_test::trackedInput;

using rill_test::allocationsDuring;

namespace {

constexpr int kN = 1000;  // elements; 500 pass the filter, 1000 come out of flatMap

/// map -> filter -> flatMap -> map over Tracked, every stage making its output in place.
template <class R>
auto fourStageChain(const R& source) {
  return source.map([](const Tracked& t) { return Tracked(t.v + 1); })
      .filter([](const Tracked& t) { return t.v % 2 == 0; })
      .flatMap([](const Tracked& t) { return std::array<Tracked, 2>{Tracked(t.v), Tracked(-t.v)}; })
      .map([](const Tracked& t) { return t.v; });
}

}  // namespace

TEST_CASE("fusion: a map->filter->flatMap->map chain copies and moves nothing") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    auto source = sc.parallelize(trackedInput(kN), 4);
    auto chain = fourStageChain(source);
    Tracked::reset();
    CHECK(chain.count() == kN);
    CHECK(Tracked::copies == 0);
    CHECK(Tracked::moves == 0);
    std::atomic<long long> total{0};
    chain.foreach([&](int x) { total += x; });
    CHECK(total == 0);  // +v and -v for each surviving element
    CHECK(Tracked::copies == 0);
    CHECK(Tracked::moves == 0);
  });
}

TEST_CASE("fusion: elements reach each stage exactly as often as the user's functions need") {
  rill::SparkContext sc(rill_test::conf(2));
  auto source = sc.parallelize(trackedInput(kN), 4);
  auto nothing = [](const auto&) {};
  SUBCASE("an identity map copies once per element (the copy the lambda returns)") {
    Tracked::reset();
    source.map([](const Tracked& t) { return t; }).foreach(nothing);
    CHECK(Tracked::copies == kN);
    CHECK(Tracked::moves == 0);
  }
  SUBCASE("filter passes elements on by reference") {
    Tracked::reset();
    source.filter([](const Tracked& t) { return t.v < 10; }).map([](const Tracked& t) { return t; }).foreach(nothing);
    CHECK(Tracked::copies == 10);
    CHECK(Tracked::moves == 0);
  }
  SUBCASE("keyBy copies a stored element once, and moves a computed one") {
    Tracked::reset();
    source.keyBy([](const Tracked& t) { return t.v; }).foreach(nothing);
    CHECK(Tracked::copies == kN);
    CHECK(Tracked::moves == 0);
    Tracked::reset();
    source.map([](const Tracked& t) { return Tracked(t.v); }).keyBy([](const Tracked& t) { return t.v; }).foreach(nothing);
    CHECK(Tracked::copies == 0);
    CHECK(Tracked::moves == kN);
  }
  SUBCASE("flatMap moves the elements of a container it owns") {
    Tracked::reset();
    source
        .flatMap([](const Tracked& t) {
          std::vector<Tracked> out;
          out.reserve(2);
          out.emplace_back(t.v);
          out.emplace_back(t.v);
          return out;
        })
        .map([](Tracked t) { return t.v; })  // takes its argument by value: one move
        .foreach(nothing);
    CHECK(Tracked::copies == 0);
    CHECK(Tracked::moves == 2 * kN);
  }
}

TEST_CASE("fusion: count() over the chain allocates nothing per element") {
  for (std::size_t workers : {1u, 2u}) {
    CAPTURE(workers);
    rill::SparkContext sc(rill_test::conf(workers));
    auto small = fourStageChain(sc.parallelize(trackedInput(10), 4));
    auto large = fourStageChain(sc.parallelize(trackedInput(100000), 4));
    std::int64_t smallCount = 0, largeCount = 0, largeSum = -1;
    const long forSmall = allocationsDuring([&] { smallCount = small.count(); }).allocations;
    const long forLarge = allocationsDuring([&] { largeCount = large.count(); }).allocations;
    const long forSum = allocationsDuring([&] { largeSum = large.sum(); }).allocations;
    CHECK(smallCount == 10);
    CHECK(largeCount == 100000);
    CHECK(largeSum == 0);
    CAPTURE(forSmall);
    CHECK(forLarge == forSmall);  // 10 or 100000 elements: the same few allocations
    CHECK(forSum == forSmall);
    CHECK(forSmall == 1);  // the job's bookkeeping: the vector of per-partition results
  }
}

TEST_CASE("fusion: stages run element by element, not stage by stage") {
  rill::SparkContext sc(rill_test::conf(1));
  std::vector<std::string> log;  // one partition, one worker: calls are sequential
  auto chain = rill_test::loggedStages(sc.parallelize(std::vector<int>{1, 2, 3}, 1), log);
  CHECK(log.empty());  // transformations are lazy
  CHECK(chain.collect() == std::vector<int>{10, 11, 30, 31});
  CHECK(log == std::vector<std::string>{"map 1", "filter 10", "flatMap 10", "map 2", "filter 20", "map 3",
                                        "filter 30", "flatMap 30"});
}

TEST_CASE("take(5) over range(0, 10^12) stops after 5 elements") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    std::atomic<long long> seen{0};
    auto counted = sc.range(0, 1'000'000'000'000LL).map([&seen](std::int64_t x) {
      ++seen;
      return x;
    });
    CHECK(counted.take(5) == std::vector<std::int64_t>{0, 1, 2, 3, 4});
    CHECK(seen == 5);  // the fused chain stops on the element take() refused
    seen = 0;
    CHECK(counted.first() == 0);
    CHECK_FALSE(counted.isEmpty());
    CHECK(seen == 2);
    seen = 0;
    auto sparse = counted.filter([](std::int64_t x) { return x % 1000 == 999; });
    CHECK(sparse.take(3) == std::vector<std::int64_t>{999, 1999, 2999});
    CHECK(seen == 3000);
    // Stored as RDD<int64_t>, the chain runs chunk by chunk: one chunk of 1024 is computed.
    seen = 0;
    rill::RDD<std::int64_t> stored = counted;
    CHECK(stored.take(5) == std::vector<std::int64_t>{0, 1, 2, 3, 4});
    CHECK(seen == 1024);
  });
}
