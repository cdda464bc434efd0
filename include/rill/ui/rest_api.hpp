#pragma once
// Spark's monitoring REST API for a streaming application, answered from a
// snapshot: /applications, and under /applications/<app-id>/streaming/:
// statistics, receivers, receivers/<stream-id>, batches (?status=...),
// batches/<batch-id>, batches/<batch-id>/operations[/<output-op-id>], with
// Spark's field names. `path` is what follows "/api/v1". An application
// whose context stopped is completed, with its end time.
#include <rill/core/ascii.hpp>
#include <rill/core/runtime.hpp>
#include <rill/ui/json.hpp>
#include <rill/ui/snapshot.hpp>
#include <rill/ui/statistics.hpp>
#include <rill/ui/format.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rill::ui {

struct ApiAnswer {
  int status = 200;  // 200, or 404 with a plain-text reason
  std::string body;
};

namespace detail {

RILL_RUNTIME std::vector<std::string_view> splitPath(std::string_view path);

/// A non-negative decimal id, or nothing.
RILL_RUNTIME std::optional<std::int64_t> parseId(std::string_view text);

/// Whether a ?status= value names `status`, its case ignored (Spark's BatchStatus.fromString).
RILL_RUNTIME bool namesStatus(std::string_view value, BatchStatus status);

inline ApiAnswer notFound(std::string why) { return {404, std::move(why) + "\n"}; }

RILL_RUNTIME void writeApplication(JsonWriter& j, const StreamingSnapshot& s, std::int64_t nowWallMillis);

RILL_RUNTIME void writeStatistics(JsonWriter& j, const StreamingSnapshot& s);

RILL_RUNTIME void writeReceiver(JsonWriter& j, const StreamingSnapshot& s, const ReceiverRecord& r);

RILL_RUNTIME void writeBatch(JsonWriter& j, const StreamingSnapshot& s, const BatchRecord& b);

/// Spark's OutputOperationInfo (rill runs one job per operation and gives it no id: jobIds is empty).
RILL_RUNTIME void writeOutputOp(JsonWriter& j, const OutputOperationInfo& op);

RILL_RUNTIME ApiAnswer answerBatch(const StreamingSnapshot& s, const std::vector<std::string_view>& rest);

RILL_RUNTIME ApiAnswer answerStreaming(const StreamingSnapshot& s, const std::vector<std::string_view>& rest,
                                       const std::vector<std::string>& statusFilter);

}  // namespace detail

/// The answer to GET /api/v1<path> (`statusFilter`: the ?status= values of a batches request).
RILL_RUNTIME ApiAnswer answerApi(const StreamingSnapshot& s, std::string_view path,
                                 const std::vector<std::string>& statusFilter, std::int64_t nowWallMillis);

#if RILL_PART_RUNTIME_BODIES

namespace detail {

RILL_RUNTIME std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto part = path.substr(0, slash);
    if (!part.empty()) parts.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

RILL_RUNTIME std::optional<std::int64_t> parseId(std::string_view text) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v < 0 || text.front() == '+') return std::nullopt;
  return v;
}

RILL_RUNTIME bool namesStatus(std::string_view value, BatchStatus status) {
  return rill::detail::equalsIgnoreCase(value, toString(status));
}

RILL_RUNTIME void writeApplication(JsonWriter& j, const StreamingSnapshot& s, std::int64_t nowWallMillis) {
  const AppFacts& app = *s.app;
  const bool completed = s.stopTime.has_value();
  const std::int64_t end = completed ? s.stopWallMillis : -1;  // Spark's -1: not ended
  const std::int64_t updated = completed ? s.stopWallMillis : nowWallMillis;
  j.beginObject().field("id", app.id).field("name", app.name).key("attempts").beginArray().beginObject();
  j.field("startTime", formatJsonDate(app.startWallMillis))
      .field("endTime", formatJsonDate(end))
      .field("lastUpdated", formatJsonDate(updated))
      .field("duration", updated - app.startWallMillis)
      .field("completed", completed)
      .field("startTimeEpoch", app.startWallMillis)
      .field("endTimeEpoch", end)
      .field("lastUpdatedEpoch", updated);
  j.endObject().endArray().endObject();
}

