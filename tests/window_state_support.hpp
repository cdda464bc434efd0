#pragma once
// Helpers for the window, state and checkpoint tests, after Spark's
// TestSuiteBase: input batch i goes to the batch at (i+1) s on a manual clock,
// each as an RDD of 2 partitions (queueStream); the operated stream's RDDs are
// collected, one entry per RDD it produced, and compared batch by batch as
// sets (Spark's useSet: order and duplicates ignored) or as sorted lists.
#include <doctest/doctest.h>

#include "function_input.hpp"

#include <rill/core/show.hpp>
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

/// The stream as a DStream<T>, so the collecting output is compiled once per element type.
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

template <class T>
std::vector<T> asSet(std::vector<T> v) {
  v = sorted(std::move(v));
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

/// Spark's check with useSet = true: as many RDDs as expected, each equal as a set.
template <class T>
void checkSets(const Batches<T>& actual, const Batches<T>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(rill::toString(asSet(actual[i])) == rill::toString(asSet(expected[i])));
  }
}

/// Equal as sorted lists (duplicates count).
template <class T>
void checkSorted(const Batches<T>& actual, const Batches<T>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(rill::toString(sorted(actual[i])) == rill::toString(sorted(expected[i])));
  }
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
