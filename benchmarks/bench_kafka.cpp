// Kafka throughput on librdkafka's mock cluster (3 brokers, topic of 16
// partitions, fetch.wait.max.ms=10), a plain main that prints a table:
//   - records/s of the direct-stream word count on 2 workers (local[2]) at
//     100 ms and 1 s batches, against the raw transport: bare librdkafka
//     consumers with the same settings, reading as the stream reads (one a
//     partition on two threads; and one for all partitions), in interleaved
//     repetitions (medians). Closing consumers is left out of every figure. Each batch takes what the interval would bring at
//     kOfferedPerSecond (maxRatePerPartition), and the manual clock moves to
//     the next batch as soon as one is done, so the figure is how fast batches
//     of that size are read and counted;
//   - the sink's cost per batch: writeToKafka of N records a batch (one
//     transaction each), against a bare transactional producer's begin, N
//     sends and commit.
// Release build: cmake --build build/bench --target bench_kafka && build/bench/benchmarks/bench_kafka
#include <rill/kafka.hpp>
#include <rill/rill.hpp>

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace rill;
using Stopwatch = std::chrono::steady_clock;

namespace {

constexpr int kPartitions = 16;
constexpr std::int64_t kRecords = 640'000;  // 40,000 a partition: well under the mock's 5 MiB a partition
constexpr std::int64_t kWordsPerRecord = 8;
constexpr std::int64_t kOfferedPerSecond = 480'000;  // above the bare consumer's rate here
constexpr int kRepetitions = 5;
constexpr std::size_t kReadBatch = 512;  // messages a read call takes, as the direct stream's reader
const std::string kTopic = "words";

double seconds(Stopwatch::duration d) { return std::chrono::duration<double>(d).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

kafka::KafkaParams readParams(const kafka::MockCluster& cluster) {
  return {{"bootstrap.servers", cluster.bootstrapServers()},
          {"auto.offset.reset", "earliest"},
          {"fetch.wait.max.ms", "10"},
          {"log_level", "3"}};
}

void produceWords(const kafka::MockCluster& cluster) {
  kafka::Producer producer({{"bootstrap.servers", cluster.bootstrapServers()}, {"log_level", "3"}});
  std::uint64_t x = 0x9E3779B97F4A7C15u;
  for (std::int64_t i = 0; i < kRecords; ++i) {
    std::string line;
    for (int w = 0; w < kWordsPerRecord; ++w) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift: 1000 distinct words
      line += (w ? " w" : "w") + std::to_string(x % 1000);
    }
    producer.send({kTopic, static_cast<std::int32_t>(i % kPartitions), std::nullopt, std::move(line), {}, 0});
  }
  producer.flush();
}

/// A bare librdkafka consumer with readParams' settings, assigned `partitions` from offset 0 (an
/// offset, as the direct stream assigns, so no offset lookup comes first).
rd_kafka_t* bareConsumer(const kafka::MockCluster& cluster, const std::vector<int>& partitions) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto params = readParams(cluster);
  params.emplace("group.id", "bench-bare");
  params.emplace("enable.auto.commit", "false");
  for (auto& [k, v] : params)
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) throw std::runtime_error(err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) throw std::runtime_error(err);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size()));
  for (int p : partitions) rd_kafka_topic_partition_list_add(parts, kTopic.c_str(), p)->offset = 0;  // as the stream does
  rd_kafka_assign(rk, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  return rk;
}

/// Closes and frees a bare consumer; outside the timed part, as the direct stream closes its
/// consumers when it stops.
void closeConsumer(rd_kafka_t* rk) {
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
}