RILL_RUNTIME void writeStatistics(JsonWriter& j, const StreamingSnapshot& s) {
  const StreamingStatistics st = statisticsOf(s);
  j.beginObject();
  if (s.startTime) j.field("startTime", formatJsonDate(s.startTime->milliseconds()));
  j.field("batchDuration", s.app->batchDuration.count())
      .field("numReceivers", st.numReceivers)
      .field("numActiveReceivers", st.numActiveReceivers)
      .field("numInactiveReceivers", st.numInactiveReceivers)
      .field("numTotalCompletedBatches", s.numTotalCompletedBatches)
      .field("numRetainedCompletedBatches", s.completed.size())
      .field("numActiveBatches", s.active.size())
      .field("numProcessedRecords", s.numProcessedRecords)
      .field("numReceivedRecords", s.numReceivedRecords)
      .field("avgInputRate", st.inputRate.average())
      .field("avgSchedulingDelay", st.schedulingDelay.averageMillis())
      .field("avgProcessingTime", st.processingTime.averageMillis())
      .field("avgTotalDelay", st.totalDelay.averageMillis());
  j.endObject();
}

RILL_RUNTIME void writeReceiver(JsonWriter& j, const StreamingSnapshot& s, const ReceiverRecord& r) {
  const Series rates = receiverRates(s, r);
  j.beginObject()
      .field("streamId", r.info.streamId)
      .field("streamName", r.info.name)
      .field("isActive", r.info.active)
      .field("executorId", "driver")
      .field("executorHost", "localhost");
  if (r.info.lastErrorTime) j.field("lastErrorTime", formatJsonDate(r.info.lastErrorTime->milliseconds()));
  if (!r.info.lastErrorMessage.empty())
    j.field("lastErrorMessage", r.info.lastErrorMessage).field("lastError", r.info.lastErrorMessage);
  j.field("avgEventRate", rates.average());
  j.key("eventRates").beginArray();
  for (const auto& [t, rate] : rates.points) j.beginArray().value(t).value(rate).endArray();
  j.endArray().endObject();
}

RILL_RUNTIME void writeBatch(JsonWriter& j, const StreamingSnapshot& s, const BatchRecord& b) {
  const OutputOpCounts ops = outputOpCounts(b);
  const auto millis = [](std::optional<Duration> d) {
    return d ? std::optional<std::int64_t>(d->count()) : std::nullopt;
  };
  j.beginObject()
      .field("batchId", b.id())
      .field("batchTime", formatJsonDate(b.id()))
      .field("status", toString(b.status))
      .field("batchDuration", s.app->batchDuration.count())
      .field("inputSize", b.info.numRecords)
      .field("schedulingDelay", millis(b.info.schedulingDelay()))
      .field("processingTime", millis(b.info.processingDelay()))
      .field("totalDelay", millis(b.info.totalDelay()))
      .field("numActiveOutputOps", ops.active)
      .field("numCompletedOutputOps", ops.completed)
      .field("numFailedOutputOps", ops.failed)
      .field("numTotalOutputOps", b.numOutputOps)
      .field("firstFailureReason", b.info.failureReason)
      .endObject();
}

RILL_RUNTIME void writeOutputOp(JsonWriter& j, const OutputOperationInfo& op) {
  const auto date = [](const std::optional<Time>& t) {
    return t ? std::optional<std::string>(formatJsonDate(t->milliseconds())) : std::nullopt;
  };
  const auto duration = op.duration();
  j.beginObject()
      .field("outputOpId", op.id)
      .field("name", op.name)
      .field("description", op.description)
      .field("startTime", date(op.startTime))
      .field("endTime", date(op.endTime))
      .field("duration", duration ? std::optional<std::int64_t>(duration->count()) : std::nullopt)
      .field("failureReason", op.failureReason)
      .key("jobIds")
      .beginArray()
      .endArray()
      .endObject();
}

