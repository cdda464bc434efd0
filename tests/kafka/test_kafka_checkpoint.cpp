// A direct stream restarted with getOrCreate reads again exactly the offsets
// after its last checkpointed batch, so state computed from Kafka counts every
// record once; the batches it had cut after that checkpoint run again with the
// same ranges (the cut log); ranges that a restored window needs are read again too.
#include "kafka_test_support.hpp"
#include "stream_test_support.hpp"
#include "temp_dir.hpp"

#include <rill/kafka.hpp>
#include <rill/stream/streaming_context.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using rill::kafka::ConsumerRecord;
using rill::kafka::OffsetRange;
using rill_kafka_test::Cluster;
using namespace std::chrono_literals;

namespace {

using Counts = std::map<std::string, long>;
using Ranges = std::vector<OffsetRange>;

/// What one run of the program saw: the running counts and the ranges of each batch.
struct Log {
  std::mutex mutex;
  std::map<std::int64_t, Counts> counts;
  std::map<std::int64_t, Ranges> ranges;
};

/// A word count over topic "words" with updateStateByKey, checkpointed in `dir`
/// every `every` batches; its output fails the batch at `failAt` (a crash in
/// the middle of that batch: it is not checkpointed).
struct Program {
  Cluster* cluster;
  std::string dir;
  std::shared_ptr<rill::ManualClock> clock;
  std::int64_t every = 1;
  std::optional<std::int64_t> failAt;

  std::unique_ptr<rill::StreamingContext> build(rill::SparkContext& sc, const std::shared_ptr<Log>& log) const {
    auto ssc = std::make_unique<rill::StreamingContext>(sc, 1s, clock);
    ssc->checkpoint(dir);
    auto params = cluster->params();
    params["auto.offset.reset"] = "earliest";
    auto stream = rill::kafka::createDirectStream(*ssc, rill::kafka::Subscribe({"words"}, params));
    stream.checkpoint(rill::Seconds(every));
    stream.foreachRDD([log](const rill::RDD<ConsumerRecord>& rdd, rill::Time t) {
      std::lock_guard lock(log->mutex);
      log->ranges[t.milliseconds()] = rill::kafka::offsetRanges(rdd);
    });
    auto failAtMs = failAt;
    stream.map([](const ConsumerRecord& r) { return std::pair(r.value(), 1L); })
        .updateStateByKey([](const std::vector<long>& ones, std::optional<long> sum) {
          long s = sum.value_or(0);
          for (long one : ones) s += one;
          return std::optional<long>(s);
        })
        .foreachRDD([log, failAtMs](const auto& rdd, rill::Time t) {
          if (failAtMs == t.milliseconds()) throw std::runtime_error("crash in the middle of the batch");
          Counts counts;
          for (const auto& [word, n] : rdd.collect()) counts[word] = n;
          std::lock_guard lock(log->mutex);
          log->counts[t.milliseconds()] = counts;
        });
    return ssc;
  }

  /// Runs (or resumes) the program until the clock reads untilMs.
  std::shared_ptr<Log> run(std::int64_t untilMs, std::optional<rill::Time>* restored = nullptr) const {
    rill::SparkContext sc(rill_stream_test::conf());
    auto log = std::make_shared<Log>();
    auto ssc = rill::StreamingContext::getOrCreate(dir, [&] { return build(sc, log); });
    if (restored) *restored = ssc->restoredBatchTime();
    ssc->start();
    clock->setTime(untilMs);
    ssc->stop(false);
    return log;
  }

  /// A first run until the clock reads untilMs: before each batch from 1000 on,
  /// a record "w<batch time>" in partition 0, then the clock moves to the batch.
  /// `beforeStart` runs once the context is made, before it starts.
  std::shared_ptr<Log> runRecordPerBatch(std::int64_t untilMs, const std::function<void()>& beforeStart = [] {}) const {
    rill::SparkContext sc(rill_stream_test::conf());
    auto log = std::make_shared<Log>();
    auto ssc = rill::StreamingContext::getOrCreate(dir, [&] { return build(sc, log); });
    beforeStart();
    ssc->start();
    for (std::int64_t t = 1000; t <= untilMs; t += 1000) {
      cluster->produce("words", 0, {"w" + std::to_string(t)});
      clock->setTime(t);
    }
    ssc->stop(false);
    return log;
  }
};

}  // namespace

