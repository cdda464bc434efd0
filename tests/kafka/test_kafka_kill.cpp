// The end-to-end test: tests/kafka/kafka_kill_child.cpp reads topic "in", keeps
// running word counts with updateStateByKey and writes every batch's counts to
// topic "out" with writeToKafka. For each seed it is killed with SIGKILL at
// chosen points (at a batch's start, in the middle of a batch's output, after
// the output was committed but before the checkpoint), restarted with
// getOrCreate each time, and finally run to the end. Its last counts must be
// the counts of everything produced, every batch time must be in "out" once (one
// run of records per partition, in batch order), and every batch the killed
// runs did not leave half-written must hold exactly that batch's counts.
//
// On librdkafka's mock cluster, aborted records stay visible: a batch killed in
// the middle of its output keeps the records it had written, and the restarted
// job, reading them as committed, does not write it again (with a real broker,
// read_committed consumers would not see them and the batch would be written
// whole). So that batch's count of records is not checked.
#include "child_process.hpp"
#include "kafka_test_support.hpp"
#include "temp_dir.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#ifndef RILL_KAFKA_KILL_CHILD
#error "tests/kafka/CMakeLists.txt passes the path of kafka_kill_child as RILL_KAFKA_KILL_CHILD"
#endif

extern char** environ;

using rill_kafka_test::Cluster;

namespace {

constexpr int kPartitions = 3;
constexpr int kPerPartition = 28;  // 5 offsets per partition and batch: data in batches 1000..6000
constexpr std::int64_t kUntil = 8000;

struct Kill {
  std::int64_t batch;
  const char* phase;
};

/// Runs the child to kUntil, or to its kill; returns its wait status.
int runChild(const std::string& brokers, const std::string& dir, const std::string& state,
             const std::optional<Kill>& kill) {
  std::vector<std::string> args = {RILL_KAFKA_KILL_CHILD,  "--brokers", brokers, "--checkpoint", dir, "--until",
                                   std::to_string(kUntil), "--state",   state};
  if (kill) args.insert(args.end(), {"--kill-at", std::to_string(kill->batch), "--kill-phase", kill->phase});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) == 0);
  return rill_test::waitFor(pid, rill_test::kChildTimeout);
}

/// The words of partition p, in offset order: from a small vocabulary, by a formula.
std::vector<std::string> wordsOf(int p) {
  static const std::vector<std::string> vocabulary{"kafka", "spark", "stream", "batch", "offset", "state", "rill"};
  std::vector<std::string> out;
  for (int i = 0; i < kPerPartition; ++i) out.push_back(vocabulary[static_cast<std::size_t>((i * (p + 2) + p) % 7)]);
  return out;
}

using Counts = std::map<std::string, long>;

/// The counts after each batch: batch k reads offsets [5(k-1), 5k) of each partition.
std::map<std::int64_t, Counts> expectedCounts() {
  std::map<std::int64_t, Counts> out;
  Counts running;
  for (std::int64_t t = 1000; t <= kUntil; t += 1000) {
    const std::int64_t k = t / 1000;
    for (int p = 0; p < kPartitions; ++p) {
      const auto words = wordsOf(p);
      for (std::int64_t i = 5 * (k - 1); i < 5 * k && i < kPerPartition; ++i)
        ++running[words[static_cast<std::size_t>(i)]];
    }
    out[t] = running;
  }
  return out;
}

Counts readState(const std::string& path) {
  Counts out;
  std::ifstream in(path);
  std::string word;
  long n = 0;
  while (in >> word >> n) out[word] = n;
  return out;
}

void checkRun(const std::vector<Kill>& kills) {
  Cluster cluster;
  cluster.mock.createTopic("in", kPartitions);
  cluster.mock.createTopic("out", 2);
  for (int p = 0; p < kPartitions; ++p) cluster.produce("in", p, wordsOf(p));
  rill_test::TempDir dir("kafka-kill");
  const std::string checkpoints = dir.file("checkpoints"), state = dir.file("state");

  for (const auto& kill : kills) {
    CAPTURE(kill.batch);
    CAPTURE(std::string(kill.phase));
    const int status = runChild(cluster.mock.bootstrapServers(), checkpoints, state, kill);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
  }
  const int status = runChild(cluster.mock.bootstrapServers(), checkpoints, state, std::nullopt);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);

  const auto expected = expectedCounts();
  CHECK(readState(state) == expected.at(kUntil));

  // "out": per partition, one run of records per batch time, in batch order.
  rill::SparkContext sc(rill::SparkConf().setMaster("local[2]"));
  std::map<int, std::vector<std::int64_t>> runs;  // partition -> batch times of its runs of records
  std::map<std::int64_t, std::map<std::string, long>> written;
  std::map<std::int64_t, long> records;
  for (const auto& r : cluster.readAll(sc, "out")) {
    const auto* h = r.lastHeader("rill.batchTime");
    REQUIRE(h != nullptr);
    const std::int64_t t = std::stoll(h->value.value_or("-1"));
    auto& seq = runs[r.partition()];
    if (seq.empty() || seq.back() != t) seq.push_back(t);
    written[t][r.key()] = std::stol(r.value());
    ++records[t];
  }
  std::set<std::int64_t> times;
  for (const auto& [partition, seq] : runs) {
    const int p = partition;  // CAPTURE cannot name a structured binding (clang)
    CAPTURE(p);
    for (std::size_t i = 1; i < seq.size(); ++i) CHECK(seq[i - 1] < seq[i]);
    times.insert(seq.begin(), seq.end());
  }
  std::set<std::int64_t> all;
  for (std::int64_t t = 1000; t <= kUntil; t += 1000) all.insert(t);
  CHECK(times == all);
  std::set<std::int64_t> halfWritten;
  for (const auto& kill : kills)
    if (std::string(kill.phase) == "mid-output") halfWritten.insert(kill.batch);
  for (std::int64_t t = 1000; t <= kUntil; t += 1000) {
    if (halfWritten.contains(t)) continue;
    CAPTURE(t);
    CHECK(written[t] == expected.at(t));
    CHECK(records[t] == static_cast<long>(expected.at(t).size()));
  }
}

}  // namespace

TEST_CASE("kill -9 and getOrCreate: exactly-once counts from Kafka, every batch in the output topic once") {
  // Seeds: where the child dies, in order, before it runs to the end.
  const std::vector<std::vector<Kill>> seeds{
      {{3000, "start"}},
      {{3000, "mid-output"}},
      {{2000, "after-output"}},
      {{2000, "start"}, {4000, "mid-output"}, {5000, "after-output"}},
      {{1000, "after-output"}, {6000, "mid-output"}},
  };
  for (std::size_t seed = 0; seed < seeds.size(); ++seed) {
    CAPTURE(seed);
    checkRun(seeds[seed]);
  }
}