RILL_RUNTIME ApiAnswer answerBatch(const StreamingSnapshot& s, const std::vector<std::string_view>& rest) {
  // rest: <batch-id> [operations [<output-op-id>]]
  const auto id = parseId(rest[0]);
  const BatchRecord* b = id ? s.findBatch(*id) : nullptr;
  if (!b) return notFound("unknown batch: " + std::string(rest[0]));
  JsonWriter j;
  if (rest.size() == 1) {
    writeBatch(j, s, *b);
  } else if (rest[1] != "operations" || rest.size() > 3) {
    return notFound("unknown path");
  } else if (rest.size() == 2) {
    j.beginArray();
    for (const auto& op : b->outputOps) writeOutputOp(j, op);
    j.endArray();
  } else {
    const auto opId = parseId(rest[2]);
    const OutputOperationInfo* op = opId ? b->findOutputOp(*opId) : nullptr;
    if (!op) return notFound("unknown output operation: " + std::string(rest[2]));
    writeOutputOp(j, *op);
  }
  return {200, j.str()};
}

RILL_RUNTIME ApiAnswer answerStreaming(const StreamingSnapshot& s, const std::vector<std::string_view>& rest,
                                       const std::vector<std::string>& statusFilter) {
  JsonWriter j;
  const std::string_view what = rest.empty() ? std::string_view() : rest[0];
  if (what == "statistics" && rest.size() == 1) {
    writeStatistics(j, s);
  } else if (what == "receivers" && rest.size() == 1) {
    j.beginArray();
    for (const auto& r : s.receivers) writeReceiver(j, s, r);
    j.endArray();
  } else if (what == "receivers" && rest.size() == 2) {
    const auto id = parseId(rest[1]);
    const ReceiverRecord* r = id && *id <= 1'000'000 ? s.findReceiver(static_cast<int>(*id)) : nullptr;
    if (!r) return notFound("unknown receiver: " + std::string(rest[1]));
    writeReceiver(j, s, *r);
  } else if (what == "batches" && rest.size() == 1) {
    auto batches = s.retainedBatches();
    std::sort(batches.begin(), batches.end(), [](auto* a, auto* b) { return a->id() > b->id(); });
    j.beginArray();
    for (const BatchRecord* b : batches)
      if (statusFilter.empty() || std::any_of(statusFilter.begin(), statusFilter.end(),
                                              [&](const std::string& v) { return namesStatus(v, b->status); }))
        writeBatch(j, s, *b);
    j.endArray();
  } else if (what == "batches" && rest.size() >= 2) {
    return answerBatch(s, std::vector<std::string_view>(rest.begin() + 1, rest.end()));
  } else {
    return notFound("unknown path");
  }
  return {200, j.str()};
}

}  // namespace detail

RILL_RUNTIME ApiAnswer answerApi(const StreamingSnapshot& s, std::string_view path,
                                 const std::vector<std::string>& statusFilter, std::int64_t nowWallMillis) {
  const auto parts = detail::splitPath(path);
  if (parts.empty() || parts[0] != "applications") return detail::notFound("unknown path");
  JsonWriter j;
  if (parts.size() == 1) {
    j.beginArray();
    detail::writeApplication(j, s, nowWallMillis);
    j.endArray();
    return {200, j.str()};
  }
  if (parts[1] != s.app->id) return detail::notFound("no such app: " + std::string(parts[1]));
  if (parts.size() == 2) {
    detail::writeApplication(j, s, nowWallMillis);
    return {200, j.str()};
  }
  if (parts[2] != "streaming") return detail::notFound("unknown path");
  return detail::answerStreaming(s, std::vector<std::string_view>(parts.begin() + 3, parts.end()), statusFilter);
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
