// The Kafka direct stream as the processes of an MPI job (or alone, as one rank):
//   kafka_stream [--threads N]
// Rank 0 starts librdkafka's mock cluster, writes a fixed text to a topic of 5
// partitions and sends the brokers' address to the other ranks, which reach
// them over TCP on localhost. Every rank runs the same direct stream on a
// manual clock that rank 0 moves through 4 batches of 1 s, reading 2 records
// per partition and batch (maxRatePerPartition); rank 0 prints each batch's
// offset ranges and its word count, sorted by word, then how many records the
// ranks read together. The output is the same for any number of ranks.
#include <rill/core/show.hpp>
#include <rill/core/split.hpp>
#include <rill/kafka.hpp>
#include <rill/mpi.hpp>
#include <rill/rdd/spark_context.hpp>
#include <rill/stream/streaming_context.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

constexpr int kPartitions = 5;
constexpr int kBatches = 4;
constexpr std::chrono::seconds kTimeout{120};
const std::string kTopic = "lines";

const char* const kText[] = {
    "it was the best of times",      "it was the worst of times",    "it was the age of wisdom",
    "it was the age of foolishness", "it was the epoch of belief",   "it was the epoch of incredulity",
    "it was the season of light",    "it was the season of darkness", "it was the spring of hope",
    "it was the winter of despair",  "we had everything before us",  "we had nothing before us",
    "we were all going direct",      "to heaven",                     "we were all going direct",
    "the other way",
};

/// Line i goes to partition i*i mod 5: partitions 0, 1 and 4 get 4, 6 and 6
/// lines (batches of 2 then leave partition 0 done a batch before the others,
/// and the last batch empty), partitions 2 and 3 none.
void produceText(const rill::kafka::KafkaParams& params) {
  rill::kafka::Producer producer(params);
  for (std::size_t i = 0; i < std::size(kText); ++i)
    producer.send({kTopic, static_cast<std::int32_t>(i * i % kPartitions), "line" + std::to_string(i), kText[i], {}, 0});
  producer.flush();
}

rill::kafka::KafkaParams paramsFor(const std::string& bootstrap) {
  return {{"bootstrap.servers", bootstrap},
          {"auto.offset.reset", "earliest"},
          {"fetch.wait.max.ms", "10"},  // the mock answers offset queries after a pending fetch
          {"log_level", "2"}};
}

/// Runs the stream on this rank; rank 0 prints each batch. Returns how many
/// records this rank's tasks read.
std::int64_t runStream(rill::SparkContext& sc, const rill::kafka::KafkaParams& params) {
  std::atomic<std::int64_t> read{0};
  auto clock = std::make_shared<rill::ManualClock>(0);
  rill::StreamingContext ssc(sc, std::chrono::seconds(1), clock);
  auto stream = rill::kafka::createDirectStream(ssc, rill::kafka::Subscribe({kTopic}, params));
  const bool print = sc.isDriver();
  stream.foreachRDD([print](const rill::RDD<rill::kafka::ConsumerRecord>& rdd, rill::Time t) {
    if (print) std::cout << t.milliseconds() << " ranges " << rill::toString(rill::kafka::offsetRanges(rdd)) << '\n';
  });
  stream
      .flatMap([&read](const rill::kafka::ConsumerRecord& r) -> std::vector<std::string> {
        read.fetch_add(1, std::memory_order_relaxed);
        return rill::split(r.value());
      })
      .map([](const std::string& word) { return std::pair<std::string, std::int64_t>(word, 1); })
      .reduceByKey([](std::int64_t a, std::int64_t b) { return a + b; })
      .foreachRDD([print](const auto& rdd, rill::Time t) {
        auto counts = rdd.collect();  // on every rank
        std::sort(counts.begin(), counts.end());
        if (print) std::cout << t.milliseconds() << " counts " << rill::toString(counts) << '\n';
      });
  ssc.start();
  if (sc.isDriver()) {
    for (int b = 0; b < kBatches; ++b) clock->advance(std::chrono::seconds(1));  // returns once the batch ran
    ssc.stop(false);
  } else {
    if (!ssc.awaitTerminationOrTimeout(kTimeout))
      throw std::runtime_error("rank 0 did not stop the stream within " + std::to_string(kTimeout.count()) + " s");
    ssc.stop(false);
  }
  return read.load();
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2;
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--threads" && i + 1 < argc) threads = std::stoi(argv[++i]);
  rill::mpi::MpiCluster cluster;  // first: MPI starts here (one rank without mpiexec)
  try {
    // The brokers run on rank 0's librdkafka threads; the other ranks only connect.
    std::optional<rill::kafka::MockCluster> kafka;
    if (cluster.isDriver()) {
      kafka.emplace(3);
      kafka->createTopic(kTopic, kPartitions);
      produceText(paramsFor(kafka->bootstrapServers()));
    }
    const auto params =
        paramsFor(cluster.broadcast("kafka bootstrap", 0, kafka ? kafka->bootstrapServers() : std::string()));
    {
      rill::SparkContext sc(
          rill::SparkConf().setAppName("kafka_stream").setMaster("local[" + std::to_string(threads) + "]").set(
              "spark.streaming.kafka.maxRatePerPartition", "2"),
          cluster);
      const std::int64_t mine = runStream(sc, params);
      // Each record is read by the one rank owning its partition: the ranks' reads add up to the text.
      std::int64_t total = 0;
      for (const auto& bytes : cluster.allGather("records read", std::to_string(mine))) total += std::stoll(bytes);
      if (sc.isDriver()) std::cout << "records read " << total << " of " << std::size(kText) << '\n';
    }
    cluster.barrier("kafka clients closed");  // the mock cluster outlives every rank's consumers
  } catch (const std::exception& e) {
    std::cerr << "rank " << cluster.rank() << ": " << e.what() << '\n';
    return 1;
  }
  return 0;
}
