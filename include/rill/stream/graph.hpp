#pragma once
// The DStream graph of one StreamingContext: its input streams (which cut
// received data into batches) and its output operations (which turn a batch
// into jobs, in the order they were defined).
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/rdd/spark_context.hpp>
#include <rill/stream/checkpoint_participant.hpp>
#include <rill/stream/dstream_node.hpp>
#include <rill/stream/time.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <ostream>
#include <utility>
#include <vector>

namespace rill {

/// A source of batches: receiver-based streams buffer records between batches.
class InputStream {
 public:
  virtual ~InputStream() = default;
  virtual void start() {}
  /// Stops receiving; data already received stays buffered for the next cut.
  virtual void stop() {}
  /// Moves what was received so far into batch t; returns the number of records.
  virtual std::int64_t cut(Time t) = 0;
  virtual bool hasPendingData() const { return false; }
};

/// An output operation (print, foreachRDD, saveAsTextFiles): one job per batch
/// in which its stream has an RDD.
class OutputOperation {
 public:
  virtual ~OutputOperation() = default;
  virtual std::optional<std::function<void()>> generateJob(Time t) = 0;
  virtual std::shared_ptr<DStreamBase> stream() const = 0;
};

class DStreamGraph {
 public:
  DStreamGraph(SparkContext& sc, Duration batchDuration) : sc_(&sc), batchDuration_(batchDuration) {}

  SparkContext& sparkContext() const { return *sc_; }
  Duration batchDuration() const { return batchDuration_; }

  void checkNotStarted() const;
  void addInput(std::shared_ptr<InputStream> in);
  /// The stream id the next addInput() gives: its index in inputs(), as
  /// BatchInfo::streamIdToInputInfo uses it.
  int nextInputId() const { return static_cast<int>(inputs_.size()); }
  void addOutput(std::shared_ptr<OutputOperation> out);
  const std::vector<std::shared_ptr<InputStream>>& inputs() const { return inputs_; }
  std::size_t numOutputs() const { return outputs_.size(); }

  /// Where print()/pprint() write; std::cout unless redirected.
  std::ostream& printStream() const { return *printStream_; }
  void setPrintStream(std::ostream& os) { printStream_ = &os; }

  void start(Time zeroTime, Duration rememberAtLeast);
  bool started() const { return started_; }

  /// Starts every input. When one throws, stops it and those started before
  /// it, and rethrows: a context is started with all its inputs or none.
  void startInputs();

  bool hasPendingData() const;
  std::vector<std::function<void()>> generateJobs(Time t);
  void clearMetadata(Time t);

  /// The streams whose data checkpoints save, in definition order (see checkpoint_participant.hpp).
  CheckpointRegistry& checkpoints() { return checkpoints_; }
  const CheckpointRegistry& checkpoints() const { return checkpoints_; }

 private:
  // The error that stopped a start is the one to report.
  static void stopQuietly(InputStream& in) noexcept;

  SparkContext* sc_;
  Duration batchDuration_;
  std::vector<std::shared_ptr<InputStream>> inputs_;
  std::vector<std::shared_ptr<OutputOperation>> outputs_;
  std::ostream* printStream_ = &std::cout;
  bool started_ = false;
  CheckpointRegistry checkpoints_;
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void DStreamGraph::checkNotStarted() const {
  if (started_)
    throw IllegalStateException(
        "rill: adding new inputs, transformations, and output operations after starting a context is not "
        "supported");
}

RILL_RUNTIME void DStreamGraph::addInput(std::shared_ptr<InputStream> in) {
  checkNotStarted();
  inputs_.push_back(std::move(in));
}

RILL_RUNTIME void DStreamGraph::addOutput(std::shared_ptr<OutputOperation> out) {
  checkNotStarted();
  outputs_.push_back(std::move(out));
}

RILL_RUNTIME void DStreamGraph::start(Time zeroTime, Duration rememberAtLeast) {
  if (outputs_.empty()) throw IllegalStateException("rill: no output operations registered, so nothing to execute");
  for (auto& o : outputs_) o->stream()->initialize(zeroTime);
  for (auto& o : outputs_) o->stream()->remember(rememberAtLeast);
  started_ = true;
}

RILL_RUNTIME void DStreamGraph::startInputs() {
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    try {
      inputs_[i]->start();
    } catch (...) {
      for (std::size_t j = i + 1; j-- > 0;) stopQuietly(*inputs_[j]);
      throw;
    }
  }
}

RILL_RUNTIME bool DStreamGraph::hasPendingData() const {
  for (auto& in : inputs_)
    if (in->hasPendingData()) return true;
  return false;
}

RILL_RUNTIME std::vector<std::function<void()>> DStreamGraph::generateJobs(Time t) {
  std::vector<std::function<void()>> jobs;
  for (auto& o : outputs_)
    if (auto job = o->generateJob(t)) jobs.push_back(std::move(*job));
  return jobs;
}

RILL_RUNTIME void DStreamGraph::clearMetadata(Time t) {
  for (auto& o : outputs_) o->stream()->clearMetadata(t);
}

RILL_RUNTIME void DStreamGraph::stopQuietly(InputStream& in) noexcept {
  try {
    in.stop();
  } catch (...) {
  }
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
