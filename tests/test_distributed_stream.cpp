// Streams on several ranks (the in-process cluster, ranks as threads): rank 0
// drives its ManualClock and feeds the input; every rank gets exactly the
// batches one process of local[P*N] gets.
#include <doctest/doctest.h>

#include <rill/core/show.hpp>
#include <rill/exec/local_cluster.hpp>
#include <rill/stream/streaming_context.hpp>

#include "distributed_checkpoint_job.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using Lines = std::vector<std::vector<std::string>>;
using Output = std::vector<std::string>;

constexpr std::chrono::milliseconds kTimeout{60'000};

rill::SparkConf conf(std::size_t threads) {
  return rill::SparkConf()
      .setAppName("rill-distributed-stream-test")
      .setMaster("local[" + std::to_string(threads) + "]")
      .set("spark.streaming.gracefulStopTimeout", "30s");
}

const Lines kInput = {{"a b a", "c"}, {"b b", "d a c", "e"}, {}, {"a", "a a a"}, {"c d e f", "b"}, {"x"}};

/// One rank's run: defines the job on a queue stream, feeds batch i of `input`
/// on rank 0 and advances its clock; the other ranks follow. Returns what the
/// job recorded on this rank, plus what it printed.
template <class Job>
Output runJob(rill::SparkContext& sc, const Lines& input, Job& job) {
  auto clock = std::make_shared<rill::ManualClock>(0);
  rill::StreamingContext ssc(sc, 1s, clock);
  std::ostringstream printed;
  ssc.setPrintStream(printed);
  auto queue = std::make_shared<rill::RDDQueue<std::string>>();
  Output out;
  job(ssc.queueStream(queue), out);
  ssc.start();
  if (sc.isDriver()) {
    for (const auto& lines : input) {
      queue->push(sc.fromSlices(lines, 2));
      clock->advance(1s);
    }
    ssc.stop(false);
  } else {
    CHECK(ssc.awaitTerminationOrTimeout(kTimeout));
    ssc.stop(false);
  }
  out.push_back("printed: " + printed.str());
  return out;
}

template <class Job>
Output inOneProcess(std::size_t threads, Job job) {
  rill::SparkContext sc(conf(threads));
  return runJob(sc, kInput, job);
}

template <class Job>
std::vector<Output> onRanks(std::size_t ranks, std::size_t threads, Job job) {
  std::vector<Output> got(ranks);
  rill::exec::runLocalCluster(
      ranks,
      [&](rill::exec::Cluster& cluster) {
        rill::SparkContext sc(conf(threads), cluster);
        got[cluster.rank()] = runJob(sc, kInput, job);
      },
      kTimeout);
  return got;
}

/// Every rank of P in {1, 2, 3} ranks of local[N] records what one process of local[P*N] records.
template <class Job>
void sameBatchesAsOneProcess(Job job) {
  for (const std::size_t ranks : {1, 2, 3})
    for (const std::size_t threads : {1, 2}) {
      CAPTURE(ranks);
      CAPTURE(threads);
      const Output expected = inOneProcess(ranks * threads, job);
      REQUIRE(expected.size() == kInput.size() + 1);
      const auto got = onRanks(ranks, threads, job);
      for (std::size_t r = 0; r < ranks; ++r) {
        CAPTURE(r);
        // Only rank 0 prints.
        Output want = expected;
        if (r > 0) want.back() = "printed: ";
        CHECK(got[r] == want);
      }
    }
}

template <class D>
void record(const D& stream, Output& out) {
  stream.foreachRDD([&out](const auto& rdd, rill::Time t) { out.push_back(t.toString() + " " + rill::toString(rdd.collect())); });
}

using dc_test::runningSum;
using dc_test::words;

}  // namespace

TEST_CASE("network word count: the same batches on 1, 2 and 3 ranks as in one process; rank 0 prints") {
  sameBatchesAsOneProcess([](rill::DStream<std::string> lines, Output& out) {
    auto counts = words(lines).reduceByKey(std::plus<int>());
    counts.print();
    record(counts, out);
  });
}