/// Reads from `rk` until `records` records came; the bytes read. Reads as the
/// direct stream does: whatever has arrived, up to kReadBatch messages a call, else waits for the next one.
std::int64_t drain(rd_kafka_t* rk, std::int64_t records) {
  rd_kafka_queue_t* queue = rd_kafka_queue_get_consumer(rk);
  std::int64_t seen = 0, bytes = 0;
  auto take = [&](rd_kafka_message_t* m) {
    if (!m->err) ++seen, bytes += static_cast<std::int64_t>(m->len);
    rd_kafka_message_destroy(m);
  };
  while (seen < records) {
    rd_kafka_message_t* batch[kReadBatch];
    const ssize_t n = rd_kafka_consume_batch_queue(queue, 0, batch, kReadBatch);
    for (ssize_t i = 0; i < n; ++i) take(batch[i]);
    if (n <= 0)
      if (rd_kafka_message_t* m = rd_kafka_consume_queue(queue, 100)) take(m);
  }
  rd_kafka_queue_destroy(queue);
  return bytes;
}

/// One bare consumer assigned every partition, polled until every record came; records/s.
double bareOneHandle(const kafka::MockCluster& cluster) {
  std::vector<int> all(kPartitions);
  for (int p = 0; p < kPartitions; ++p) all[static_cast<std::size_t>(p)] = p;
  const auto start = Stopwatch::now();
  rd_kafka_t* rk = bareConsumer(cluster, all);
  const std::int64_t bytes = drain(rk, kRecords);
  const double s = seconds(Stopwatch::now() - start);
  closeConsumer(rk);
  if (bytes == 0) throw std::logic_error("no bytes read");
  return static_cast<double>(kRecords) / s;
}

/// What the direct stream's tasks do, on the raw transport: one bare consumer a partition, two
/// threads (the workers of local[2]) each reading its half of the partitions one after another; records/s.
double bareHandlePerPartition(const kafka::MockCluster& cluster) {
  std::vector<rd_kafka_t*> handles(kPartitions);
  std::atomic<std::int64_t> bytes{0};
  auto readHalf = [&](int first) {
    for (int p = first; p < kPartitions; p += 2) {
      handles[static_cast<std::size_t>(p)] = bareConsumer(cluster, {p});
      bytes += drain(handles[static_cast<std::size_t>(p)], kRecords / kPartitions);
    }
  };
  const auto start = Stopwatch::now();
  std::thread other(readHalf, 1);
  readHalf(0);
  other.join();
  const double s = seconds(Stopwatch::now() - start);
  for (rd_kafka_t* rk : handles) closeConsumer(rk);
  if (bytes == 0) throw std::logic_error("no bytes read");
  return static_cast<double>(kRecords) / s;
}

/// The direct-stream word count until every record's words are counted; records/s.
double streamWordCount(SparkContext& sc, const kafka::MockCluster& cluster, Duration batch) {
  auto clock = std::make_shared<ManualClock>(0);
  StreamingContext ssc(sc, batch, clock);
  std::vector<kafka::TopicPartition> parts;
  for (int p = 0; p < kPartitions; ++p) parts.push_back({kTopic, p});
  auto lines = kafka::createDirectStream(ssc, kafka::Assign(parts, readParams(cluster)));
  auto counts = lines.flatMap([](const kafka::ConsumerRecord& r) { return split(r.value(), ' '); })
                    .map([](const std::string& w) { return std::pair(w, std::int64_t{1}); })
                    .reduceByKey(std::plus<>());
  auto words = std::make_shared<std::atomic<std::int64_t>>(0);
  counts.foreachRDD([words](const auto& rdd) {
    for (auto& [w, n] : rdd.collect()) *words += n;
  });
  const auto start = Stopwatch::now();
  ssc.start();
  while (*words < kRecords * kWordsPerRecord) clock->advance(batch);  // returns once the batch is done
  const double s = seconds(Stopwatch::now() - start);
  ssc.stop(false, false);
  if (*words != kRecords * kWordsPerRecord) throw std::logic_error("words counted twice");
  return static_cast<double>(kRecords) / s;
}

// ---- the sink ----------------------------------------------------------------------

