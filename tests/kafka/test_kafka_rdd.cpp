// createRDD over librdkafka's mock cluster: exact records per offset range,
// reading an RDD twice, offsetRanges, ranges the log no longer holds, and the
// rule that ends a range when its offsets are not consecutive.
#include "kafka_test_support.hpp"

#include <rill/kafka.hpp>
#include <rill/rdd/spark_context.hpp>

#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using rill::kafka::ConsumerRecord;
using rill::kafka::OffsetRange;
using rill_kafka_test::Cluster;
using rill_kafka_test::numbered;

namespace {

rill::SparkConf conf() { return rill::SparkConf().setMaster("local[2]").setAppName("kafka-rdd-test"); }

std::vector<std::string> values(const std::vector<ConsumerRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.value());
  return out;
}
std::vector<std::int64_t> offsets(const std::vector<ConsumerRecord>& records) {
  std::vector<std::int64_t> out;
  for (const auto& r : records) out.push_back(r.offset());
  return out;
}

}  // namespace

TEST_CASE("createRDD: partition i holds exactly the records of offset range i") {
  Cluster cluster;
  cluster.mock.createTopic("in", 3);
  cluster.mock.createTopic("other", 2);
  cluster.produce("in", 0, numbered("a", 6));
  cluster.produce("in", 1, numbered("b", 4));
  cluster.produce("in", 2, numbered("c", 3));
  cluster.produce("other", 1, numbered("o", 5));
  rill::SparkContext sc(conf());

  const std::vector<OffsetRange> ranges{{"in", 0, 1, 5}, {"in", 1, 0, 4}, {"in", 2, 2, 2}, {"other", 1, 3, 5}};
  auto rdd = rill::kafka::createRDD(sc, cluster.params(), ranges);
  REQUIRE(rdd.getNumPartitions() == 4);
  const auto parts = rdd.glom().collect();
  REQUIRE(parts.size() == 4);
  CHECK(values(parts[0]) == std::vector<std::string>{"a1", "a2", "a3", "a4"});
  CHECK(offsets(parts[0]) == std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(values(parts[1]) == std::vector<std::string>{"b0", "b1", "b2", "b3"});
  CHECK(parts[2].empty());
  CHECK(values(parts[3]) == std::vector<std::string>{"o3", "o4"});
  CHECK(rdd.count() == 10);
  CHECK(rill::kafka::offsetRanges(rdd) == ranges);

  const ConsumerRecord& r = parts[3][1];
  CHECK(r.topic() == "other");
  CHECK(r.partition() == 1);
  CHECK(r.offset() == 4);
  CHECK(r.hasKey());
  CHECK(r.key() == "k4");
  CHECK(r.timestampType() == rill::kafka::TimestampType::CREATE_TIME);
  CHECK(r.timestamp() > 0);
  REQUIRE(r.headers().size() == 1);
  CHECK(r.headers()[0] == rill::kafka::Header{"n", "4"});
  CHECK(r.lastHeader("n")->value == "4");
  CHECK(r.lastHeader("m") == nullptr);
  // As print() shows them.
  CHECK(rill::toString(r) == "ConsumerRecord(topic = other, partition = 1, offset = 4, CreateTime = " +
                                 std::to_string(r.timestamp()) + ", key = k4, value = o4)");
  std::ostringstream range;
  range << ranges[0];
  CHECK(range.str() == "OffsetRange(topic: 'in', partition: 0, range: [1 -> 5])");
}

TEST_CASE("createRDD: an RDD read again reads the same records (readers are reused between reads)") {
  Cluster cluster;
  cluster.mock.createTopic("in", 2);
  cluster.produce("in", 0, numbered("x", 2000));
  cluster.produce("in", 1, numbered("y", 10));
  rill::SparkContext sc(conf());
  auto rdd = rill::kafka::createRDD(sc, cluster.params(), {{"in", 0, 0, 1500}, {"in", 1, 5, 10}});
  const auto first = rdd.collect();
  const auto second = rdd.collect();
  REQUIRE(first.size() == 1505);
  CHECK(first == second);
  CHECK(first[1499].value() == "x1499");
  CHECK(first[1500].value() == "y5");
  // Consecutive ranges: a reader goes on where the previous range ended.
  auto next = rill::kafka::createRDD(sc, cluster.params(), {{"in", 0, 1500, 2000}});
  CHECK(values(next.collect()) == numbered("x", 500, 1500));
  CHECK(next.take(3).size() == 3);
  CHECK(values(next.take(2)) == std::vector<std::string>{"x1500", "x1501"});
}

TEST_CASE("createRDD: null keys and values, empty values and bytes") {
  Cluster cluster;
  cluster.mock.createTopic("raw", 1);
  {
    rill::kafka::Producer producer(cluster.params());
    producer.send({"raw", 0, std::nullopt, std::nullopt, {}, 0});
    producer.send({"raw", 0, std::string(), std::string("\0\1\2", 3), {{"h", std::nullopt}}, 1234});
    producer.flush();
  }
  rill::SparkContext sc(conf());
  const auto records = rill::kafka::createRDD(sc, cluster.params(), {{"raw", 0, 0, 2}}).collect();
  REQUIRE(records.size() == 2);
  CHECK_FALSE(records[0].hasKey());
  CHECK_FALSE(records[0].hasValue());
  CHECK(records[0].value().empty());
  CHECK(records[1].hasKey());
  CHECK(records[1].key().empty());
  CHECK(records[1].valueBytes().size() == 3);
  CHECK(records[1].valueBytes()[2] == std::byte{2});
  CHECK(records[1].timestamp() == 1234);
  CHECK(records[1].headers() == std::vector<rill::kafka::Header>{{"h", std::nullopt}});
}

TEST_CASE("offsetRanges needs the RDD createRDD made, not a transformation of it") {
  Cluster cluster;
  cluster.mock.createTopic("in", 1);
  rill::SparkContext sc(conf());
  auto rdd = rill::kafka::createRDD(sc, cluster.params(), {{"in", 0, 0, 0}});
  rill::RDD<ConsumerRecord> mapped = rdd.map([](const ConsumerRecord& r) { return r; });
  CHECK_THROWS_WITH_AS(rill::kafka::offsetRanges(mapped),
                       doctest::Contains("needs an RDD made by createRDD or createDirectStream"),
                       std::invalid_argument);
}

TEST_CASE("createRDD refuses invalid ranges and parameters at the call") {
  Cluster cluster;
  rill::SparkContext sc(conf());
  CHECK_THROWS_WITH_AS(rill::kafka::createRDD(sc, cluster.params(), {{"in", 0, 5, 4}}),
                       "rill: invalid Kafka offset range (topic 'in' partition 0, offsets [5, 4)): it needs a topic, "
                       "a partition >= 0 and 0 <= fromOffset <= untilOffset",
                       std::invalid_argument);
  CHECK_THROWS_AS(rill::kafka::createRDD(sc, cluster.params(), {{"", 0, 0, 1}}), std::invalid_argument);
  CHECK_THROWS_AS(rill::kafka::createRDD(sc, cluster.params(), {{"in", -1, 0, 1}}), std::invalid_argument);
  CHECK_THROWS_WITH_AS(rill::kafka::createRDD(sc, {{"group.id", "g"}}, {}),
                       doctest::Contains("need \"bootstrap.servers\""), std::invalid_argument);
  auto params = cluster.params();
  params["key.deserializer"] = "org.apache.kafka.common.serialization.StringDeserializer";
  CHECK_THROWS_WITH_AS(rill::kafka::createRDD(sc, params, {{"in", 0, 0, 1}}),
                       doctest::Contains("Kafka setting 'key.deserializer'"), std::invalid_argument);
}

TEST_CASE("createRDD: a range retention removed fails naming topic, partition and offsets") {
  Cluster cluster;
  cluster.mock.createTopic("big", 1);
  // The mock keeps about 5 MiB per partition: 8 MB pushes the first records out.
  const std::string payload(10000, 'x');
  {
    rill::kafka::Producer producer(cluster.params());
    for (int i = 0; i < 800; ++i) producer.send({"big", 0, std::nullopt, payload, {}, 0});
    producer.flush();
  }
  rill::SparkContext sc(conf());
  auto rdd = rill::kafka::createRDD(sc, cluster.params(), {{"big", 0, 0, 10}});
  std::string message;
  try {
    rdd.count();
  } catch (const rill::kafka::KafkaException& e) {
    message = e.what();
    CHECK(e.code() == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE);
  }
  CHECK(
      message.starts_with("rill: Kafka topic 'big' partition 0, offsets [0, 10): offset 0 is no longer in the log "
                          "(the log now starts at offset "));
  CHECK(message.find("retention or compaction removed it") != std::string::npos);
  // What the log still holds reads fine.
  auto tail = rill::kafka::createRDD(sc, cluster.params(), {{"big", 0, 790, 800}});
  CHECK(tail.count() == 10);
}

TEST_CASE("createRDD: a range past the log's end fails after spark.streaming.kafka.consumer.poll.ms") {
  Cluster cluster;
  cluster.mock.createTopic("in", 1);
  cluster.produce("in", 0, numbered("a", 3));
  rill::SparkContext sc(conf().set("spark.streaming.kafka.consumer.poll.ms", "300"));
  auto rdd = rill::kafka::createRDD(sc, cluster.params(), {{"in", 0, 1, 5}});
  CHECK_THROWS_WITH_AS(rdd.collect(),
                       "rill: Kafka topic 'in' partition 0, offsets [1, 5): no record at or after offset 3 arrived "
                       "within 300 ms (spark.streaming.kafka.consumer.poll.ms)",
                       rill::kafka::KafkaException);
}

TEST_CASE("RangeProgress: a range ends at its last offset, at the first record past it, or at the log's end") {
  using rill::kafka::detail::RangeProgress;
  using V = RangeProgress::Verdict;
  SUBCASE("consecutive offsets") {
    RangeProgress p(OffsetRange{"t", 0, 3, 6});
    CHECK(p.onRecord(2) == V::Skip);
    CHECK(p.onRecord(3) == V::Keep);
    CHECK(p.onRecord(4) == V::Keep);
    CHECK_FALSE(p.done());
    CHECK(p.onRecord(5) == V::KeepAndDone);
    CHECK(p.done());
  }
  SUBCASE("a transaction's commit marker at the range's last offset, more records after it") {
    RangeProgress p(OffsetRange{"t", 0, 0, 6});  // records 0..4, marker 5, record 6
    for (int o = 0; o < 5; ++o) CHECK(p.onRecord(o) == V::Keep);
    CHECK_FALSE(p.done());
    CHECK(p.onRecord(6) == V::Beyond);
    CHECK(p.done());
  }
  SUBCASE("a marker at the range's last offset, which is the log's end") {
    RangeProgress p(OffsetRange{"t", 0, 0, 3});  // records 0, 1, marker 2
    CHECK(p.onRecord(0) == V::Keep);
    CHECK(p.onRecord(1) == V::Keep);
    p.onEnd(3);
    CHECK(p.done());
  }
  SUBCASE("gaps inside the range (compaction), a duplicate delivery") {
    RangeProgress p(OffsetRange{"t", 0, 10, 20});
    CHECK(p.onRecord(12) == V::Keep);
    CHECK(p.onRecord(12) == V::Skip);
    CHECK(p.onRecord(17) == V::Keep);
    p.onEnd(18);  // the log ended before the range did: keep waiting
    CHECK_FALSE(p.done());
    CHECK(p.next() == 18);
    CHECK(p.onRecord(19) == V::KeepAndDone);
  }
  SUBCASE("an empty range is done at once") { CHECK(RangeProgress(OffsetRange{"t", 0, 4, 4}).done()); }
}
