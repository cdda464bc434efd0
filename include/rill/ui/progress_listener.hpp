#pragma once
// The listener behind the UI: it copies each event into its own bounded record
// under a short lock and hands readers immutable snapshots. The scheduler's
// thread never waits for a reader longer than it takes to copy the active
// batches, the receivers and the recent warnings (completed batches are shared
// by pointer), and never for the network: the server renders from snapshots.
#include <rill/core/runtime.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/listener.hpp>
#include <rill/ui/snapshot.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rill::ui {

class StreamingProgressListener final : public StreamingListener {
 public:
  /// Longest message (failure reason, receiver error, warning) kept; the rest is cut.
  static constexpr std::size_t kMaxMessageBytes = 8 * 1024;
  static constexpr std::size_t kRetainedWarnings = 10;

  /// `graph`: the watched context's, read once batches run (it no longer changes then).
  StreamingProgressListener(std::shared_ptr<const AppFacts> app, const DStreamGraph& graph,
                            std::size_t retainedBatches);

  RILL_RUNTIME void onStreamingStarted(Time startTime) override;
  RILL_RUNTIME void onStreamingStopped(Time stopTime) override;
  RILL_RUNTIME void onBatchSubmitted(const BatchInfo& info) override;
  RILL_RUNTIME void onBatchStarted(const BatchInfo& info) override;
  RILL_RUNTIME void onBatchCompleted(const BatchInfo& info) override;
  void onOutputOperationStarted(const OutputOperationInfo& op) override { outputOpEvent(op); }
  void onOutputOperationCompleted(const OutputOperationInfo& op) override { outputOpEvent(op); }
  void onReceiverStarted(const ReceiverInfo& info) override { receiverEvent(info, false); }
  void onReceiverError(const ReceiverInfo& info) override { receiverEvent(info, true); }
  void onReceiverStopped(const ReceiverInfo& info) override { receiverEvent(info, false); }
  RILL_RUNTIME void onWarning(const std::string& message) override;

  /// The state now; the same object until the next event.
  std::shared_ptr<const StreamingSnapshot> snapshot() const;

 private:
  template <class F>
  void update(F&& change) {
    std::lock_guard lock(mutex_);
    change();
    ++version_;
  }

  void outputOpEvent(const OutputOperationInfo& op);

  void receiverEvent(const ReceiverInfo& info, bool error);

  static std::string bounded(const std::string& text);

  // Under mutex_.
  std::shared_ptr<const StreamingSnapshot> makeSnapshot() const;

  const std::shared_ptr<const AppFacts> app_;
  const DStreamGraph* graph_;
  const std::size_t retained_;

