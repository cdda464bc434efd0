// Backpressure: a receiver that produces far faster (unthrottled, so well over
// ten times) than the batches process. Memory stays bounded because the
// receiver's buffer (rill.streaming.receiver.maxBufferedRecords) blocks
// store(); the batches falling behind show as scheduling delay in the
// listener; a graceful stop still processes every record that was stored.
// (Exact per-batch caps on a ManualClock, for the buffer bound and for
// spark.streaming.receiver.maxRate, are in test_stream_receiver.cpp.)
#include "stream_test_support.hpp"

#include <rill/stream/receiver_stream.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

using namespace rill_stream_test;

namespace {

// Stores 0, 1, 2, ... as fast as store() lets it, until stopped.
class Firehose final : public rill::Receiver<std::int64_t> {
 public:
  void onStart() override {
    spawn([this] {
      for (std::int64_t i = stored.load(); !isStopped(); ++i) {
        store(i);
        stored = i + 1;
      }
    });
  }
  void onStop() override {}
  std::string name() const override { return "Firehose"; }
  std::atomic<std::int64_t> stored{0};
};

}  // namespace

TEST_CASE("a producer far faster than processing: bounded buffer, blocked store(), visible scheduling delay, no loss") {
  constexpr std::size_t kCap = 500;
  constexpr auto kInterval = 20ms;
  constexpr int kSlowBatches = 4;
  rill::SparkContext sc(conf().set("rill.streaming.receiver.maxBufferedRecords", std::to_string(kCap)));
  rill::StreamingContext ssc(sc, kInterval);  // system clock
  auto events = record(ssc);
  auto firehose = std::make_shared<Firehose>();
  auto input = ssc.receiverStream(firehose);
  auto node = std::dynamic_pointer_cast<rill::detail::ReceiverInputNode<std::int64_t>>(input.node());
  REQUIRE(static_cast<bool>(node));

  std::atomic<int> batch{0};
  std::atomic<bool> blockedWhileFull{true};
  std::atomic<std::int64_t> processed{0}, expectedNext{0};
  std::atomic<bool> inOrder{true};
  input.foreachRDD([&](const auto& rdd) {
    for (std::int64_t x : rdd.collect()) inOrder = inOrder && x == expectedNext++;
    processed += static_cast<std::int64_t>(rdd.count());
    if (batch++ >= kSlowBatches) return;
    // A slow job: while it runs no batch is cut, so the producer fills the
    // buffer and then must wait in store() for the whole job.
    if (!node->awaitBuffered(kCap, kSafety)) blockedWhileFull = false;
    const std::int64_t storedWhenFull = firehose->stored;
    std::this_thread::sleep_for(3 * kInterval);  // processing takes 3 intervals: the schedule falls behind
    // The store() that filled the buffer may return after we read `stored`, so
    // the counter may still move by that one record; an unblocked producer would
    // have stored thousands more in 3 intervals.
    if (firehose->stored - storedWhenFull > 1 || node->bufferedRecords() != kCap) blockedWhileFull = false;
  });
  ssc.start();
  REQUIRE(events->waitUntil([](const Recorder& r) { return r.completed().size() >= kSlowBatches + 2; }));
  ssc.stop(false, true);

  CHECK(blockedWhileFull);
  const auto done = events->completed();
  std::int64_t total = 0;
  // A batch never holds more than the buffer, except one cut during the stop:
  // stopping releases the store() waiting on the full buffer, and its record
  // is kept rather than lost (one blocked writer thread: one record more, once).
  int overCap = 0;
  for (std::size_t i = 0; i < done.size(); ++i) {
    CAPTURE(i);
    CHECK(done[i].numRecords <= static_cast<std::int64_t>(kCap + 1));
    if (done[i].numRecords > static_cast<std::int64_t>(kCap)) ++overCap;
    CHECK_FALSE(done[i].failureReason.has_value());
    total += done[i].numRecords;
  }
  CHECK(overCap <= 1);
  // Batch 2 was due one interval after batch 1 but waited for its 3-interval job.
  REQUIRE(done.size() >= 3);
  CHECK(done[1].schedulingDelay().value() >= 2 * kInterval);
  CHECK(done[2].schedulingDelay().value() >= 2 * kInterval);
  CHECK(done[1].numRecords == static_cast<std::int64_t>(kCap));  // cut from a full buffer
  // Graceful stop: everything stored was processed, in order, exactly once.
  CHECK(total == firehose->stored.load());
  CHECK(processed == firehose->stored.load());
  CHECK(inOrder);
}