/// writeToKafka of `n` records a batch: seconds a batch, median over the batches after the first.
double sinkPerBatch(SparkContext& sc, const kafka::MockCluster& cluster, int n, const std::string& topic) {
  auto clock = std::make_shared<ManualClock>(0);
  StreamingContext ssc(sc, Milliseconds(100), clock);
  auto queue = std::make_shared<RDDQueue<std::string>>();
  std::vector<std::string> values(static_cast<std::size_t>(n), std::string(48, 'v'));
  kafka::writeToKafka(
      ssc.queueStream(queue), topic, {{"bootstrap.servers", cluster.bootstrapServers()}, {"log_level", "3"}},
      [](const std::string&) { return std::optional<std::string>(); }, [](const std::string& v) { return v; });
  ssc.start();
  std::vector<double> times;
  for (int b = 0; b < 12; ++b) {
    queue->push(sc.parallelize(values, 2));
    const auto start = Stopwatch::now();
    clock->advance(Milliseconds(100));
    if (b > 0) times.push_back(seconds(Stopwatch::now() - start));  // the first also starts the producer
  }
  ssc.stop(false, false);
  return median(times);
}

/// A bare transactional producer: begin, `n` sends, commit; seconds a transaction (median).
double bareTransaction(const kafka::MockCluster& cluster, int n, const std::string& topic) {
  kafka::Producer producer({{"bootstrap.servers", cluster.bootstrapServers()},
                            {"log_level", "3"},
                            {"transactional.id", "bench-bare-" + topic}});
  producer.initTransactions(std::chrono::seconds(30));
  const std::string value(48, 'v');
  std::vector<double> times;
  for (int b = 0; b < 12; ++b) {
    const auto start = Stopwatch::now();
    producer.beginTransaction();
    for (int i = 0; i < n; ++i) producer.send({topic, std::nullopt, std::nullopt, value, {}, 0});
    producer.commitTransaction(std::chrono::seconds(30));
    if (b > 0) times.push_back(seconds(Stopwatch::now() - start));
  }
  return median(times);
}

}  // namespace

int main() {
  kafka::MockCluster cluster(3);
  cluster.createTopic(kTopic, kPartitions);
  produceWords(cluster);
  SparkContext sc(SparkConf()
                      .setAppName("BenchKafka")
                      .setMaster("local[2]")
                      .set("spark.streaming.kafka.maxRatePerPartition", std::to_string(kOfferedPerSecond / kPartitions)));

  std::vector<double> bare, barePerPartition, at100ms, at1s;
  for (int r = 0; r < kRepetitions; ++r) {  // interleaved, so drift in the machine's load hits all four alike
    bare.push_back(bareOneHandle(cluster));
    barePerPartition.push_back(bareHandlePerPartition(cluster));
    at100ms.push_back(streamWordCount(sc, cluster, Milliseconds(100)));
    at1s.push_back(streamWordCount(sc, cluster, Seconds(1)));
  }
  const double raw = median(barePerPartition);
  std::printf("Kafka word count, %lld records of %lld words, %d partitions on 3 mock brokers, fetch.wait.max.ms=10,\n"
              "local[2], maxRatePerPartition=%lld; median of %d interleaved runs\n",
              static_cast<long long>(kRecords), static_cast<long long>(kWordsPerRecord), kPartitions,
              static_cast<long long>(kOfferedPerSecond / kPartitions), kRepetitions);
  std::printf("  %-40s %12s %18s\n", "reader", "records/s", "vs raw transport");
  auto row = [&](const char* name, double rate) { std::printf("  %-40s %12.0f %17.2fx\n", name, rate, rate / raw); };
  row("bare consumer a partition, 2 threads", raw);
  row("bare consumer for all partitions", median(bare));
  row("direct stream word count, 100 ms", median(at100ms));
  row("direct stream word count, 1 s", median(at1s));

  std::printf("\nSink: one transaction per batch of N 48-byte records (median of 11 batches)\n");
  std::printf("  %8s %18s %22s\n", "N", "writeToKafka ms", "bare transaction ms");
  for (int n : {100, 1000, 10000}) {
    const std::string topic = "out-" + std::to_string(n);
    cluster.createTopic(topic, 3);
    cluster.createTopic(topic + "-bare", 3);
    const double sink = sinkPerBatch(sc, cluster, n, topic);
    const double bareTx = bareTransaction(cluster, n, topic + "-bare");
    std::printf("  %8d %18.2f %22.2f\n", n, 1000 * sink, 1000 * bareTx);
  }
  return 0;
}
