#pragma once
// What the UI shows, frozen at one moment: the application's fixed facts, the
// retained batches and the receivers. A snapshot is immutable, so the server's
// threads read it without any lock while the streaming job goes on.
#include <rill/core/runtime.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/time.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rill::ui {

/// Spark's batch states: cut but not started, running, done (with or without a failure).
enum class BatchStatus { QUEUED, PROCESSING, COMPLETED };

RILL_RUNTIME const char* toString(BatchStatus s);

struct BatchRecord {
  BatchInfo info;
  BatchStatus status = BatchStatus::QUEUED;
  /// Its output operations: the context's while it runs, the jobs it ran once completed.
  std::size_t numOutputOps = 0;
  std::vector<OutputOperationInfo> outputOps;  // those started so far, by id

  /// Spark's batch id: the batch time in milliseconds.
  std::int64_t id() const { return info.batchTime.milliseconds(); }
  bool failed() const { return info.failureReason.has_value(); }
  const OutputOperationInfo* findOutputOp(std::int64_t opId) const;
};

struct ReceiverRecord {
  ReceiverInfo info;  // as the latest event about it said
  std::int64_t numErrors = 0;
};

/// The wall clock in milliseconds since the epoch (the application's dates).
RILL_RUNTIME std::int64_t wallClockMillis();

/// What does not change while the UI runs.
struct AppFacts {
  std::string id;  // Spark's application id ("local-<start ms>")
  std::string name;
  std::string master;
  Duration batchDuration{0};
  std::int64_t startWallMillis = 0;  // wall clock when the UI was attached

  /// Batch times are shown to the millisecond only when batches are not whole seconds.
  bool batchTimesNeedMillis() const { return batchDuration.count() % 1000 != 0; }
};

struct StreamingSnapshot {
  std::shared_ptr<const AppFacts> app;
  std::optional<Time> startTime;  // the streaming clock's start (first batch time)
  std::optional<std::chrono::steady_clock::time_point> startedAt;  // when it started, in real time
  std::optional<Time> stopTime;                                     // the streaming clock's, once it stopped
  std::optional<std::chrono::steady_clock::time_point> stoppedAt;  // when it stopped, in real time
  std::int64_t stopWallMillis = 0;                                  // wall clock when it stopped
  std::vector<std::shared_ptr<const BatchRecord>> completed;        // retained, oldest first
  std::vector<BatchRecord> active;                                   // queued or processing, oldest first
  std::vector<ReceiverRecord> receivers;                             // by stream id
  std::vector<std::string> warnings;                                 // the latest few, oldest first
  std::int64_t numTotalCompletedBatches = 0;
  std::int64_t numTotalFailedBatches = 0;
  std::int64_t numReceivedRecords = 0;   // in batches cut so far
  std::int64_t numProcessedRecords = 0;  // in batches completed so far
  std::uint64_t version = 0;  // changes with every event

  const BatchRecord* findBatch(std::int64_t id) const;
  const ReceiverRecord* findReceiver(int streamId) const;
  /// Every retained batch, oldest first: the completed ones, then the active ones.
  std::vector<const BatchRecord*> retainedBatches() const;
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME const char* toString(BatchStatus s) {
  switch (s) {
    case BatchStatus::QUEUED: return "QUEUED";
    case BatchStatus::PROCESSING: return "PROCESSING";
    case BatchStatus::COMPLETED: return "COMPLETED";
  }
  return "COMPLETED";
}

RILL_RUNTIME const OutputOperationInfo* BatchRecord::findOutputOp(std::int64_t opId) const {
  for (const auto& op : outputOps)
    if (op.id == opId) return &op;
  return nullptr;
}

RILL_RUNTIME std::int64_t wallClockMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

RILL_RUNTIME const BatchRecord* StreamingSnapshot::findBatch(std::int64_t id) const {
  for (const auto& b : active)
    if (b.id() == id) return &b;
  for (const auto& b : completed)
    if (b->id() == id) return b.get();
  return nullptr;
}

RILL_RUNTIME const ReceiverRecord* StreamingSnapshot::findReceiver(int streamId) const {
  for (const auto& r : receivers)
    if (r.info.streamId == streamId) return &r;
  return nullptr;
}

RILL_RUNTIME std::vector<const BatchRecord*> StreamingSnapshot::retainedBatches() const {
  std::vector<const BatchRecord*> all;
  all.reserve(completed.size() + active.size());
  for (const auto& b : completed) all.push_back(b.get());
  for (const auto& b : active) all.push_back(&b);
  return all;
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
