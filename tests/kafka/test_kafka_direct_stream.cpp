// createDirectStream on a manual clock against librdkafka's mock cluster: the
// offset ranges and records of every batch, starting offsets, the rate limit,
// pattern subscriptions, Assign, commitAsync, and the errors a program sees.
#include "kafka_test_support.hpp"
#include "stream_test_support.hpp"

#include <rill/kafka.hpp>
#include <rill/stream/streaming_context.hpp>

#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using rill::kafka::ConsumerRecord;
using rill::kafka::OffsetRange;
using rill_kafka_test::Cluster;
using rill_kafka_test::numbered;
using namespace std::chrono_literals;

namespace {

/// Each batch's offset ranges and record values (in partition order), by batch time.
struct Seen {
  std::mutex mutex;
  std::map<std::int64_t, std::vector<OffsetRange>> ranges;
  std::map<std::int64_t, std::vector<std::string>> values;

  std::vector<OffsetRange> rangesAt(std::int64_t t) {
    std::lock_guard lock(mutex);
    return ranges[t];
  }
  std::vector<std::string> valuesAt(std::int64_t t) {
    std::lock_guard lock(mutex);
    return values[t];
  }
};

std::shared_ptr<Seen> watch(const rill::kafka::DirectKafkaDStream& stream) {
  auto seen = std::make_shared<Seen>();
  stream.foreachRDD([seen](const rill::RDD<ConsumerRecord>& rdd, rill::Time t) {
    std::vector<std::string> vs;
    for (const auto& r : rdd.collect()) vs.push_back(r.value());
    std::lock_guard lock(seen->mutex);
    seen->ranges[t.milliseconds()] = rill::kafka::offsetRanges(rdd);
    seen->values[t.milliseconds()] = std::move(vs);
  });
  return seen;
}

/// A direct stream over `strategy`, watched, and the context started.
std::shared_ptr<Seen> startWatching(rill_stream_test::ManualContext& ctx, rill::kafka::ConsumerStrategy strategy) {
  auto seen = watch(rill::kafka::createDirectStream(ctx.ssc, std::move(strategy)));
  ctx.ssc.start();
  return seen;
}

rill::kafka::KafkaParams earliest(const Cluster& c) {
  auto p = c.params();
  p["auto.offset.reset"] = "earliest";
  return p;
}

/// earliest(c), asking the brokers again 10 ms after a failed query.
rill::kafka::KafkaParams retryingSoon(const Cluster& c) {
  auto p = earliest(c);
  p["retry.backoff.ms"] = "10";
  return p;
}

using Ranges = std::vector<OffsetRange>;
using Values = std::vector<std::string>;

/// The KafkaException the context stopped with ("" if none).
std::string kafkaFailure(rill_stream_test::ManualContext& ctx) {
  try {
    ctx.ssc.awaitTerminationOrTimeout(0s);
  } catch (const rill::kafka::KafkaException& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("direct stream: each batch reads from where the last one ended to the log's end when it is cut") {
  Cluster cluster;
  cluster.mock.createTopic("in", 3);
  cluster.produce("in", 0, numbered("a", 3));
  cluster.produce("in", 1, numbered("b", 2));
  rill_stream_test::ManualContext ctx;
  auto events = rill_stream_test::record(ctx.ssc);
  auto seen = startWatching(ctx, rill::kafka::Subscribe({"in"}, earliest(cluster)));

  ctx.clock->advance(1s);
  CHECK(seen->rangesAt(1000) == Ranges{{"in", 0, 0, 3}, {"in", 1, 0, 2}, {"in", 2, 0, 0}});
  CHECK(seen->valuesAt(1000) == Values{"a0", "a1", "a2", "b0", "b1"});

  cluster.produce("in", 2, numbered("c", 4));
  cluster.produce("in", 0, numbered("a", 1, 3));
  ctx.clock->advance(1s);
  CHECK(seen->rangesAt(2000) == Ranges{{"in", 0, 3, 4}, {"in", 1, 2, 2}, {"in", 2, 0, 4}});
  CHECK(seen->valuesAt(2000) == Values{"a3", "c0", "c1", "c2", "c3"});

  ctx.clock->advance(1s);
  CHECK(seen->rangesAt(3000) == Ranges{{"in", 0, 4, 4}, {"in", 1, 2, 2}, {"in", 2, 4, 4}});
  CHECK(seen->valuesAt(3000).empty());

  const auto completed = events->completed();
  REQUIRE(completed.size() == 3);
  CHECK(completed[0].numRecords == 5);
  CHECK(completed[1].numRecords == 5);
  CHECK(completed[2].numRecords == 0);
  CHECK_FALSE(completed[0].failureReason);
  ctx.ssc.stop(false);
}

TEST_CASE("direct stream: starting offsets latest (Kafka's default), earliest, or given per partition") {
  Cluster cluster;
  cluster.mock.createTopic("in", 2);
  cluster.produce("in", 0, numbered("old", 2));
  cluster.produce("in", 1, numbered("old", 3));

  SUBCASE("latest: what was written before start() is not read") {
    rill_stream_test::ManualContext ctx;
    auto seen = startWatching(ctx, rill::kafka::Subscribe({"in"}, cluster.params()));
    cluster.produce("in", 1, {"new"});
    ctx.clock->advance(1s);
    CHECK(seen->rangesAt(1000) == Ranges{{"in", 0, 2, 2}, {"in", 1, 3, 4}});
    CHECK(seen->valuesAt(1000) == Values{"new"});
    ctx.ssc.stop(false);
  }
  SUBCASE("given offsets, the others by auto.offset.reset") {
    rill_stream_test::ManualContext ctx;
    auto seen = startWatching(
        ctx, rill::kafka::Subscribe({"in"}, earliest(cluster), {{rill::kafka::TopicPartition{"in", 1}, 2}}));
    ctx.clock->advance(1s);
    CHECK(seen->rangesAt(1000) == Ranges{{"in", 0, 0, 2}, {"in", 1, 2, 3}});
    CHECK(seen->valuesAt(1000) == Values{"old0", "old1", "old2"});
    ctx.ssc.stop(false);
  }
}

TEST_CASE("direct stream: spark.streaming.kafka.maxRatePerPartition limits each batch's ranges") {
  Cluster cluster;
  cluster.mock.createTopic("in", 2);
  cluster.produce("in", 0, numbered("a", 5));
  cluster.produce("in", 1, numbered("b", 1));
  rill_stream_test::ManualContext ctx(rill_stream_test::conf().set("spark.streaming.kafka.maxRatePerPartition", "2"));
  auto seen = startWatching(ctx, rill::kafka::Subscribe({"in"}, earliest(cluster)));
  ctx.clock->advance(3s);
  CHECK(seen->rangesAt(1000) == Ranges{{"in", 0, 0, 2}, {"in", 1, 0, 1}});
  CHECK(seen->rangesAt(2000) == Ranges{{"in", 0, 2, 4}, {"in", 1, 1, 1}});
  CHECK(seen->rangesAt(3000) == Ranges{{"in", 0, 4, 5}, {"in", 1, 1, 1}});
  CHECK(seen->valuesAt(3000) == Values{"a4"});
  ctx.ssc.stop(false);
}

TEST_CASE("direct stream: a maxRatePerPartition too large for a batch's offsets is no limit, not one offset") {
  Cluster cluster;
  cluster.mock.createTopic("in", 1);
  cluster.produce("in", 0, numbered("a", 5));
  // 2^63 - 1 offsets a second, which as a double is 2^63: more than an offset can count.
  rill_stream_test::ManualContext ctx(
      rill_stream_test::conf().set("spark.streaming.kafka.maxRatePerPartition", "9223372036854775807"));
  auto seen = startWatching(ctx, rill::kafka::Subscribe({"in"}, earliest(cluster)));
  ctx.clock->advance(1s);
  CHECK(seen->rangesAt(1000) == Ranges{{"in", 0, 0, 5}});
  ctx.ssc.stop(false);
}

TEST_CASE("direct stream: with backpressure, the estimated rate is shared by lag, at first the initial rate") {
  Cluster cluster;
  cluster.mock.createTopic("in", 2);
  cluster.produce("in", 0, numbered("a", 30));
  cluster.produce("in", 1, numbered("b", 10));
  rill_stream_test::ManualContext ctx(rill_stream_test::conf()
                                          .set("spark.streaming.backpressure.enabled", "true")
                                          .set("spark.streaming.backpressure.initialRate", "10"));
  auto stream = rill::kafka::createDirectStream(ctx.ssc, rill::kafka::Subscribe({"in"}, earliest(cluster)));
  auto seen = watch(stream);
  auto clock = ctx.clock;
  stream.foreachRDD([clock](const rill::RDD<ConsumerRecord>&) { clock->spend(500ms); });  // each batch takes 0.5 s
  ctx.ssc.start();
  // 10 records/s shared 30:10 by lag (7.5 and 2.5, whole offsets): the initial rate.
  ctx.clock->setTime(1000);
  CHECK(seen->rangesAt(1000) == Ranges{{"in", 0, 0, 7}, {"in", 1, 0, 2}});
  // The PID estimator's first batch only measures (18 records/s): still the initial rate.
  ctx.clock->setTime(2000);
  CHECK(seen->rangesAt(2000) == Ranges{{"in", 0, 7, 14}, {"in", 1, 2, 4}});
  // Its first estimate: 18 records/s, raised to spark.streaming.backpressure.pid.minRate (100).
  ctx.clock->setTime(3000);
  CHECK(seen->rangesAt(3000) == Ranges{{"in", 0, 14, 30}, {"in", 1, 4, 10}});
  ctx.ssc.stop(false);
}

TEST_CASE("direct stream: SubscribePattern reads every matching topic, also one made while it runs") {
  Cluster cluster;
  cluster.mock.createTopic("log-a", 2);
  cluster.mock.createTopic("log-b", 1);
  cluster.mock.createTopic("other", 1);
  cluster.produce("log-a", 1, {"a"});
  cluster.produce("log-b", 0, {"b"});
  cluster.produce("other", 0, {"x"});
  rill_stream_test::ManualContext ctx;
  auto seen = startWatching(ctx, rill::kafka::SubscribePattern("log-.*", earliest(cluster)));
  ctx.clock->advance(1s);
  CHECK(seen->rangesAt(1000) == Ranges{{"log-a", 0, 0, 0}, {"log-a", 1, 0, 1}, {"log-b", 0, 0, 1}});
  CHECK(seen->valuesAt(1000) == Values{"a", "b"});

  cluster.mock.createTopic("log-c", 1);
  cluster.produce("log-c", 0, {"c0", "c1"});  // before the batch that first sees the topic: read from its start
  ctx.clock->advance(1s);
  CHECK(seen->rangesAt(2000) == Ranges{{"log-a", 0, 0, 0}, {"log-a", 1, 1, 1}, {"log-b", 0, 1, 1}, {"log-c", 0, 0, 2}});
  CHECK(seen->valuesAt(2000) == Values{"c0", "c1"});
  ctx.ssc.stop(false);
}

TEST_CASE("direct stream: Assign reads exactly the partitions given") {
  Cluster cluster;
  cluster.mock.createTopic("in", 3);
  for (int p = 0; p < 3; ++p) cluster.produce("in", p, numbered("p" + std::to_string(p) + "-", 2));
  rill_stream_test::ManualContext ctx;
  auto seen = startWatching(
      ctx, rill::kafka::Assign({{"in", 2}, {"in", 0}}, earliest(cluster), {{rill::kafka::TopicPartition{"in", 0}, 1}}));
  ctx.clock->advance(1s);
  CHECK(seen->rangesAt(1000) == Ranges{{"in", 0, 1, 2}, {"in", 2, 0, 2}});
  CHECK(seen->valuesAt(1000) == Values{"p0-1", "p2-0", "p2-1"});
  ctx.ssc.stop(false);
}

TEST_CASE("direct stream: a topic that does not exist fails the batch with its name") {
  Cluster cluster;
  cluster.mock.createTopic("in", 1);
  rill_stream_test::ManualContext ctx;
  auto events = rill_stream_test::record(ctx.ssc);
  startWatching(ctx, rill::kafka::Subscribe({"in", "nosuch"}, cluster.params()));
  const std::string expected = "rill: Kafka direct stream Subscribe(in, nosuch) on " + cluster.mock.bootstrapServers() +
                               ", batch 1000 ms: topic 'nosuch' does not exist";
  REQUIRE(events->warnings().size() == 1);
  CHECK(events->warnings()[0] == "rill: Kafka direct stream Subscribe(in, nosuch) on " +
                                     cluster.mock.bootstrapServers() +
                                     ", at start: topic 'nosuch' does not exist; the first batch tries again");
  ctx.clock->advance(1s);
  CHECK_THROWS_WITH_AS(ctx.ssc.awaitTerminationOrTimeout(0s), expected.c_str(), rill::kafka::KafkaException);
  ctx.ssc.stop(false);
}

TEST_CASE("direct stream: unreachable brokers are reported, retried with back-off, and lose nothing") {
  Cluster cluster;
  cluster.mock.createTopic("in", 1);
  cluster.produce("in", 0, numbered("a", 2));
  auto params = retryingSoon(cluster);
  // librdkafka's reconnect back-off grows while the broker is down (up to 10 s by default): kept
  // short so the client is back within the next batch's retries.
  params["reconnect.backoff.ms"] = "10";
  params["reconnect.backoff.max.ms"] = "50";
  rill_stream_test::ManualContext ctx(rill_stream_test::conf()
                                          .set("rill.streaming.kafka.driverTimeout.ms", "300")
                                          .set("spark.streaming.kafka.maxRetries", "2"));
  auto events = rill_stream_test::record(ctx.ssc);
  auto seen = startWatching(ctx, rill::kafka::Subscribe({"in"}, params));
  ctx.clock->advance(1s);
  CHECK(seen->valuesAt(1000) == Values{"a0", "a1"});

  cluster.produce("in", 0, numbered("a", 2, 2));
  cluster.mock.brokerDown();
  ctx.clock->advance(1s);  // batch 2000 fails after 3 attempts
  const auto warnings = events->warnings();
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].find("batch 2000 ms: ") != std::string::npos);
  CHECK(warnings[0].find("; asking again in 10 ms (retry 1 of 2)") != std::string::npos);
  CHECK(warnings[1].find("; asking again in 20 ms (retry 2 of 2)") != std::string::npos);
  const std::string failure = kafkaFailure(ctx);
  CHECK(failure.find("batch 2000 ms: ") != std::string::npos);
  CHECK(failure.find("(gave up after 3 attempts, spark.streaming.kafka.maxRetries = 2)") != std::string::npos);

  cluster.mock.brokerUp();
  ctx.clock->advance(1s);  // the next batch reads what the failed one would have
  CHECK(seen->rangesAt(3000) == Ranges{{"in", 0, 2, 4}});
  CHECK(seen->valuesAt(3000) == Values{"a2", "a3"});
  ctx.ssc.stop(false);
}

TEST_CASE("direct stream: a topic whose metadata comes with an error fails the batch, not read again from its start") {
  Cluster cluster;
  cluster.mock.createTopic("log-a", 1);
  cluster.produce("log-a", 0, numbered("a", 3));
  rill_stream_test::ManualContext ctx;
  auto events = rill_stream_test::record(ctx.ssc);
  std::shared_ptr<Seen> seen;
  SUBCASE("SubscribePattern") {
    seen = startWatching(ctx, rill::kafka::SubscribePattern("log-.*", retryingSoon(cluster)));
  }
  SUBCASE("Subscribe") { seen = startWatching(ctx, rill::kafka::Subscribe({"log-a"}, retryingSoon(cluster))); }
  ctx.clock->advance(1s);
  CHECK(seen->rangesAt(1000) == Ranges{{"log-a", 0, 0, 3}});

  // The topic's leader moves: for a while the metadata names the topic with an error.
  rd_kafka_mock_topic_set_error(cluster.mock.get(), "log-a", RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE);
  ctx.clock->advance(1s);
  const std::string failure = kafkaFailure(ctx);
  CHECK(failure.find("batch 2000 ms: topic 'log-a' is not available: ") != std::string::npos);
  CHECK(failure.find("(gave up after 2 attempts, spark.streaming.kafka.maxRetries = 1)") != std::string::npos);
  const auto warnings = events->warnings();  // the first attempt's, retried
  CHECK(warnings.size() == 1);
  for (const auto& w : warnings) CHECK(w.find("batch 2000 ms: topic 'log-a' is not available: ") != std::string::npos);

  rd_kafka_mock_topic_set_error(cluster.mock.get(), "log-a", RD_KAFKA_RESP_ERR_NO_ERROR);
  cluster.produce("log-a", 0, {"a3"});
  ctx.clock->advance(1s);  // goes on where batch 1000 ended
  CHECK(seen->rangesAt(3000) == Ranges{{"log-a", 0, 3, 4}});
  CHECK(seen->valuesAt(3000) == Values{"a3"});
  ctx.ssc.stop(false);
}

TEST_CASE("direct stream: commitAsync commits the ranges to the group when the next batch is cut") {
  Cluster cluster;
  cluster.mock.createTopic("in", 2);
  cluster.produce("in", 0, numbered("a", 3));
  cluster.produce("in", 1, numbered("b", 1));
  auto params = earliest(cluster);
  params["group.id"] = "counters";
  struct Done {
    std::mutex mutex;
    std::vector<Ranges> ranges;
    int errors = 0;
  };
  auto done = std::make_shared<Done>();
  rill::kafka::detail::DriverConsumer group(params);
  auto committed = [&] { return group.committed({{"in", 0}, {"in", 1}}, 5s); };
  {
    rill_stream_test::ManualContext ctx;
    auto stream = rill::kafka::createDirectStream(ctx.ssc, rill::kafka::Subscribe({"in"}, params));
    stream.foreachRDD([stream, done](const rill::RDD<ConsumerRecord>& rdd) {
      stream.commitAsync(rill::kafka::offsetRanges(rdd), [done](const Ranges& ranges, std::exception_ptr error) {
        std::lock_guard lock(done->mutex);
        done->ranges.push_back(ranges);
        done->errors += error ? 1 : 0;
      });
    });
    ctx.ssc.start();
    ctx.clock->advance(1s);
    CHECK(committed() == std::vector<std::int64_t>{-1, -1});  // queued, not sent
    cluster.produce("in", 1, {"b1"});
    ctx.clock->advance(1s);  // sends batch 1000's commit
    const auto deadline = std::chrono::steady_clock::now() + rill_stream_test::kSafety;
    while (committed() != std::vector<std::int64_t>{3, 1} && std::chrono::steady_clock::now() < deadline) {
    }
    CHECK(committed() == std::vector<std::int64_t>{3, 1});
    ctx.ssc.stop(false);
  }  // the stream sends batch 2000's commit as it goes, and waits for the answers
  CHECK(committed() == std::vector<std::int64_t>{3, 2});
  std::lock_guard lock(done->mutex);
  CHECK(done->ranges == std::vector<Ranges>{{{"in", 0, 0, 3}, {"in", 1, 0, 1}}, {{"in", 0, 3, 3}, {"in", 1, 1, 2}}});
  CHECK(done->errors == 0);
}

TEST_CASE("direct stream: a partition's error in the committed offsets is retried, not taken for none committed") {
  Cluster cluster;
  // OffsetFetch v0-1 has no error of its own: an error the coordinator answers comes on each partition,
  // while rd_kafka_committed succeeds.
  rd_kafka_mock_set_apiversion(cluster.mock.get(), 9, 0, 1);
  cluster.mock.createTopic("in", 1);
  cluster.produce("in", 0, numbered("a", 5));
  auto params = retryingSoon(cluster);
  params["group.id"] = "readers";
  {
    rill::kafka::detail::DriverConsumer group(params);
    std::atomic<bool> answered{false};
    rd_kafka_resp_err_t result = RD_KAFKA_RESP_ERR_UNKNOWN;
    group.commit({{{"in", 0}, 2}}, [&](rd_kafka_resp_err_t err) {
      result = err;
      answered = true;
    });
    const auto deadline = std::chrono::steady_clock::now() + rill_stream_test::kSafety;
    while (!answered && std::chrono::steady_clock::now() < deadline) group.serveCommits(100ms);
    REQUIRE(answered);
    REQUIRE(result == RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  rill_stream_test::ManualContext ctx;
  auto events = rill_stream_test::record(ctx.ssc);
  SUBCASE("one error: asked again") {
    rd_kafka_mock_push_request_errors(cluster.mock.get(), 9, 1, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS);
    auto seen = startWatching(ctx, rill::kafka::Subscribe({"in"}, params));
    ctx.clock->advance(1s);
    CHECK(seen->rangesAt(1000) == Ranges{{"in", 0, 2, 5}});
    CHECK(seen->valuesAt(1000) == Values{"a2", "a3", "a4"});
    const auto warnings = events->warnings();
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("at start: cannot read the committed offset of topic 'in' partition 0: ") !=
          std::string::npos);
  }
  SUBCASE("more errors than retries: start and the first batch fail, the next batch reads from the committed offset") {
    rd_kafka_mock_push_request_errors(cluster.mock.get(), 9, 4, RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
                                      RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
                                      RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
                                      RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS);
    auto seen = startWatching(ctx, rill::kafka::Subscribe({"in"}, params));
    ctx.clock->advance(1s);
    const std::string failure = kafkaFailure(ctx);
    CHECK(failure.find("batch 1000 ms: cannot read the committed offset of topic 'in' partition 0: ") !=
          std::string::npos);
    CHECK(failure.find("(gave up after 2 attempts, spark.streaming.kafka.maxRetries = 1)") != std::string::npos);
    CHECK(seen->rangesAt(1000).empty());
    ctx.clock->advance(1s);
    CHECK(seen->rangesAt(2000) == Ranges{{"in", 0, 2, 5}});
    CHECK(seen->valuesAt(2000) == Values{"a2", "a3", "a4"});
  }
  ctx.ssc.stop(false);
}

TEST_CASE("direct stream: a commit answered as the stream goes calls back safely, with or without its context") {
  Cluster cluster;
  cluster.mock.createTopic("in", 1);
  cluster.produce("in", 0, numbered("a", 3));
  auto params = earliest(cluster);
  params["group.id"] = "counters";
  auto calls = std::make_shared<std::atomic<int>>(0);
  std::shared_ptr<rill_stream_test::Recorder> events;
  std::optional<rill::kafka::DirectKafkaDStream> kept;
  const bool keep = [] {
    bool k = false;
    SUBCASE("the context destroys the stream") { k = false; }
    SUBCASE("the program keeps the stream after its context") { k = true; }
    return k;
  }();
  {
    rill_stream_test::ManualContext ctx;
    events = rill_stream_test::record(ctx.ssc);
    auto stream = rill::kafka::createDirectStream(ctx.ssc, rill::kafka::Subscribe({"in"}, params));
    stream.foreachRDD([stream, calls](const rill::RDD<ConsumerRecord>& rdd) {
      // The commit is sent when the stream goes (no later batch), and answered then.
      stream.commitAsync(rill::kafka::offsetRanges(rdd), [calls](const Ranges&, std::exception_ptr error) {
        if (!error) ++*calls;
        throw std::runtime_error("callback failed");
      });
    });
    if (keep) kept = stream;
    ctx.ssc.start();
    ctx.clock->advance(1s);
    ctx.ssc.stop(false);
  }
  const std::string threw = "rill: a commitAsync callback threw: callback failed";
  const auto warned = [&] {
    const auto w = events->warnings();
    return std::count(w.begin(), w.end(), threw);
  };
  if (keep) {
    CHECK(*calls == 0);
    kept.reset();    // sends the commit; its callback's throw has no listener left
  }
  CHECK(warned() == (keep ? 0 : 1));
  CHECK(*calls == 1);
  rill::kafka::detail::DriverConsumer group(params);
  CHECK(group.committed({{"in", 0}}, 5s) == std::vector<std::int64_t>{3});
}

TEST_CASE("direct stream: bad arguments fail at the call") {
  Cluster cluster;
  rill_stream_test::ManualContext ctx;
  CHECK_THROWS_AS(rill::kafka::Subscribe({}, cluster.params()), std::invalid_argument);
  CHECK_THROWS_WITH_AS(rill::kafka::SubscribePattern("log-(", cluster.params()),
                       doctest::Contains("SubscribePattern: 'log-(' is not a regular expression"),
                       std::invalid_argument);
  CHECK_THROWS_AS(rill::kafka::Assign({{"in", -1}}, cluster.params()), std::invalid_argument);
  CHECK_THROWS_AS(rill::kafka::Subscribe({"in"}, {{"group.id", "g"}}), std::invalid_argument);
  CHECK_THROWS_AS(rill::kafka::Subscribe({"in"}, cluster.params(), {{rill::kafka::TopicPartition{"in", 0}, -5}}),
                  std::invalid_argument);
  auto stream = rill::kafka::createDirectStream(ctx.ssc, rill::kafka::Subscribe({"in"}, cluster.params()));
  CHECK_THROWS_WITH_AS(stream.commitAsync({}), doctest::Contains("commitAsync needs kafkaParams' \"group.id\""),
                       std::invalid_argument);
}
