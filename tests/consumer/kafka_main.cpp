// Built against the INSTALLED rill package with its kafka part and both runtimes
// compiled once: writes a word per record to librdkafka's mock cluster, counts them
// through createRDD, and checks the counts.
#include <rill/kafka.hpp>
#include <rill/rdd.hpp>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

int main() {
  rill::kafka::MockCluster mock(1);
  mock.createTopic("words", 1);
  const rill::kafka::KafkaParams params{{"bootstrap.servers", mock.bootstrapServers()}, {"log_level", "2"}};
  const std::vector<std::string> words{"to", "be", "or", "not", "to", "be"};
  rill::kafka::Producer producer(params);
  for (const auto& w : words) producer.send({"words", 0, "", w, {}, 0});
  producer.flush();

  rill::SparkContext sc(rill::SparkConf().setMaster("local[2]").setAppName("consumer-kafka"));
  const std::vector<rill::kafka::OffsetRange> ranges{{"words", 0, 0, static_cast<std::int64_t>(words.size())}};
  auto counts = rill::kafka::createRDD(sc, params, ranges)
                    .map([](const rill::kafka::ConsumerRecord& r) { return std::pair(r.value(), 1); })
                    .reduceByKey([](int a, int b) { return a + b; })
                    .collectAsMap();
  const std::map<std::string, int> got(counts.begin(), counts.end());
  const std::map<std::string, int> expected{{"be", 2}, {"not", 1}, {"or", 1}, {"to", 2}};
  if (got != expected) {
    std::fprintf(stderr, "consumer_kafka: wrong counts\n");
    return 1;
  }
  std::printf("consumer_kafka: OK\n");
}
