#pragma once
// Input streams with a write-ahead log (receiver streams with
// spark.streaming.receiver.writeAheadLog.enable), as the context and the
// checkpoint see them: the log opens in the checkpoint directory when the
// context starts, knowing which checkpoint was restored, and each checkpoint
// names the log ranges its batches took. Light on purpose: the context and
// the checkpoint code include it.
#include <rill/core/runtime.hpp>
#include <rill/stream/checkpoint_manifest.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/time.hpp>

#include <optional>
#include <string>
#include <vector>

namespace rill::detail {

class LoggedInput {
 public:
  /// Opens the log under checkpointDirectory (empty: the context has none,
  /// which a stream with its log on refuses) after the checkpoint of batch
  /// `restored`, if one was restored. Opening the same directory again does nothing.
  virtual void openLog(const std::string& checkpointDirectory, std::optional<Time> restored) = 0;
  /// Appends the log ranges the batches up to t took since the last call,
  /// once they are on disk.
  virtual void addLogRanges(Time t, std::vector<LogRange>& out) = 0;
  /// Called once the checkpoint of t is on disk (a failed write does not call it).
  virtual void checkpointWritten(Time) {}

 protected:
  ~LoggedInput() = default;
};

/// Opens the write-ahead logs of the graph's input streams (before they start).
RILL_RUNTIME void openReceiverLogs(const DStreamGraph& graph, const std::string& checkpointDirectory,
                                   std::optional<Time> restored);

/// The log ranges the batches up to t took since the last call, over all
/// input streams (for the checkpoint of t, which names those of its batches).
RILL_RUNTIME std::vector<LogRange> receiverLogRanges(const DStreamGraph& graph, Time t);

/// Tells the graph's logged input streams that the checkpoint of t is on disk.
RILL_RUNTIME void logsCheckpointed(const DStreamGraph& graph, Time t);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void openReceiverLogs(const DStreamGraph& graph, const std::string& checkpointDirectory,
                                   std::optional<Time> restored) {
  for (const auto& in : graph.inputs())
    if (auto* logged = dynamic_cast<LoggedInput*>(in.get())) logged->openLog(checkpointDirectory, restored);
}

RILL_RUNTIME std::vector<LogRange> receiverLogRanges(const DStreamGraph& graph, Time t) {
  std::vector<LogRange> out;
  for (const auto& in : graph.inputs())
    if (auto* logged = dynamic_cast<LoggedInput*>(in.get())) logged->addLogRanges(t, out);
  return out;
}

RILL_RUNTIME void logsCheckpointed(const DStreamGraph& graph, Time t) {
  for (const auto& in : graph.inputs())
    if (auto* logged = dynamic_cast<LoggedInput*>(in.get())) logged->checkpointWritten(t);
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
