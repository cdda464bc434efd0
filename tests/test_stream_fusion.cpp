// Proof that a DStream chain is fused as RDD chains are ("per batch, one loop"):
// queueStream().map().filter().flatMap().map() is one PipedDStream whose batch
// runs every stage element by element, with no intermediate container per stage
// (no copies or moves of elements, and a batch's allocations do not grow with
// its size).
#include "counting_new.hpp"
#include "stream_test_support.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

using namespace rill_stream_test;
using rill_test::allocationsDuring;
using rill_test::Measured;
using rill_test::Tracked;
using rill_test::trackedInput;

namespace {

/// map -> filter -> flatMap -> map, every stage making its output in place.
template <class S>
auto fourStageChain(const S& source) {
  return source.map([](const Tracked& t) { return Tracked(t.v + 1); })
      .filter([](const Tracked& t) { return t.v % 2 == 0; })
      .flatMap([](const Tracked& t) { return std::array<Tracked, 2>{Tracked(t.v), Tracked(-t.v)}; })
      .map([](const Tracked& t) { return t.v; });
}

template <class>
inline constexpr bool is_piped_dstream = false;
template <class Src, class Pipe>
inline constexpr bool is_piped_dstream<rill::PipedDStream<Src, Pipe>> = true;

}  // namespace

TEST_CASE("stream fusion: a queueStream map->filter->flatMap->map chain copies and moves nothing per batch") {
  for (std::size_t workers : {1u, 2u}) {
    CAPTURE(workers);
    ManualContext m(conf(workers));
    auto queue = std::make_shared<rill::RDDQueue<Tracked>>();
    queue->push(m.sc.parallelize(trackedInput(1000), 4));
    queue->push(m.sc.parallelize(trackedInput(10), 4));
    auto chain = fourStageChain(m.ssc.queueStream(queue));
    // One stream type for the whole chain: the stages are composed, not four streams.
    static_assert(is_piped_dstream<decltype(chain)>);
    static_assert(std::is_same_v<typename decltype(chain)::value_type, int>);
    auto counts = std::make_shared<Batches<std::int64_t>>();
    auto sums = std::make_shared<Batches<std::int64_t>>();
    chain.foreachRDD([counts](const auto& rdd, rill::Time t) { counts->add(t, {rdd.count()}); });
    chain.foreachRDD([sums](const auto& rdd, rill::Time t) { sums->add(t, {rdd.sum()}); });
    m.ssc.start();
    Tracked::reset();
    m.clock->advance(1s);
    m.clock->advance(1s);
    m.ssc.stop(false);
    CHECK(counts->values() == std::vector<std::vector<std::int64_t>>{{1000}, {10}});
    CHECK(sums->values() == std::vector<std::vector<std::int64_t>>{{0}, {0}});  // +v and -v per survivor
    CHECK(Tracked::copies == 0);
    CHECK(Tracked::moves == 0);
  }
}

TEST_CASE("stream fusion: a batch's allocations do not grow with its size") {
  for (std::size_t workers : {1u, 2u}) {
    CAPTURE(workers);
    ManualContext m(conf(workers));
    auto queue = std::make_shared<rill::RDDQueue<Tracked>>();
    for (int n : {10, 10, 100000, 10, 100000}) queue->push(m.sc.parallelize(trackedInput(n), 4));
    auto counts = std::make_shared<std::vector<std::int64_t>>();  // written by the scheduler thread only
    counts->reserve(8);
    fourStageChain(m.ssc.queueStream(queue)).foreachRDD([counts](const auto& rdd) { counts->push_back(rdd.count()); });
    m.ssc.start();
    m.clock->advance(1s);  // warm-up: first-batch bookkeeping
    std::vector<Measured> perBatch;
    for (int b = 0; b < 4; ++b) perBatch.push_back(allocationsDuring([&] { m.clock->advance(1s); }));
    m.ssc.stop(false);
    CHECK(*counts == std::vector<std::int64_t>{10, 10, 100000, 10, 100000});
    for (std::size_t b = 1; b < perBatch.size(); ++b) {
      CAPTURE(b);
      CAPTURE(perBatch[0].allocations);
      CAPTURE(perBatch[0].bytes);
      // 10 or 100,000 elements through four stages: the same allocations, byte for byte.
      CHECK(perBatch[b].allocations == perBatch[0].allocations);
      CHECK(perBatch[b].bytes == perBatch[0].bytes);
    }
  }
}

TEST_CASE("stream fusion: within a batch, stages run element by element, not stage by stage") {
  ManualContext m(conf(1));
  std::vector<std::string> log;  // one worker, one partition: calls are sequential, on the scheduler thread
  auto queue = std::make_shared<rill::RDDQueue<int>>();
  queue->push(m.sc.parallelize(std::vector<int>{1, 2, 3}, 1));
  auto chain = rill_test::loggedStages(m.ssc.queueStream(queue), log);
  auto out = collectBatches(chain);
  m.ssc.start();
  CHECK(log.empty());
  m.clock->advance(1s);
  m.ssc.stop(false);
  CHECK(out->values() == std::vector<std::vector<int>>{{10, 11, 30, 31}});
  CHECK(log == std::vector<std::string>{"map 1", "filter 10", "flatMap 10", "map 2", "filter 20", "map 3",
                                        "filter 30", "flatMap 30"});
}