TEST_CASE(
    "checkpointed direct stream: a restart replays the offsets after the last checkpoint, state counts each "
    "record once") {
  Cluster cluster;
  cluster.mock.createTopic("words", 2);
  rill_test::TempDir dir("kafka-checkpoint");
  auto clock = std::make_shared<rill::ManualClock>(0);
  Program program{&cluster, dir.file("checkpoints"), clock, 3, std::nullopt};

  cluster.produce("words", 0, {"a", "b"});
  cluster.produce("words", 1, {"a"});
  // Batches 1000..5000; checkpoints at 3000 only (every 3 batches); records arrive before 1000, 2000 and 4000.
  std::shared_ptr<Log> first;
  {
    rill::SparkContext sc(rill_stream_test::conf());
    first = std::make_shared<Log>();
    auto ssc = rill::StreamingContext::getOrCreate(program.dir, [&] { return program.build(sc, first); });
    ssc->start();
    clock->setTime(1000);
    cluster.produce("words", 1, {"b", "c"});
    clock->setTime(3000);
    cluster.produce("words", 0, {"c", "c"});
    clock->setTime(5000);
    ssc->stop(false);
  }
  CHECK(first->counts[5000] == Counts{{"a", 2}, {"b", 2}, {"c", 3}});
  CHECK(first->ranges[4000] == Ranges{{"words", 0, 2, 4}, {"words", 1, 3, 3}});

  // The process "dies" after batch 5000; batches 4000 and 5000 are not in the checkpoint.
  cluster.produce("words", 1, {"d"});
  std::optional<rill::Time> restored;
  auto second = program.run(6000, &restored);
  REQUIRE(restored.has_value());
  CHECK(restored->milliseconds() == 3000);
  // Batches 4000 and 5000 run again with the ranges they were cut with (the
  // cut log), not up to the log's end now; batch 6000 reads what came since.
  CHECK(second->ranges.begin()->first == 4000);
  CHECK(second->ranges[4000] == first->ranges[4000]);
  CHECK(second->ranges[5000] == Ranges{{"words", 0, 4, 4}, {"words", 1, 3, 3}});
  CHECK(second->ranges[6000] == Ranges{{"words", 0, 4, 4}, {"words", 1, 3, 4}});
  CHECK(second->counts[5000] == first->counts[5000]);
  CHECK(second->counts[6000] == Counts{{"a", 2}, {"b", 2}, {"c", 3}, {"d", 1}});
}

TEST_CASE("checkpointed direct stream: a batch that failed runs again after the restart, with the same ranges") {
  Cluster cluster;
  cluster.mock.createTopic("words", 1);
  rill_test::TempDir dir("kafka-checkpoint-fail");
  auto clock = std::make_shared<rill::ManualClock>(0);
  Program program{&cluster, dir.file("checkpoints"), clock, 1, 2000};

  cluster.produce("words", 0, {"x"});
  program.run(1000);
  cluster.produce("words", 0, {"y", "y"});
  const auto failed = program.run(2000);  // batch 2000 fails: checkpoint of 1000 stays the newest
  CHECK(failed->counts.empty());
  CHECK(failed->ranges[2000] == Ranges{{"words", 0, 1, 3}});

  cluster.produce("words", 0, {"z"});  // after the crash: not batch 2000's, which was cut before it
  program.failAt.reset();
  std::optional<rill::Time> restored;
  const auto resumed = program.run(3000, &restored);
  REQUIRE(restored.has_value());
  CHECK(restored->milliseconds() == 1000);
  CHECK(resumed->ranges[2000] == Ranges{{"words", 0, 1, 3}});
  CHECK(resumed->counts[2000] == Counts{{"x", 1}, {"y", 2}});
  CHECK(resumed->ranges[3000] == Ranges{{"words", 0, 3, 4}});
  CHECK(resumed->counts[3000] == Counts{{"x", 1}, {"y", 2}, {"z", 1}});
}

TEST_CASE("checkpointed direct stream: a crash while replaying the cut log keeps the cuts not yet replayed") {
  Cluster cluster;
  cluster.mock.createTopic("words", 1);
  rill_test::TempDir dir("kafka-checkpoint-replay-crash");
  auto clock = std::make_shared<rill::ManualClock>(0);
  Program program{&cluster, dir.file("checkpoints"), clock, 3, std::nullopt};

  // Batches 1000..5000 with a record before each; checkpoints at 3000 only, so
  // 4000 and 5000 are in the cut log and not in the checkpoint.
  const auto first = program.runRecordPerBatch(5000);
  REQUIRE(first->ranges[5000] == Ranges{{"words", 0, 4, 5}});

  cluster.produce("words", 0, {"late"});  // a batch cut again now would read it too
  program.failAt = 4000;                  // the restart dies in the first batch it replays
  const auto second = program.run(4000);
  CHECK(second->ranges[4000] == first->ranges[4000]);
  CHECK(second->counts.empty());

  program.failAt.reset();
  std::optional<rill::Time> restored;
  const auto third = program.run(6000, &restored);
  REQUIRE(restored.has_value());
  CHECK(restored->milliseconds() == 3000);
  CHECK(third->ranges[4000] == first->ranges[4000]);
  CHECK(third->ranges[5000] == first->ranges[5000]);  // from the cut log, as the first run cut it
  CHECK(third->ranges[6000] == Ranges{{"words", 0, 5, 6}});
  CHECK(third->counts[5000] == first->counts[5000]);
}

