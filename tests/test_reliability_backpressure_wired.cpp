// Backpressure end to end: a receiver stream's own rate limiter follows the PID
// estimate of each completed batch when spark.streaming.backpressure.enabled is on.
#include "stream_test_support.hpp"

#include <rill/stream/receiver_stream.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

using namespace rill_stream_test;

namespace {

// Stores 0, 1, 2, ... as fast as its rate limit lets it, until stopped.
class Eager final : public rill::Receiver<int> {
 public:
  void onStart() override {
    spawn([this] {
      for (int i = 0; !isStopped(); ++i) store(i);
    });
  }
  void onStop() override {}
};

// Four batches at 10 records/s processed at 5 records/s (200 ms of clock time
// per record, spent by the job), then the schedule catches up at once.
std::vector<std::int64_t> recordsPerBatch(const rill::SparkConf& c, std::size_t awaitPerJob) {
  ManualContext m(c, 50);  // at 10/s, permits at 50, 150, ...: none on a batch time
  auto events = record(m.ssc);
  auto input = m.ssc.receiverStream(std::make_shared<Eager>());
  // Each job waits until the receiver has buffered `awaitPerJob` records: at a
  // fixed 10/s that is what it takes during the job (1 due + 10 saved + 1 now,
  // less one: it may reserve its next permit before or after the clock jumps),
  // so a receiver thread slow to run (a loaded machine) cannot shrink a batch.
  std::atomic<int> batch{0};
  input.foreachRDD([&](const auto& rdd) {
    if (batch++ >= 4) return;
    m.clock->spend(std::chrono::milliseconds(200 * static_cast<std::int64_t>(rdd.count())));
    rill::detail::awaitBuffered(input, awaitPerJob, kSafety);
  });
  m.ssc.start();
  m.clock->setTime(999);
  REQUIRE(rill::detail::awaitBuffered(input, 10, kSafety));
  m.clock->setTime(1000);
  // The time the jobs spend runs the schedule on by itself, but how far depends on
  // how many records the receiver thread had stored at each cut (a slow thread, fewer
  // records, less time spent): make sure the four batches measured are due.
  m.clock->setTime(std::max<std::int64_t>(m.clock->getTimeMillis(), 4000));
  m.ssc.stop(false);
  std::vector<std::int64_t> n;
  for (const auto& b : events->completed()) n.push_back(b.numRecords);
  return n;
}

}  // namespace

TEST_CASE("a receiver stream with backpressure starts at initialRate and slows to what its batches process") {
  const auto fixed = recordsPerBatch(conf().set("spark.streaming.receiver.maxRate", "10"), 11);
  const auto adapted = recordsPerBatch(conf()
                                           .set("spark.streaming.receiver.maxRate", "100")
                                           .set("spark.streaming.backpressure.enabled", "true")
                                           .set("spark.streaming.backpressure.initialRate", "10")
                                           .set("spark.streaming.backpressure.pid.minRate", "1"),
                                       1);
  REQUIRE(fixed.size() >= 4);
  REQUIRE(adapted.size() >= 4);
  CHECK(fixed[0] == 10);
  CHECK(adapted[0] == 10);  // initialRate, not maxRate
  CHECK(fixed[3] >= 11);
  // After batch 2 the estimate (4/s, then 2/s) reaches the receiver's limiter.
  CHECK(adapted[3] <= 7);
}
