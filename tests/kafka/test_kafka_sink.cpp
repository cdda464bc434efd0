// writeToKafka: one transaction per batch, the batch time in every record's
// header, a failed batch aborted, and a restarted job that does not write again
// the batches an earlier run committed.
#include "kafka_test_support.hpp"
#include "stream_test_support.hpp"

#include <rill/exec/local_cluster.hpp>
#include <rill/kafka.hpp>
#include <rill/stream/streaming_context.hpp>

#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using rill::kafka::ConsumerRecord;
using rill_kafka_test::Cluster;
using namespace std::chrono_literals;

namespace {

using Words = std::vector<std::vector<std::string>>;

/// Writes one batch per element of `batches` (1 s apart, from batch 1000) to
/// topic "out", upper-cased, keyed by the word; "boom" fails its batch.
void runJob(Cluster& cluster, const Words& batches, std::int64_t untilMs) {
  rill_stream_test::ManualContext ctx(rill_stream_test::conf().setAppName("words"));
  auto queue = rill_stream_test::queueOf(ctx.sc, batches);
  auto words = ctx.ssc.queueStream(queue);
  rill::kafka::writeToKafka(
      words, "out", cluster.params(), [](const std::string& w) { return w; },
      [](const std::string& w) {
        if (w == "boom") throw std::runtime_error("cannot write boom");
        std::string up = w;
        std::transform(up.begin(), up.end(), up.begin(), [](char c) { return static_cast<char>(c - 32); });
        return up;
      });
  ctx.ssc.start();
  ctx.clock->setTime(untilMs);
  ctx.ssc.stop(false);
}

/// (batch time, value) of every record of "out", sorted.
std::vector<std::pair<std::string, std::string>> written(Cluster& cluster) {
  rill::SparkContext sc(rill_stream_test::conf());
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : cluster.readAll(sc, "out")) {
    const auto* h = r.lastHeader("rill.batchTime");
    out.emplace_back(h && h->value ? *h->value : "none", r.value());
  }
  std::sort(out.begin(), out.end());
  return out;
}

using Written = std::vector<std::pair<std::string, std::string>>;

}  // namespace

TEST_CASE("writeToKafka: every record in its batch's transaction, with the batch time in a header") {
  Cluster cluster;
  cluster.mock.createTopic("out", 2);
  runJob(cluster, {{"a", "b"}, {"c"}}, 2000);
  CHECK(written(cluster) == Written{{"1000", "A"}, {"1000", "B"}, {"2000", "C"}});
  rill::SparkContext sc(rill_stream_test::conf());
  for (const auto& r : cluster.readAll(sc, "out")) {
    CHECK(r.hasKey());
    CHECK(r.value() == std::string(1, static_cast<char>(r.key()[0] - 32)));
  }
}

TEST_CASE("writeToKafka: a restarted job does not write again the batches an earlier run committed") {
  Cluster cluster;
  cluster.mock.createTopic("out", 3);
  runJob(cluster, {{"a"}, {"b", "c"}}, 2000);
  // The same job again, as after a restart from a checkpoint older than its last
  // batches: batches 1000 and 2000 are recomputed; only 3000 is new.
  runJob(cluster, {{"a"}, {"b", "c"}, {"d"}}, 3000);
  CHECK(written(cluster) == Written{{"1000", "A"}, {"2000", "B"}, {"2000", "C"}, {"3000", "D"}});
}