TEST_CASE("checkpointed direct stream: a checkpoint that could not be written does not make the cut log forget") {
  Cluster cluster;
  cluster.mock.createTopic("words", 1);
  rill_test::TempDir dir("kafka-checkpoint-failed-write");
  auto clock = std::make_shared<rill::ManualClock>(0);
  Program program{&cluster, dir.file("checkpoints"), clock, 1, 4000};  // batch 4000 dies: not checkpointed
  // A directory where the checkpoint of 2000 would go: its write fails (a warning).
  const std::string blocker = dir.file("checkpoints") + "/checkpoint-2000";
  const auto first = program.runRecordPerBatch(4000, [&] { std::filesystem::create_directories(blocker + "/x"); });
  REQUIRE(first->ranges[2000] == Ranges{{"words", 0, 1, 2}});
  std::filesystem::remove_all(blocker);
  // The newest checkpoint is torn: the restart falls back to the one before it that exists (1000).
  const std::string newest = dir.file("checkpoints") + "/checkpoint-3000";
  REQUIRE(std::filesystem::exists(newest));
  std::filesystem::resize_file(newest, std::filesystem::file_size(newest) / 2);

  cluster.produce("words", 0, {"late"});  // a batch cut again now would read it too
  program.failAt.reset();
  std::optional<rill::Time> restored;
  const auto second = program.run(4000, &restored);
  REQUIRE(restored.has_value());
  CHECK(restored->milliseconds() == 1000);
  CHECK(second->ranges[2000] == first->ranges[2000]);
  CHECK(second->ranges[3000] == first->ranges[3000]);
  CHECK(second->ranges[4000] == first->ranges[4000]);
}

TEST_CASE("checkpointed direct stream: while checkpoints fail, the cut log holds at most maxPendingBatches cuts") {
  Cluster cluster;
  cluster.mock.createTopic("words", 1);
  rill_test::TempDir dir("kafka-checkpoint-max-pending");
  auto clock = std::make_shared<rill::ManualClock>(0);
  const Program program{&cluster, dir.file("checkpoints"), clock, 1, std::nullopt};
  // Directories where the checkpoints after 1000 would go: their writes fail.
  for (std::int64_t t = 2000; t <= 6000; t += 1000)
    std::filesystem::create_directories(program.dir + "/checkpoint-" + std::to_string(t) + "/x");
  rill::SparkContext sc(rill_stream_test::conf().set("rill.streaming.state.maxPendingBatches", "3"));
  auto log = std::make_shared<Log>();
  auto ssc = program.build(sc, log);
  auto events = rill_stream_test::record(*ssc);
  ssc->start();
  for (std::int64_t t = 1000; t <= 6000; t += 1000) {
    cluster.produce("words", 0, {"w" + std::to_string(t)});
    clock->setTime(t);
  }
  ssc->stop(false);

  const std::string path = program.dir + "/kafka-cuts-0";
  std::vector<std::int64_t> logged;
  for (const auto& [t, ranges] : rill::kafka::detail::CutLog(path, 3).load()) logged.push_back(t);
  CHECK(logged == std::vector<std::int64_t>{1000, 2000, 3000, 4000});
  CHECK(log->ranges.count(4000) == 1);
  CHECK(log->ranges.count(5000) == 0);
  CHECK(log->ranges.count(6000) == 0);
  std::map<std::int64_t, std::string> failures;
  for (const auto& b : events->completed())
    if (b.failureReason) failures[b.batchTime.milliseconds()] = *b.failureReason;
  REQUIRE(failures.size() == 2);
  for (const auto t : {5000, 6000}) {
    INFO(failures[t]);
    CHECK(failures[t].find("batch " + std::to_string(t) + " ms: the cut log '" + path +
                           "' would hold 4 batches after the last checkpoint on disk, more than "
                           "rill.streaming.state.maxPendingBatches (3); this batch and every later one fail until "
                           "checkpoints succeed") != std::string::npos);
  }
}

