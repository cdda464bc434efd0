#pragma once
// What went wrong, on stderr, for every example: warnings (a checkpoint file
// skipped for the one before it, a graceful stop that timed out, a batch left
// behind by a stop), receiver errors (a refused or lost connection, overlong
// lines dropped) and failed batches. rill tells these to listeners only, so a
// program that registers none shows nothing of them.
#include "date_time.hpp"

#include <rill/stream/listener.hpp>
#include <rill/stream/streaming_context.hpp>

#include <iostream>
#include <memory>
#include <ostream>
#include <string>

namespace examples {

class ProblemReporter final : public rill::StreamingListener {
 public:
  explicit ProblemReporter(std::ostream& out = std::cerr) : out_(&out) {}

  void onWarning(const std::string& message) override { *out_ << "warning: " << message << "\n" << std::flush; }
  void onReceiverError(const rill::ReceiverInfo& r) override {
    *out_ << "receiver error (" << r.name << ", stream " << r.streamId << "): " << r.lastErrorMessage;
    if (r.restartDelay) *out_ << "; restarting in " << rill::toString(*r.restartDelay);
    *out_ << "\n" << std::flush;
  }
  void onBatchCompleted(const rill::BatchInfo& b) override {
    if (b.failureReason)
      *out_ << "batch of " << dateTime(b.batchTime) << " failed: " << *b.failureReason << "\n" << std::flush;
  }

 private:
  std::ostream* out_;
};

/// Registers a ProblemReporter on stderr. With getOrCreate, call it in the
/// factory: a checkpoint skipped is reported while getOrCreate reads them.
inline void reportProblems(rill::StreamingContext& ssc) {
  ssc.addStreamingListener(std::make_shared<ProblemReporter>());
}

}  // namespace examples