  mutable std::mutex mutex_;
  mutable std::shared_ptr<const StreamingSnapshot> cached_;
  std::uint64_t version_ = 0;
  std::optional<Time> startTime_;
  std::optional<std::chrono::steady_clock::time_point> startedAt_;
  std::optional<Time> stopTime_;
  std::optional<std::chrono::steady_clock::time_point> stoppedAt_;
  std::int64_t stopWallMillis_ = 0;
  std::deque<std::shared_ptr<const BatchRecord>> completed_;
  std::map<std::int64_t, BatchRecord> active_;  // by batch time
  std::map<int, ReceiverRecord> receivers_;     // by stream id
  std::deque<std::string> warnings_;
  std::int64_t numTotalCompletedBatches_ = 0;
  std::int64_t numTotalFailedBatches_ = 0;
  std::int64_t numReceivedRecords_ = 0;
  std::int64_t numProcessedRecords_ = 0;
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME StreamingProgressListener::StreamingProgressListener(std::shared_ptr<const AppFacts> app,
                                                                  const DStreamGraph& graph,
                                                                  std::size_t retainedBatches)
    : app_(std::move(app)), graph_(&graph), retained_(std::max<std::size_t>(1, retainedBatches)) {}

RILL_RUNTIME void StreamingProgressListener::onStreamingStarted(Time startTime) {
  update([&] {
    startTime_ = startTime;
    startedAt_ = std::chrono::steady_clock::now();
  });
}

RILL_RUNTIME void StreamingProgressListener::onStreamingStopped(Time stopTime) {
  const auto now = std::chrono::steady_clock::now();
  const std::int64_t wall = wallClockMillis();
  update([&] {
    if (stopTime_) return;  // the first report stands
    stopTime_ = stopTime;
    stoppedAt_ = now;
    stopWallMillis_ = wall;
  });
}

RILL_RUNTIME void StreamingProgressListener::onBatchSubmitted(const BatchInfo& info) {
  const std::size_t outputs = graph_->numOutputs();
  update([&] {
    if (!startTime_) {  // attached after the start: the first batch seen stands for it
      startTime_ = info.batchTime;
      startedAt_ = std::chrono::steady_clock::now();
    }
    BatchRecord& b = active_[info.batchTime.milliseconds()];
    b.info = info;
    b.status = BatchStatus::QUEUED;
    b.numOutputOps = outputs;
    numReceivedRecords_ += info.numRecords;
  });
}

RILL_RUNTIME void StreamingProgressListener::onBatchStarted(const BatchInfo& info) {
  update([&] {
    BatchRecord& b = active_[info.batchTime.milliseconds()];
    b.info = info;
    b.status = BatchStatus::PROCESSING;
  });
}

RILL_RUNTIME void StreamingProgressListener::onBatchCompleted(const BatchInfo& info) {
  auto done = std::make_shared<BatchRecord>();
  done->info = info;
  if (done->info.failureReason) done->info.failureReason = bounded(*done->info.failureReason);
  done->status = BatchStatus::COMPLETED;
  done->numOutputOps = graph_->numOutputs();  // unless its operations were seen
  update([&] {
    if (auto it = active_.find(info.batchTime.milliseconds()); it != active_.end()) {
      done->outputOps = std::move(it->second.outputOps);
      done->numOutputOps = done->outputOps.size();
      active_.erase(it);
    }
    completed_.push_back(std::move(done));
    if (completed_.size() > retained_) completed_.pop_front();
    ++numTotalCompletedBatches_;
    if (info.failureReason) ++numTotalFailedBatches_;
    numProcessedRecords_ += info.numRecords;
  });
}

RILL_RUNTIME void StreamingProgressListener::onWarning(const std::string& message) {
  std::string kept = bounded(message);
  update([&] {
    warnings_.push_back(std::move(kept));
    if (warnings_.size() > kRetainedWarnings) warnings_.pop_front();
  });
}

RILL_RUNTIME std::shared_ptr<const StreamingSnapshot> StreamingProgressListener::snapshot() const {
  std::lock_guard lock(mutex_);
  if (!cached_ || cached_->version != version_) cached_ = makeSnapshot();
  return cached_;
}

RILL_RUNTIME void StreamingProgressListener::outputOpEvent(const OutputOperationInfo& op) {
  OutputOperationInfo kept = op;
  if (kept.failureReason) kept.failureReason = bounded(*kept.failureReason);
  update([&] {
    auto& ops = active_[op.batchTime.milliseconds()].outputOps;
    const auto same = std::find_if(ops.begin(), ops.end(), [&](const auto& o) { return o.id == op.id; });
    if (same != ops.end()) *same = std::move(kept);
    else ops.push_back(std::move(kept));
  });
}

RILL_RUNTIME void StreamingProgressListener::receiverEvent(const ReceiverInfo& info, bool error) {
  ReceiverInfo kept = info;
  kept.name = bounded(kept.name);
  kept.lastErrorMessage = bounded(kept.lastErrorMessage);
  update([&] {
    ReceiverRecord& r = receivers_[info.streamId];
    const ReceiverInfo previous = r.info;
    r.info = std::move(kept);
    // A start or stop event carries no error: keep showing the last one.
    if (!error && r.info.lastErrorMessage.empty()) {
      r.info.lastErrorMessage = previous.lastErrorMessage;
      r.info.lastErrorTime = previous.lastErrorTime;
    }
    if (error) ++r.numErrors;
  });
}

RILL_RUNTIME std::string StreamingProgressListener::bounded(const std::string& text) {
  if (text.size() <= kMaxMessageBytes) return text;
  return text.substr(0, kMaxMessageBytes) + "... (" + std::to_string(text.size() - kMaxMessageBytes) + " more bytes)";
}

RILL_RUNTIME std::shared_ptr<const StreamingSnapshot> StreamingProgressListener::makeSnapshot() const {
  auto s = std::make_shared<StreamingSnapshot>();
  s->app = app_;
  s->startTime = startTime_;
  s->startedAt = startedAt_;
  s->stopTime = stopTime_;
  s->stoppedAt = stoppedAt_;
  s->stopWallMillis = stopWallMillis_;
  s->completed.assign(completed_.begin(), completed_.end());
  for (const auto& [id, b] : active_) s->active.push_back(b);
  for (const auto& [id, r] : receivers_) s->receivers.push_back(r);
  s->warnings.assign(warnings_.begin(), warnings_.end());
  s->numTotalCompletedBatches = numTotalCompletedBatches_;
  s->numTotalFailedBatches = numTotalFailedBatches_;
  s->numReceivedRecords = numReceivedRecords_;
  s->numProcessedRecords = numProcessedRecords_;
  s->version = version_;
  return s;
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
