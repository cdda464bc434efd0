#pragma once
// Shared helpers for the streaming tests: a StreamingContext on a ManualClock,
// a listener that records every event, and per-batch collection of a stream.
// Nothing here sleeps: tests wait on conditions with a generous safety timeout.
#include <doctest/doctest.h>

#include <rill/stream/streaming_context.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace rill_stream_test {

using namespace std::chrono_literals;

/// The longest any test waits for something that should happen at once.
inline constexpr auto kSafety = 30s;

inline rill::SparkConf conf(std::size_t workers = 2) {
  // A graceful stop may take as long as any wait here (sanitizers slow batches down).
  return rill::SparkConf()
      .setAppName("rill-stream-test")
      .setMaster("local[" + std::to_string(workers) + "]")
      .set("spark.streaming.gracefulStopTimeout", "30s");
}

/// A SparkContext and a StreamingContext with a 1 s batch on a ManualClock at `start` ms.
struct ManualContext {
  explicit ManualContext(rill::SparkConf c = conf(), std::int64_t start = 0)
      : sc(std::move(c)), clock(std::make_shared<rill::ManualClock>(start)), ssc(sc, 1s, clock) {}
  rill::SparkContext sc;
  std::shared_ptr<rill::ManualClock> clock;
  rill::StreamingContext ssc;
};

/// Records every listener event; waitUntil(pred) blocks until pred() holds.
class Recorder final : public rill::StreamingListener {
 public:
  void onBatchSubmitted(const rill::BatchInfo& b) override { add([&] { submitted_.push_back(b); }); }
  void onBatchStarted(const rill::BatchInfo& b) override { add([&] { started_.push_back(b); }); }
  void onBatchCompleted(const rill::BatchInfo& b) override { add([&] { completed_.push_back(b); }); }
  void onReceiverStarted(const rill::ReceiverInfo& r) override { add([&] { receiverStarted_.push_back(r); }); }
  void onReceiverError(const rill::ReceiverInfo& r) override { add([&] { receiverErrors_.push_back(r); }); }
  void onReceiverStopped(const rill::ReceiverInfo& r) override { add([&] { receiverStopped_.push_back(r); }); }
  void onWarning(const std::string& w) override { add([&] { warnings_.push_back(w); }); }

  std::vector<rill::BatchInfo> submitted() const { return get(submitted_); }
  std::vector<rill::BatchInfo> started() const { return get(started_); }
  std::vector<rill::BatchInfo> completed() const { return get(completed_); }
  std::vector<rill::ReceiverInfo> receiverStarted() const { return get(receiverStarted_); }
  std::vector<rill::ReceiverInfo> receiverErrors() const { return get(receiverErrors_); }
  std::vector<rill::ReceiverInfo> receiverStopped() const { return get(receiverStopped_); }
  std::vector<std::string> warnings() const { return get(warnings_); }
  /// The failure reason of every completed batch, "" for those that succeeded.
  std::vector<std::string> failureReasons() const {
    std::vector<std::string> out;
    for (const auto& b : completed()) out.push_back(b.failureReason.value_or(""));
    return out;
  }

  /// Waits (up to kSafety) until pred(*this) holds; false on timeout.
  bool waitUntil(const std::function<bool(const Recorder&)>& pred) const {
    const auto deadline = std::chrono::steady_clock::now() + kSafety;
    std::unique_lock lock(mutex_);
    for (;;) {
      const auto seen = version_;
      lock.unlock();
      if (pred(*this)) return true;
      lock.lock();
      if (!changed_.wait_until(lock, deadline, [&] { return version_ != seen; })) return false;
    }
  }

 private:
  template <class F>
  void add(F f) {
    std::lock_guard lock(mutex_);
    f();
    ++version_;
    changed_.notify_all();
  }
  template <class V>
  V get(const V& v) const {
    std::lock_guard lock(mutex_);
    return v;
  }

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::uint64_t version_ = 0;
  std::vector<rill::BatchInfo> submitted_, started_, completed_;
  std::vector<rill::ReceiverInfo> receiverStarted_, receiverErrors_, receiverStopped_;
  std::vector<std::string> warnings_;
};

inline std::shared_ptr<Recorder> record(rill::StreamingContext& ssc) {
  auto r = std::make_shared<Recorder>();
  ssc.addStreamingListener(r);
  return r;
}

/// Each batch's elements (collected in partition order), by batch time.
template <class T>
class Batches {
 public:
  void add(rill::Time t, std::vector<T> v) {
    std::lock_guard lock(mutex_);
    batches_.emplace_back(t.milliseconds(), std::move(v));
  }
  std::vector<std::vector<T>> values() const {
    std::lock_guard lock(mutex_);
    std::vector<std::vector<T>> out;
    for (auto& b : batches_) out.push_back(b.second);
    return out;
  }
  std::vector<std::int64_t> times() const {
    std::lock_guard lock(mutex_);
    std::vector<std::int64_t> out;
    for (auto& b : batches_) out.push_back(b.first);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::int64_t, std::vector<T>>> batches_;
};

/// Registers an output that collects every batch of `stream`.
template <class D>
auto collectBatches(const D& stream) {
  auto out = std::make_shared<Batches<typename D::value_type>>();
  stream.foreachRDD([out](const auto& rdd, rill::Time t) { out->add(t, rdd.collect()); });
  return out;
}

/// A queue holding one RDD (in 2 partitions) per input batch.
template <class T>
auto queueOf(rill::SparkContext& sc, const std::vector<std::vector<T>>& batches) {
  auto q = std::make_shared<rill::RDDQueue<T>>();
  for (const auto& b : batches) q->push(sc.parallelize(b, 2));
  return q;
}

/// A started context whose one input is `source`, with a recorder and the input collected.
template <class T>
struct InputCase {
  template <class MakeInput>
  InputCase(rill::SparkConf c, MakeInput makeInput) : m(std::move(c)), events(record(m.ssc)) {
    input = makeInput(m.ssc);
    out = collectBatches(input);
    m.ssc.start();
  }
  ManualContext m;
  std::shared_ptr<Recorder> events;
  rill::DStream<T> input;
  std::shared_ptr<Batches<T>> out;
};

/// A fresh directory inside the test's scratch directory (RILL_TEST_TMP).
inline std::string tmpDir(const std::string& name) {
  const char* root = std::getenv("RILL_TEST_TMP");
  std::filesystem::path dir = std::filesystem::path(root ? root : std::filesystem::temp_directory_path()) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace rill_stream_test
