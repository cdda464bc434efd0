// The direct stream on several ranks (the in-process cluster, ranks as threads)
// against librdkafka's mock cluster: rank 0 cuts each batch's offset ranges
// (the log's end, the rate limit) and sends them to the other ranks; every rank
// gets exactly the batches one process of local[P*N] gets, each record is read
// once, by the rank that owns its partition, and offsets are committed once;
// a checkpointed run killed and restarted on as many ranks goes on as one
// uninterrupted process does.
#include "kafka_test_support.hpp"
#include "temp_dir.hpp"

#include <rill/core/show.hpp>
#include <rill/exec/local_cluster.hpp>
#include <rill/kafka.hpp>
#include <rill/rdd/node.hpp>
#include <rill/stream/streaming_context.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
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
using rill_kafka_test::numbered;
using namespace std::chrono_literals;

namespace {

constexpr std::chrono::milliseconds kTimeout{60'000};
constexpr int kPartitions = 5;
constexpr int kBatches = 6;
/// Records per partition written before the stream starts (not read: it starts
/// at the log's end, Kafka's default), then before batch 1, then before batch 3.
const std::vector<int> kOld = {1, 2, 0, 3, 1};
const std::vector<int> kBefore = {7, 0, 4, 1, 9};
const std::vector<int> kLater = {2, 3, 0, 0, 1};

using Output = std::vector<std::string>;

/// What one rank's tasks read, per Kafka partition, and its commit callbacks.
struct Reads {
  std::mutex mutex;
  std::map<int, std::int64_t> byPartition;
  std::vector<std::vector<OffsetRange>> committed;
  int commitErrors = 0;

  void add(int partition) {
    std::lock_guard lock(mutex);
    ++byPartition[partition];
  }
};

rill::SparkConf conf(std::size_t threads) {
  return rill::SparkConf()
      .setAppName("rill-kafka-distributed-test")
      .setMaster("local[" + std::to_string(threads) + "]")
      .set("spark.streaming.kafka.maxRatePerPartition", "3")
      .set("spark.streaming.gracefulStopTimeout", "30s");
}

/// Writes `counts[p]` records to each partition p of `topic`, numbered from `first[p]`.
void produce(rill_kafka_test::Cluster& kafka, const std::string& topic, const std::vector<int>& counts,
             const std::vector<int>& first) {
  for (int p = 0; p < kPartitions; ++p) {
    const auto i = static_cast<std::size_t>(p);
    kafka.produce(topic, p, numbered("p" + std::to_string(p) + "-", counts[i], first[i]));
  }
}

std::vector<int> plus(const std::vector<int>& a, const std::vector<int>& b) {
  std::vector<int> out;
  for (std::size_t i = 0; i < a.size(); ++i) out.push_back(a[i] + b[i]);
  return out;
}

/// A fresh topic for each run, with kOld's records.
std::string newTopic(rill_kafka_test::Cluster& kafka) {
  static std::atomic<int> runs{0};
  const std::string topic = "in" + std::to_string(++runs);
  kafka.mock.createTopic(topic, kPartitions);
  produce(kafka, topic, kOld, std::vector<int>(kPartitions, 0));
  return topic;
}

/// One rank's run: a direct stream over `topic` from the log's end when it
/// starts (as rank 0 finds it), each batch's ranges and records recorded, a
/// count by value prefix (a shuffle across ranks), and each batch committed to
/// a group. Rank 0 drives the clock and writes kBefore's records after the
/// start, kLater's before batch 3.
Output runJob(rill::SparkContext& sc, rill_kafka_test::Cluster& kafka, const std::string& topic, Reads& reads) {
  Output out;
  auto clock = std::make_shared<rill::ManualClock>(0);
  rill::StreamingContext ssc(sc, 1s, clock);
  auto params = kafka.params();
  params["group.id"] = "group-" + topic;
  auto stream = rill::kafka::createDirectStream(ssc, rill::kafka::Subscribe({topic}, params));
  Reads* counts = &reads;
  stream.foreachRDD([&out, counts, stream](const rill::RDD<ConsumerRecord>& rdd, rill::Time t) {
    const auto records = rdd.map([counts](const ConsumerRecord& r) {
                              counts->add(r.partition());
                              return std::to_string(r.partition()) + "@" + std::to_string(r.offset()) + "=" + r.value();
                            })
                             .collect();
    out.push_back(t.toString() + " " + rill::toString(rill::kafka::offsetRanges(rdd)) + " " + rill::toString(records));
    stream.commitAsync(rill::kafka::offsetRanges(rdd), [counts](const auto& ranges, std::exception_ptr error) {
      std::lock_guard lock(counts->mutex);
      counts->committed.push_back(ranges);
      counts->commitErrors += error ? 1 : 0;
    });
  });
  stream.map([](const ConsumerRecord& r) { return std::pair<std::string, int>(r.value().substr(0, 2), 1); })
      .reduceByKey([](int a, int b) { return a + b; }, 4)  // 4 partitions: the same order for every P*N
      .foreachRDD([&out](const auto& rdd) { out.back() += " " + rill::toString(rdd.collect()); });
  ssc.start();
  if (sc.isDriver()) {
    for (int b = 1; b <= kBatches; ++b) {
      if (b == 1) produce(kafka, topic, kBefore, kOld);
      if (b == 3) produce(kafka, topic, kLater, plus(kOld, kBefore));
      clock->advance(1s);
    }
    ssc.stop(false);
  } else {
    CHECK(ssc.awaitTerminationOrTimeout(kTimeout));
    ssc.stop(false);
  }
  return out;
}

struct Run {
  std::string topic;
  std::vector<Output> outputs;              // by rank
  std::vector<std::unique_ptr<Reads>> reads;  // by rank
  std::vector<std::int64_t> committed;      // the group's offsets after the run, by partition
};

std::vector<std::int64_t> committedOffsets(rill_kafka_test::Cluster& kafka, const std::string& topic) {
  auto params = kafka.params();
  params["group.id"] = "group-" + topic;
  rill::kafka::detail::DriverConsumer group(params);
  std::vector<rill::kafka::TopicPartition> tps;
  for (int p = 0; p < kPartitions; ++p) tps.push_back({topic, p});
  return group.committed(tps, 5s);
}

Run inOneProcess(rill_kafka_test::Cluster& kafka, std::size_t threads) {
  const std::string topic = newTopic(kafka);
  Run run;
  run.topic = topic;
  run.reads.push_back(std::make_unique<Reads>());
  {
    rill::SparkContext sc(conf(threads));
    run.outputs.push_back(runJob(sc, kafka, topic, *run.reads[0]));
  }
  run.committed = committedOffsets(kafka, topic);
  return run;
}

Run onRanks(rill_kafka_test::Cluster& kafka, std::size_t ranks, std::size_t threads) {
  const std::string topic = newTopic(kafka);
  Run run;
  run.topic = topic;
  run.outputs.resize(ranks);
  for (std::size_t r = 0; r < ranks; ++r) run.reads.push_back(std::make_unique<Reads>());
  rill::exec::runLocalCluster(
      ranks,
      [&](rill::exec::Cluster& cluster) {
        rill::SparkContext sc(conf(threads), cluster);
        run.outputs[cluster.rank()] = runJob(sc, kafka, topic, *run.reads[cluster.rank()]);
      },
      kTimeout);
  run.committed = committedOffsets(kafka, topic);
  return run;
}

/// A run's outputs by rank, its topic named 'T' (each run has a topic of its own).
std::vector<Output> outputsOf(const Run& run) {
  const std::string name = "'" + run.topic + "'";
  std::vector<Output> outputs = run.outputs;
  for (auto& out : outputs)
    for (auto& line : out)
      for (auto at = line.find(name); at != std::string::npos; at = line.find(name, at + 3))
        line.replace(at, name.size(), "'T'");
  return outputs;
}

// ---- checkpoints: a run killed after some batches, restarted with getOrCreate on as many ranks ----

/// Batch time (ms) -> that batch's ranges and running word counts (sorted: a
/// restored state's rows come in another order).
using Batches = std::map<std::int64_t, std::string>;

/// What one rank's run of the checkpointed job saw.
struct CheckpointedRun {
  Batches batches;
  std::optional<std::int64_t> restored;  // ms
  std::string error;                     // what awaitTermination threw
};

/// A running count of the values of `topic` (updateStateByKey), checkpointed
/// in `dir`, run from its checkpoint up to batch `until`; then the contexts are
/// dropped without a graceful stop (killed). The count's output throws at
/// batch `failAt` (ms), after the batch's ranges were recorded; rank 0 calls
/// beforeBatch(b) before batch b.
CheckpointedRun runCheckpointed(rill::SparkContext& sc, rill_kafka_test::Cluster& kafka, const std::string& topic,
                                const std::string& dir, std::int64_t until,
                                std::optional<std::int64_t> failAt = std::nullopt,
                                const std::function<void(std::int64_t)>& beforeBatch = {}) {
  auto clock = std::make_shared<rill::ManualClock>(0);
  auto lock = std::make_shared<std::mutex>();
  auto batches = std::make_shared<Batches>();
  auto ssc = rill::StreamingContext::getOrCreate(dir, [&] {
    auto made = std::make_unique<rill::StreamingContext>(sc, 1s, clock);
    made->checkpoint(dir);
    auto params = kafka.params();
    params["auto.offset.reset"] = "earliest";
    auto stream = rill::kafka::createDirectStream(*made, rill::kafka::Subscribe({topic}, params));
    stream.foreachRDD([lock, batches](const rill::RDD<ConsumerRecord>& rdd, rill::Time t) {
      std::lock_guard guard(*lock);
      (*batches)[t.milliseconds()] = rill::toString(rill::kafka::offsetRanges(rdd));
    });
    stream.map([](const ConsumerRecord& r) { return std::pair<std::string, long>(r.value().substr(0, 2), 1); })
        .updateStateByKey([](const std::vector<long>& ones, std::optional<long> sum) {
          return std::optional<long>(sum.value_or(0) + static_cast<long>(ones.size()));
        })
        .foreachRDD([lock, batches, failAt](const auto& rdd, rill::Time t) {
          if (failAt == t.milliseconds()) throw std::runtime_error("a crash in the middle of the batch");
          auto counts = rdd.collect();
          std::sort(counts.begin(), counts.end());
          std::lock_guard guard(*lock);
          (*batches)[t.milliseconds()] += " " + rill::toString(counts);
        });
    return made;
  });
  CheckpointedRun run;
  if (auto t = ssc->restoredBatchTime()) run.restored = t->milliseconds();
  ssc->start();
  try {
    if (sc.isDriver()) {
      for (std::int64_t b = run.restored.value_or(0) / 1000 + 1; b <= until; ++b) {
        if (beforeBatch) beforeBatch(b);
        clock->setTime(b * 1000);
      }
      ssc->awaitTerminationOrTimeout(0s);
    } else if (!ssc->awaitTerminationOrTimeout(kTimeout)) {
      throw std::runtime_error("rank 0 did not stop the job within the timeout");
    }
  } catch (const std::exception& e) {
    run.error = e.what();
  }
  ssc.reset();  // a forced stop
  std::lock_guard guard(*lock);
  run.batches = *batches;
  return run;
}

/// A topic with all its records (kOld, kBefore and kLater) written before the
/// job starts; read from the earliest offsets, the rate limit spreads them over
/// batches 1 to 4.
std::string filledTopic(rill_kafka_test::Cluster& kafka) {
  const std::string topic = newTopic(kafka);
  produce(kafka, topic, plus(kBefore, kLater), kOld);
  return topic;
}

/// `batches` with their topic named 'T'.
Batches named(Batches batches, const std::string& topic) {
  Run run;
  run.topic = topic;
  for (const auto& [t, text] : batches) run.outputs.push_back({text});
  const auto outputs = outputsOf(run);
  std::size_t i = 0;
  for (auto& entry : batches) entry.second = outputs[i++][0];
  return batches;
}

}  // namespace

TEST_CASE("direct stream on 1, 2 and 3 ranks: the batches of one process, each record read once where it lives") {
  rill_kafka_test::Cluster kafka;
  std::vector<std::int64_t> totals, ends;  // records read and the logs' ends, by partition
  std::int64_t total = 0;
  for (std::size_t p = 0; p < kPartitions; ++p) {
    totals.push_back(kBefore[p] + kLater[p]);
    ends.push_back(kOld[p] + totals.back());
    total += totals.back();
  }
  for (const std::size_t ranks : {1, 2, 3})
    for (const std::size_t threads : {1, 2}) {
      CAPTURE(ranks);
      CAPTURE(threads);
      const Run expected = inOneProcess(kafka, ranks * threads);
      const Output want = outputsOf(expected)[0];
      REQUIRE(want.size() == kBatches);
      // From the logs' ends at start, at most 3 offsets per partition and second.
      CHECK(want[0] ==
            "1000 ms [OffsetRange(topic: 'T', partition: 0, range: [1 -> 4]), OffsetRange(topic: 'T', partition: 1, "
            "range: [2 -> 2]), OffsetRange(topic: 'T', partition: 2, range: [0 -> 3]), OffsetRange(topic: 'T', "
            "partition: 3, range: [3 -> 4]), OffsetRange(topic: 'T', partition: 4, range: [1 -> 4])] [0@1=p0-1, "
            "0@2=p0-2, 0@3=p0-3, 2@0=p2-0, 2@1=p2-1, 2@2=p2-2, 3@3=p3-3, 4@1=p4-1, 4@2=p4-2, 4@3=p4-3] [(p2,3), "
            "(p4,3), (p0,3), (p3,1)]");
      CHECK(want[3] ==
            "4000 ms [OffsetRange(topic: 'T', partition: 0, range: [10 -> 10]), OffsetRange(topic: 'T', partition: "
            "1, range: [5 -> 5]), OffsetRange(topic: 'T', partition: 2, range: [4 -> 4]), OffsetRange(topic: 'T', "
            "partition: 3, range: [4 -> 4]), OffsetRange(topic: 'T', partition: 4, range: [10 -> 11])] "
            "[4@10=p4-10] [(p4,1)]");
      CHECK(expected.committed == ends);
      const Run got = onRanks(kafka, ranks, threads);
      const auto outputs = outputsOf(got);
      std::int64_t read = 0;
      for (std::size_t r = 0; r < ranks; ++r) {
        CAPTURE(r);
        CHECK(outputs[r] == want);
        // Each rank read only the partitions it owns (block placement), each record once.
        for (const auto& entry : got.reads[r]->byPartition) {
          const auto partition = static_cast<std::size_t>(entry.first);
          CAPTURE(partition);
          CHECK(rill::blockOwner(partition, kPartitions, ranks) == r);
          CHECK(entry.second == totals[partition]);
          read += entry.second;
        }
        // Rank 0 commits (and calls back) once per batch; the other ranks commit nothing.
        CHECK(got.reads[r]->committed.size() == (r == 0 ? std::size_t{kBatches} : 0));
        CHECK(got.reads[r]->commitErrors == 0);
      }
      CHECK(read == total);
      CHECK(got.committed == ends);
    }
}

TEST_CASE("direct stream on 3 ranks: a batch rank 0 cannot cut fails on every rank, with its reason") {
  rill_kafka_test::Cluster kafka;
  std::vector<std::string> errors(3);
  rill::exec::runLocalCluster(
      3,
      [&](rill::exec::Cluster& cluster) {
        rill::SparkContext sc(conf(1), cluster);
        auto clock = std::make_shared<rill::ManualClock>(0);
        rill::StreamingContext ssc(sc, 1s, clock);
        rill::kafka::createDirectStream(ssc, rill::kafka::Subscribe({"nosuch"}, kafka.params()))
            .foreachRDD([](const rill::RDD<ConsumerRecord>& rdd) { rdd.count(); });
        ssc.start();
        if (sc.isDriver()) clock->advance(1s);
        try {
          ssc.awaitTerminationOrTimeout(kTimeout);
        } catch (const std::exception& e) {
          errors[cluster.rank()] = e.what();
        }
        ssc.stop(false);
      },
      kTimeout);
  const std::string expected = "rill::kafka::KafkaException: rill: Kafka direct stream Subscribe(nosuch) on " +
                               kafka.mock.bootstrapServers() + ", batch 1000 ms: topic 'nosuch' does not exist";
  for (const auto& e : errors) CHECK(e == expected);
}

TEST_CASE("checkpointed direct stream on 2 and 3 ranks: killed and restarted, it goes on as one process would") {
  rill_kafka_test::Cluster kafka;
  for (const std::size_t ranks : {2, 3}) {
    CAPTURE(ranks);
    rill_test::TempDir tmp("kafka-distributed-checkpoint");
    std::string topic = filledTopic(kafka);
    Batches expected;
    {
      rill::SparkContext sc(conf(ranks));
      expected = named(runCheckpointed(sc, kafka, topic, tmp.file("one-process"), kBatches).batches, topic);
    }
    REQUIRE(expected.size() == kBatches);
    CHECK(expected[4000] ==
          "[OffsetRange(topic: 'T', partition: 0, range: [9 -> 10]), OffsetRange(topic: 'T', partition: 1, range: "
          "[5 -> 5]), OffsetRange(topic: 'T', partition: 2, range: [4 -> 4]), OffsetRange(topic: 'T', partition: 3, "
          "range: [4 -> 4]), OffsetRange(topic: 'T', partition: 4, range: [9 -> 11])] [(p0,10), (p1,5), (p2,4), "
          "(p3,4), (p4,11)]");

    topic = filledTopic(kafka);
    std::vector<CheckpointedRun> killed(ranks), resumed(ranks);
    for (auto* runs : {&killed, &resumed})
      rill::exec::runLocalCluster(
          ranks,
          [&](rill::exec::Cluster& cluster) {
            rill::SparkContext sc(conf(1), cluster);
            (*runs)[cluster.rank()] =
                runCheckpointed(sc, kafka, topic, tmp.file("ranks"), runs == &killed ? 2 : kBatches);
          },
          kTimeout);
    for (std::size_t r = 0; r < ranks; ++r) {
      CAPTURE(r);
      CHECK_FALSE(killed[r].restored.has_value());
      CHECK(named(killed[r].batches, topic) == Batches(expected.begin(), expected.upper_bound(2000)));
      CHECK(resumed[r].restored == std::optional<std::int64_t>(2000));
      CHECK(named(resumed[r].batches, topic) == Batches(expected.upper_bound(2000), expected.end()));
    }
  }
}

TEST_CASE("checkpointed direct stream on 2 ranks: the batch that failed runs again with its ranges, not re-cut") {
  rill_kafka_test::Cluster kafka;
  rill_test::TempDir tmp("kafka-distributed-replay");
  // Records written after batch 3 was cut: an uninterrupted run reads them in batch 4.
  auto late = [&kafka](const std::string& topic) { kafka.produce(topic, 1, {"p1-late0", "p1-late1"}); };
  std::string topic = filledTopic(kafka);
  Batches expected;
  {
    rill::SparkContext sc(conf(2));
    expected = named(runCheckpointed(sc, kafka, topic, tmp.file("one-process"), kBatches, std::nullopt,
                                     [&](std::int64_t b) {
                                       if (b == 4) late(topic);
                                     })
                         .batches,
                     topic);
  }
  REQUIRE(expected.size() == kBatches);
  CHECK(expected[4000].find("partition: 1, range: [5 -> 7]") != std::string::npos);

  topic = filledTopic(kafka);
  std::vector<CheckpointedRun> killed(2), resumed(2);
  rill::exec::runLocalCluster(
      2,
      [&](rill::exec::Cluster& cluster) {
        rill::SparkContext sc(conf(1), cluster);
        killed[cluster.rank()] = runCheckpointed(sc, kafka, topic, tmp.file("ranks"), 3, 3000);
      },
      kTimeout);
  late(topic);  // before the restart: re-cut, batch 3 would read them
  rill::exec::runLocalCluster(
      2,
      [&](rill::exec::Cluster& cluster) {
        rill::SparkContext sc(conf(1), cluster);
        resumed[cluster.rank()] = runCheckpointed(sc, kafka, topic, tmp.file("ranks"), kBatches);
      },
      kTimeout);
  for (std::size_t r = 0; r < 2; ++r) {
    CAPTURE(r);
    CHECK(killed[r].error == "a crash in the middle of the batch");
    const Batches before = named(killed[r].batches, topic);
    CHECK(Batches(before.begin(), before.upper_bound(2000)) == Batches(expected.begin(), expected.upper_bound(2000)));
    CHECK(expected[3000].rfind(before.at(3000), 0) == 0);  // its ranges, then no counts
    CHECK(resumed[r].restored == std::optional<std::int64_t>(2000));
    CHECK(resumed[r].error.empty());
    CHECK(named(resumed[r].batches, topic) == Batches(expected.upper_bound(2000), expected.end()));
  }
}