TEST_CASE("checkpointed direct stream: a window after a restart reads its earlier batches' ranges again") {
  Cluster cluster;
  cluster.mock.createTopic("words", 1);
  rill_test::TempDir dir("kafka-checkpoint-window");
  const std::string checkpoints = dir.file("checkpoints");
  auto clock = std::make_shared<rill::ManualClock>(0);
  auto windows = std::make_shared<std::map<std::int64_t, std::vector<std::string>>>();
  auto run = [&](std::int64_t untilMs) {
    rill::SparkContext sc(rill_stream_test::conf());
    auto ssc = rill::StreamingContext::getOrCreate(checkpoints, [&] {
      auto made = std::make_unique<rill::StreamingContext>(sc, 1s, clock);
      auto params = cluster.params();
      params["auto.offset.reset"] = "earliest";
      auto stream = rill::kafka::createDirectStream(*made, rill::kafka::Subscribe({"words"}, params));
      // The window is over the direct stream itself: the checkpoint keeps its batches as offset ranges.
      stream.window(rill::Seconds(3))
          .map([](const ConsumerRecord& r) { return r.value(); })
          .foreachRDD([windows](const auto& rdd, rill::Time t) { (*windows)[t.milliseconds()] = rdd.collect(); });
      return made;
    });
    ssc->start();
    clock->setTime(untilMs);
    ssc->stop(false);
  };
  // One record a batch; the process ends after batches 1000 and 2000.
  cluster.produce("words", 0, {"a"});
  run(1000);
  cluster.produce("words", 0, {"b"});
  run(2000);
  cluster.produce("words", 0, {"c"});
  run(4000);
  CHECK((*windows)[3000] == std::vector<std::string>{"a", "b", "c"});
  CHECK((*windows)[4000] == std::vector<std::string>{"b", "c"});
}

TEST_CASE("checkpointed direct stream: offsets saved for a batch outside the checkpoint make it unusable") {
  Cluster cluster;
  rill_stream_test::ManualContext ctx;
  auto stream = rill::kafka::createDirectStream(ctx.ssc, rill::kafka::Subscribe({"words"}, cluster.params()));
  auto participant = std::dynamic_pointer_cast<rill::CheckpointParticipant>(stream.node());
  REQUIRE(participant);
  using Saved = std::vector<std::pair<std::int64_t, Ranges>>;
  const rill::CheckpointTimes times{rill::Time(0), rill::Time(3000)};
  CHECK(participant->prepareRestore(rill::detail::toBytes(Saved{{3000, {{"words", 0, 4, 9}}}}), times));
  CHECK_THROWS_WITH(participant->prepareRestore(rill::detail::toBytes(Saved{{5000, {{"words", 0, 4, 9}}}}), times),
                    "rill: the Kafka offsets in the checkpoint are for batch 5000 ms, not a batch of this checkpoint "
                    "(after 0 ms, up to 3000 ms)");
  CHECK_THROWS_AS(participant->prepareRestore(rill::detail::toBytes(Saved{{2000, {{"words", 0, 9, 4}}}}), times),
                  std::invalid_argument);
  CHECK_THROWS(participant->prepareRestore("garbage", times));
}

TEST_CASE("checkpointed direct stream: a cut log that does not go on from the checkpoint is reported, cut again") {
  Cluster cluster;
  cluster.mock.createTopic("words", 1);
  rill_test::TempDir dir("kafka-checkpoint-cut-log");
  auto clock = std::make_shared<rill::ManualClock>(0);
  Program program{&cluster, dir.file("checkpoints"), clock, 1, std::nullopt};
  cluster.produce("words", 0, {"x"});
  program.run(1000);
  cluster.produce("words", 0, {"y"});
  const std::string path = dir.file("checkpoints") + "/kafka-cuts-0";  // the program's first input stream
  const std::string stream = "rill: Kafka direct stream Subscribe(words) on " + cluster.mock.bootstrapServers();
  std::string expected;
  SUBCASE("a cut that starts elsewhere") {
    rill::kafka::detail::CutLog(path, 100).record(rill::Time(2000), {{"words", 0, 5, 6}}, rill::Time(0),
                                                  rill::Time(0));
    expected = stream + ": the cut log's batch 2000 ms starts topic 'words' partition 0, offsets [5, 6) where the "
                        "checkpoint ends at offset 1; it is cut again";
  }
  SUBCASE("a file that is not a cut log") {
    rill::io::writeFileAtomically(path, "garbage");
    expected = stream + ": the cut log '" + path + "' cannot be read (";
  }
  rill::SparkContext sc(rill_stream_test::conf());
  auto log = std::make_shared<Log>();
  std::shared_ptr<rill_stream_test::Recorder> events;
  auto ssc = rill::StreamingContext::getOrCreate(program.dir, [&] {
    auto made = program.build(sc, log);
    events = rill_stream_test::record(*made);
    return made;
  });
  ssc->start();
  clock->setTime(2000);
  ssc->stop(false);
  CHECK(log->ranges[2000] == Ranges{{"words", 0, 1, 2}});
  CHECK(log->counts[2000] == Counts{{"x", 1}, {"y", 1}});
  const auto warnings = events->warnings();
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].substr(0, expected.size()) == expected);
}
