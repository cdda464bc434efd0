#pragma once
// Helpers for the window, state and checkpoint tests, after Spark's
// TestSuiteBase: input batch i goes to the batch at (i+1) s on a manual clock,
// each as an RDD of 2 partitions (queueStream); the operated stream's RDDs are
// collected, one entry per RDD it produced, and compared batch by batch as
// multisets (sorted lists: order ignored, duplicates count). Spark's useSet
// also ignores duplicates; these tests do not, so a window holding a batch
// twice, or a key emitted twice, fails.
#include <doctest/doctest.h>

#include "function_input.hpp"

#include <rill/core/show.hpp>
#include <rill/rdd/partitioner.hpp>
#include <rill/stream/streaming_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ws_test {

using namespace std::chrono_literals;

template <class T>
using Batches = std::vector<std::vector<T>>;

inline rill::SparkConf conf(std::size_t workers = 2) {
  return rill::SparkConf().setAppName("rill-window-state-test").setMaster("local[" + std::to_string(workers) + "]");
}

/// What an operated stream produced: one entry per RDD, with its batch time (ms).
template <class T>
struct Collected {
  std::vector<std::int64_t> times;
  Batches<T> batches;
};

/// Collects every RDD of `stream` (on the scheduler thread; read after the clock moved).
template <class S>
auto collect(const S& stream) {
  using T = typename S::value_type;
  auto out = std::make_shared<Collected<T>>();
  stream.foreachRDD([out](const auto& rdd, rill::Time t) {
    out->times.push_back(t.milliseconds());
    out->batches.push_back(rdd.collect());
  });
  return out;
}

/// The stream as a DStream<T>: one collecting output per element type, whatever chain produced it.
template <class S>
rill::DStream<typename S::value_type> asDStream(const S& stream) {
  return stream;
}

/// Runs op(input stream) for numBatches 1 s batches, the input as Spark's tests feed it.
template <class In, class Op>
auto runOperation(const Batches<In>& input, Op op, std::size_t numBatches, std::size_t partitions = 2,
                  std::size_t workers = 2) {
  rill::SparkContext sc(conf(workers));
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto queue = std::make_shared<rill::RDDQueue<In>>();
  for (const auto& batch : input) queue->push(sc.parallelize(batch, partitions));
  auto out = collect(asDStream(op(ssc.queueStream(queue))));
  ssc.start();
  clock->advance(std::chrono::seconds(numBatches));
  ssc.stop(false);
  return std::move(*out);
}

/// Like runOperation, with Spark's TestInputStream input (nullopt: no RDD in that batch).
template <class In, class Op>
auto runScripted(std::vector<std::optional<std::vector<In>>> input, Op op, std::size_t numBatches,
                 std::size_t partitions = 2) {
  rill::SparkContext sc(conf());
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto out = collect(asDStream(op(scriptedStream<In>(ssc, std::move(input), partitions))));
  ssc.start();
  clock->advance(std::chrono::seconds(numBatches));
  ssc.stop(false);
  return std::move(*out);
}

/// Input batches without nulls, in the form runScripted takes.
template <class T>
std::vector<std::optional<std::vector<T>>> present(const Batches<T>& batches) {
  return std::vector<std::optional<std::vector<T>>>(batches.begin(), batches.end());
}

template <class T>
std::vector<T> sorted(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v;
}

/// As many RDDs as expected, each equal to its expected batch as a multiset
/// (both sorted; order ignored, duplicates count).
template <class T>
void checkSorted(const Batches<T>& actual, const Batches<T>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(rill::toString(sorted(actual[i])) == rill::toString(sorted(expected[i])));
  }
}

/// Where a keyed RDD's rows live: its number of partitions, and the rows not in
/// the partition HashPartitioner(n) gives their key (with the default hasher).
struct Layout {
  std::size_t partitions = 0, glommed = 0, misplaced = 0, rows = 0;
};
template <class R>
Layout layoutOf(const R& rdd) {
  Layout layout;
  layout.partitions = rdd.numPartitions();
  const auto parts = rdd.glom().collect();
  layout.glommed = parts.size();
  const rill::HashPartitioner<> expected(std::max<std::size_t>(parts.size(), 1));
  for (std::size_t i = 0; i < parts.size(); ++i)
    for (const auto& row : parts[i]) {
      ++layout.rows;
      if (expected.getPartition(row.first) != i) ++layout.misplaced;
    }
  return layout;
}

inline std::vector<std::int64_t> times(std::initializer_list<std::int64_t> ms) { return ms; }

/// A fresh directory inside the test's scratch directory (RILL_TEST_TMP).
inline std::string freshDir(const std::string& name) {
  const char* root = std::getenv("RILL_TEST_TMP");
  auto dir = std::filesystem::path(root ? root : std::filesystem::temp_directory_path().string()) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace ws_test