TEST_CASE("writeToKafka: a restart whose look for the committed batches fails once still skips them after") {
  Cluster cluster;
  cluster.mock.createTopic("out", 1);
  runJob(cluster, {{"a"}, {"b", "c"}}, 2000);
  // The restart's first look for its committed batches fails (a ListOffsets request, Kafka's ApiKey 2, refused):
  // its batch 1000 fails; batch 2000 looks again and knows it was committed.
  rd_kafka_mock_push_request_errors(cluster.mock.get(), 2, 1, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  runJob(cluster, {{"a"}, {"b", "c"}, {"d"}}, 3000);
  CHECK(written(cluster) == Written{{"1000", "A"}, {"2000", "B"}, {"2000", "C"}, {"3000", "D"}});
}

TEST_CASE("writeToKafka: a topic whose metadata comes with an error is not taken for one without committed batches") {
  Cluster cluster;
  cluster.mock.createTopic("out", 1);
  runJob(cluster, {{"a"}}, 1000);
  const auto lastCommitted = [&] {
    return rill::kafka::detail::lastCommittedBatch(cluster.params(), "out", "words-out", 5s, 5000);
  };
  // Its leader moving: a sink opening now cannot tell which batches it committed, so it must not write any.
  rd_kafka_mock_topic_set_error(cluster.mock.get(), "out", RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE);
  CHECK_THROWS_WITH_AS(lastCommitted(), doctest::Contains("topic 'out' is not available: "),
                       rill::kafka::KafkaException);
  rd_kafka_mock_topic_set_error(cluster.mock.get(), "out", RD_KAFKA_RESP_ERR_NO_ERROR);
  CHECK(lastCommitted() == std::optional<std::int64_t>(1000));
}

TEST_CASE("writeToKafka: two sinks on one topic (two transactional ids) each write every batch once") {
  Cluster cluster;
  cluster.mock.createTopic("out", 1);
  const auto twoSinks = [&](const Words& batches, std::int64_t untilMs) {
    rill_stream_test::ManualContext ctx(rill_stream_test::conf().setAppName("two-sinks"));
    auto words = ctx.ssc.queueStream(rill_stream_test::queueOf(ctx.sc, batches));
    for (const std::string sink : {"one", "two"}) {
      auto params = cluster.params();
      params["transactional.id"] = sink;
      rill::kafka::writeToKafka(
          words, "out", params, [](const std::string&) { return std::nullopt; },
          [sink](const std::string& w) { return sink + ":" + w; });
    }
    ctx.ssc.start();
    ctx.clock->setTime(untilMs);
    ctx.ssc.stop(false);
  };
  twoSinks({{"a"}, {"b"}}, 2000);
  // Restarted, recomputing both batches: each sink skips what it committed itself.
  twoSinks({{"a"}, {"b"}, {"c"}}, 3000);
  CHECK(written(cluster) == Written{{"1000", "one:a"},
                                    {"1000", "two:a"},
                                    {"2000", "one:b"},
                                    {"2000", "two:b"},
                                    {"3000", "one:c"},
                                    {"3000", "two:c"}});
}

TEST_CASE("writeToKafka on 2 ranks: rank 0 alone writes, every rank's records in the batch's one transaction") {
  Cluster cluster;
  cluster.mock.createTopic("out", 2);
  constexpr std::chrono::milliseconds kTimeout{60'000};
  rill::exec::runLocalCluster(
      2,
      [&](rill::exec::Cluster& ranks) {
        rill::SparkContext sc(rill_stream_test::conf().setAppName("ranks").set(
                                  "rill.streaming.kafka.driverTimeout.ms", "3000"),
                              ranks);
        auto clock = std::make_shared<rill::ManualClock>(0);
        rill::StreamingContext ssc(sc, 1s, clock);
        auto params = cluster.params();
        // Only rank 0 may talk to Kafka: had another rank opened a producer (with
        // the same transactional id, fencing rank 0's), its batch would fail.
        if (!sc.isDriver()) params["bootstrap.servers"] = "127.0.0.1:9";
        auto queue = std::make_shared<rill::RDDQueue<std::string>>();
        rill::kafka::writeToKafka(
            ssc.queueStream(queue), "out", params, [](const std::string& w) { return w; },
            [](const std::string& w) { return std::string(1, static_cast<char>(w[0] - 32)); });
        ssc.start();
        if (sc.isDriver()) {  // the queue is rank 0's; its batches are spread over both ranks
          for (const auto& batch : Words{{"a", "b", "c", "d"}, {"e", "f"}}) {
            queue->push(sc.fromSlices(batch, 2));
            clock->advance(1s);
          }
          ssc.stop(false);
        } else {
          CHECK(ssc.awaitTerminationOrTimeout(kTimeout));
          ssc.stop(false);
        }
      },
      kTimeout);
  CHECK(written(cluster) ==
        Written{{"1000", "A"}, {"1000", "B"}, {"1000", "C"}, {"1000", "D"}, {"2000", "E"}, {"2000", "F"}});
  rill::SparkContext sc(rill_stream_test::conf());
  for (const auto& r : cluster.readAll(sc, "out")) {
    const auto* sink = r.lastHeader("rill.sink");
    REQUIRE(sink);
    CHECK(sink->value == std::optional<std::string>("ranks-out"));
  }
}

TEST_CASE("writeToKafka: a batch whose records cannot be made fails and is not committed; the next batch is") {
  Cluster cluster;
  cluster.mock.createTopic("out", 1);
  rill_stream_test::ManualContext ctx(rill_stream_test::conf().setAppName("words"));
  auto queue = rill_stream_test::queueOf(ctx.sc, Words{{"a"}, {"boom"}, {"z"}});
  rill::kafka::writeToKafka(
      ctx.ssc.queueStream(queue), "out", cluster.params(), [](const std::string&) { return std::nullopt; },
      [](const std::string& w) {
        if (w == "boom") throw std::runtime_error("cannot write boom");
        return w;
      });
  ctx.ssc.start();
  ctx.clock->setTime(2000);
  CHECK_THROWS_WITH(ctx.ssc.awaitTerminationOrTimeout(0s), "cannot write boom");
  ctx.clock->setTime(3000);
  ctx.ssc.stop(false);
  CHECK(written(cluster) == Written{{"1000", "a"}, {"3000", "z"}});
}

TEST_CASE("writeToKafka refuses what cannot work at the call") {
  Cluster cluster;
  rill_stream_test::ManualContext ctx;
  auto queue = std::make_shared<rill::RDDQueue<std::string>>();
  auto words = ctx.ssc.queueStream(queue);
  auto same = [](const std::string& w) { return w; };
  CHECK_THROWS_AS(rill::kafka::writeToKafka(words, "", cluster.params(), same, same), std::invalid_argument);
  CHECK_THROWS_AS(rill::kafka::writeToKafka(words, "out", {{"acks", "all"}}, same, same), std::invalid_argument);
  // Settings a transactional producer cannot have, which librdkafka refuses only when the producer is made.
  const auto refused = [&](const std::string& key, const std::string& value) {
    auto params = cluster.params();
    params[key] = value;
    CHECK_THROWS_WITH_AS(rill::kafka::writeToKafka(words, "out", params, same, same),
                         doctest::Contains(key.c_str()), std::invalid_argument);
  };
  refused("acks", "1");
  refused("enable.idempotence", "false");
  refused("max.in.flight", "10");
  refused("transactional.id", "");
}
