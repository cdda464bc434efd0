#pragma once
// `--kafka HOST:PORT --topic T` for the example programs: the lines are the
// values of topic T's records, read with Spark's direct stream (rill/kafka.hpp)
// from the earliest offsets on the system clock, until SIGINT/SIGTERM stop the
// context gracefully. Kafka is compiled in only when the example is built with
// rill::kafka (CMake then defines RILL_EXAMPLES_WITH_KAFKA); otherwise --kafka
// is refused.
//
//   examples::KafkaInput kafka;
//   kafka.addTo(cli);                    // --kafka, --topic in --help
//   kafka.check(cli, input);             // after parsing
//   if (kafka.requested()) kafka.run("App", batch, [&](ssc, lines) { ... });
#include "cli.hpp"
#include "problems.hpp"
#include "streaming_app.hpp"

#include <rill/rill.hpp>
#ifdef RILL_EXAMPLES_WITH_KAFKA
#include <rill/kafka.hpp>
#endif

#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>

namespace examples {

class KafkaInput {
 public:
  using Define = std::function<void(rill::StreamingContext&, const rill::DStream<std::string>&)>;

  void addTo(CommandLine& cli) {
    cli.option("--kafka", brokers_, "HOST:PORT", "read the values of a Kafka topic's records (with --topic), until Ctrl-C")
        .option("--topic", topic_, "T", "the Kafka topic");
    cli_ = &cli;
  }
  void check(const CommandLine& cli, const InputOptions& in) const {
    cli.require(brokers_.empty() == topic_.empty(), "--kafka and --topic go together");
    cli.require(!requested() || (in.host.empty() && in.dir.empty() && in.input.empty()),
                "--kafka is an input of its own: give no --host, --dir or --input with it");
    cli.require(!requested() || !in.realtime, "--realtime goes with --input or the built-in data");
  }
  bool requested() const { return !brokers_.empty(); }

  /// Defines the program on the topic's lines (`define`), runs it until a stop signal, then stops gracefully.
  void run(const std::string& appName, rill::Duration batch, const Define& define) const {
#ifdef RILL_EXAMPLES_WITH_KAFKA
    rill::SparkContext sc(rill::SparkConf()
                              .setAppName(appName)
                              .setMaster("local[2]")
                              .set("spark.streaming.stopGracefullyOnShutdown", "true"));
    rill::StreamingContext ssc(sc, batch);
    reportProblems(ssc);  // a broker out of reach, a topic that does not exist, a failed batch
    const rill::kafka::KafkaParams params{{"bootstrap.servers", brokers_}, {"auto.offset.reset", "earliest"}};
    auto records = rill::kafka::createDirectStream(ssc, rill::kafka::Subscribe({topic_}, params));
    define(ssc, records.map([](const rill::kafka::ConsumerRecord& r) { return r.value(); }).toDStream());
    ssc.start();
    std::cerr << "reading Kafka topic " << topic_ << " on " << brokers_ << "; Ctrl-C to stop\n";
    ssc.awaitTermination();
    ssc.stop(true);
#else
    (void)appName, (void)batch, (void)define;
    if (cli_) cli_->fail("--kafka: this build has no Kafka input (rill::kafka needs librdkafka: Debian librdkafka-dev)");
    std::exit(2);
#endif
  }

 private:
  std::string brokers_;
  std::string topic_;
  CommandLine* cli_ = nullptr;
};

}  // namespace examples