TEST_CASE("windowed and stateful: reduceByKeyAndWindow, updateStateByKey and mapWithState per batch") {
  sameBatchesAsOneProcess([](rill::DStream<std::string> lines, Output& out) {
    auto pairs = words(lines);
    auto windowed = pairs.reduceByKeyAndWindow(std::plus<int>(), 3s, 1s);
    auto inverse = pairs.reduceByKeyAndWindow(std::plus<int>(), std::minus<int>(), 3s, 1s);
    auto state = pairs.updateStateByKey(runningSum);
    auto mapped = pairs.mapWithState(rill::StateSpec::function(
        [](const std::string& key, std::optional<int> value, rill::State<int>& s) {
          const int sum = value.value_or(0) + s.getOption().value_or(0);
          s.update(sum);
          return key + "=" + std::to_string(sum);
        }));
    std::vector<std::string>* sink = &out;
    windowed.union_(inverse).union_(state).foreachRDD([sink](const auto& rdd, rill::Time t) {
      sink->push_back(t.toString() + " " + rill::toString(rdd.collect()));
    });
    mapped.foreachRDD([sink](const auto& rdd, rill::Time) { sink->back() += " " + rill::toString(rdd.collect()); });
  });
}

TEST_CASE("keyed ops with a partitioner and transformWith with the time: the same on every rank count") {
  sameBatchesAsOneProcess([](rill::DStream<std::string> lines, Output& out) {
    auto pairs = words(lines);
    auto counts = pairs.reduceByKey(std::plus<int>(), rill::HashPartitioner<>(3));
    auto joined = counts.join(pairs.groupByKey(rill::HashPartitioner<>(3)), rill::HashPartitioner<>(4));
    auto stamped = counts.transformWith(joined, [](const auto& c, const auto& j, rill::Time t) {
      const auto ms = static_cast<int>(t.milliseconds());
      return c.union_(j.mapValues([ms](const auto& v) { return v.first * 1000 + ms; }));
    });
    std::vector<std::string>* sink = &out;
    stamped.foreachRDD([sink](const auto& rdd, rill::Time t) {
      auto v = rdd.collect();
      std::sort(v.begin(), v.end());
      sink->push_back(t.toString() + " " + rill::toString(v) + " in " + std::to_string(rdd.numPartitions()));
    });
  });
}

TEST_CASE("queueStream on 2 ranks: an RDD of sc.parallelize in rank 0's queue fails its batch with the reason") {
  std::vector<std::string> errors(2);
  rill::exec::runLocalCluster(
      2,
      [&](rill::exec::Cluster& cluster) {
        rill::SparkContext sc(conf(1), cluster);
        auto clock = std::make_shared<rill::ManualClock>(0);
        rill::StreamingContext ssc(sc, 1s, clock);
        auto queue = std::make_shared<rill::RDDQueue<int>>();
        ssc.queueStream(queue).foreachRDD([](const rill::RDD<int>& rdd) { rdd.count(); });
        // Each rank keeps its own two of the four slices: rank 0 cannot compute the others.
        auto parallelized = sc.parallelize(std::vector<int>{1, 2, 3, 4}, 4);
        ssc.start();
        if (sc.isDriver()) {
          queue->push(parallelized);
          clock->advance(1s);
        }
        try {
          ssc.awaitTerminationOrTimeout(kTimeout);
        } catch (const std::exception& e) {
          errors[cluster.rank()] = e.what();
        }
        ssc.stop(false);
      },
      kTimeout);
  const std::string expected =
      "rill: partition 2 of a parallelized collection is computed on a rank that holds only its partitions [0, 2): "
      "with several ranks, sc.parallelize keeps each rank's own partitions; an RDD that one rank computes alone (a "
      "queueStream's, on rank 0) is made with sc.fromSlices or sc.fromPartitions";
  for (const auto& e : errors) CHECK(e == expected);
}
