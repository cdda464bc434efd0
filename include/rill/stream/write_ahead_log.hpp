#pragma once
// The write-ahead log of one receiver stream (Spark's
// spark.streaming.receiver.writeAheadLog.enable): the blocks its receiver
// stored and, between them, which batch took which blocks. It lives in
// <checkpoint directory>/receivedData/<stream id>/ as an io::AppendLog of two
// kinds of record:
//   'B' + the block's records (rill's checkpoint archive): a block, synced by
//       the end of its block interval (a batch's last block: by the end of
//       the batch);
//   'A' + batch time (i64 ms): batch t took every block logged since the
//       previous 'A' record, in log order; synced before batch t ends, so
//       before its checkpoint.
// So the log alone says, for a checkpoint of batch T, which blocks no batch up
// to T took: those after the last 'A' record of a batch <= T. A restart replays
// them, each 'A' record after that point giving a batch back the blocks it
// had, and the blocks no batch took go to the first new batch. Segments roll
// every spark.streaming.receiver.writeAheadLog.rollingIntervalSecs and at
// every start, and a segment is deleted once the oldest checkpoint on disk no
// longer needs it.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/io/append_log.hpp>
#include <rill/io/directory.hpp>
#include <rill/rdd/conf.hpp>
#include <rill/rdd/conf_values.hpp>
#include <rill/stream/checkpoint_file.hpp>
#include <rill/stream/checkpoint_manifest.hpp>
#include <rill/stream/time.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rill::detail {

struct WriteAheadLogSettings {
  /// spark.streaming.receiver.writeAheadLog.enable
  bool enabled = false;
  /// How often stored records are sealed into a block and logged (spark.streaming.blockInterval).
  Duration blockInterval{200};
  /// How often the log starts a new segment (spark.streaming.receiver.writeAheadLog.rollingIntervalSecs).
  Duration rollingInterval{60'000};

  static WriteAheadLogSettings fromConf(const SparkConf& conf);
};

inline constexpr char kLoggedBlock = 'B';
inline constexpr char kLoggedAllocation = 'A';

class ReceivedBlockLog {
 public:
  /// What the log held past the restored checkpoint, for the batches to take again.
  struct Recovered {
    std::vector<std::pair<Time, std::vector<io::LogSpan>>> batches;  // batches after it, in order, with their blocks
    std::vector<io::LogSpan> unallocated;                            // blocks no batch took
    std::size_t tornSegments = 0;  // segments that ended inside a record (a crash mid-append)
  };

  /// The log of input stream `stream` under checkpointDir.
  ReceivedBlockLog(std::string checkpointDir, std::uint32_t stream, Duration rollingInterval, std::int64_t nowMs);

  const std::string& checkpointDirectory() const { return checkpointDir_; }

  /// Reads the log a previous run left (call once, before appending). With a
  /// restored checkpoint of batch T: the blocks after the last allocation of a
  /// batch <= T, grouped by the allocations that follow. Without one: every
  /// block, for the first batch, when the directory holds no checkpoint (the
  /// previous run died before its first), else none (a program that chose not
  /// to restore its checkpoints starts afresh).
  Recovered recover(std::optional<Time> restored);

  /// Appends a block record (payload starts with kLoggedBlock); durable after sync().
  io::LogSpan appendBlock(std::string_view payload);

  /// Records that batch t took every block logged since the previous allocation.
  void allocate(Time t);

  void sync() { log_.sync(); }

  /// Starts a new segment once the current one is older than the rolling
  /// interval (syncing the one it closes).
  void rollIfDue(std::int64_t nowMs);

  /// The payload of a logged block (its kind byte first); throws IoError when
  /// it is not there intact.
  std::string readBlock(const io::LogSpan& span) const;

  /// The log ranges the batches up to t took since the last call (a
  /// checkpoint names those of its batches since the previous checkpoint).
  void addRanges(Time t, std::vector<LogRange>& out);

  /// Deletes the segments that hold only what the oldest checkpoint in the
  /// directory has already counted.
  void removeUnneeded();

 private:
  struct Allocation {
    Time time;
    io::LogSpan end;  // its 'A' record
    std::vector<LogRange> ranges;
  };

  static Time decodeTime(std::string_view payload) {
    std::int64_t ms = 0;
    std::memcpy(&ms, payload.data() + 1, sizeof ms);
    return Time(ms);
  }

  // Batch t's ranges run from the end of the previous allocation (or the start
  // of the log) to the end of its own, one range per segment they touch.
  void remember(Time t, const io::LogSpan& end);

  std::string checkpointDir_;
  std::uint32_t stream_;
  std::string relativeDir_;
  io::AppendLog log_;
  Duration rollingInterval_;
  std::int64_t segmentStart_;
  std::map<std::uint64_t, std::uint64_t> segmentEnds_;  // segment -> where its intact records end
  std::vector<Allocation> allocations_;                 // in log order
  Time rangesReported_{std::numeric_limits<std::int64_t>::min()};
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME WriteAheadLogSettings WriteAheadLogSettings::fromConf(const SparkConf& conf) {
  WriteAheadLogSettings s;
  s.enabled = confBoolean(conf, "spark.streaming.receiver.writeAheadLog.enable", s.enabled);
  s.blockInterval = confTimeMs(conf, "spark.streaming.blockInterval", s.blockInterval);
  if (s.blockInterval.count() <= 0)
    throw std::invalid_argument("rill: setting 'spark.streaming.blockInterval' must be positive, got " +
                                std::to_string(s.blockInterval.count()) + " ms");
  const long long rolling = conf.getLong("spark.streaming.receiver.writeAheadLog.rollingIntervalSecs", 60);
  if (rolling <= 0)
    throw std::invalid_argument(
        "rill: setting 'spark.streaming.receiver.writeAheadLog.rollingIntervalSecs' must be positive, got " +
        std::to_string(rolling));
  s.rollingInterval = Seconds(rolling);
  return s;
}

RILL_RUNTIME ReceivedBlockLog::ReceivedBlockLog(std::string checkpointDir, std::uint32_t stream,
                                                Duration rollingInterval, std::int64_t nowMs)
    : checkpointDir_(std::move(checkpointDir)),
      stream_(stream),
      relativeDir_("receivedData/" + std::to_string(stream)),
      log_(io::joinPath(checkpointDir_, relativeDir_)),
      rollingInterval_(rollingInterval),
      segmentStart_(nowMs) {}

RILL_RUNTIME ReceivedBlockLog::Recovered ReceivedBlockLog::recover(std::optional<Time> restored) {
  struct Entry {
    io::LogSpan span;
    std::optional<Time> allocation;  // set for an 'A' record
  };
  std::vector<Entry> entries;
  Recovered out;
  for (const auto segment : io::listLogSegments(log_.directory())) {
    const std::string path = log_.segmentPath(segment);
    const auto scan = io::scanLogSegment(path, segment, [&](const io::LogSpan& span, std::string_view payload) {
      if (payload.empty()) return;
      if (payload[0] == kLoggedBlock) entries.push_back({span, std::nullopt});
      if (payload[0] == kLoggedAllocation && payload.size() == 9) entries.push_back({span, decodeTime(payload)});
    });
    segmentEnds_[segment] = scan.end;
    if (scan.torn()) ++out.tornSegments;
  }
  std::size_t replayFrom = entries.size();
  if (restored) {
    rangesReported_ = *restored;  // the restored checkpoint named those
    replayFrom = 0;
    for (std::size_t i = 0; i < entries.size(); ++i)
      if (entries[i].allocation && *entries[i].allocation <= *restored) replayFrom = i + 1;
  } else if (listCheckpoints(checkpointDir_).empty()) {
    replayFrom = 0;
  }
  // Without the allocation of the restored batch (or any checkpoint), the
  // log's batch times mean nothing to this run: every block goes to the first batch.
  const bool regroup = restored && replayFrom > 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (e.allocation) remember(*e.allocation, e.span);
    if (i < replayFrom) continue;
    if (!e.allocation)
      out.unallocated.push_back(e.span);
    else if (regroup && *e.allocation > *restored)
      out.batches.emplace_back(*e.allocation, std::exchange(out.unallocated, {}));
  }
  return out;
}

RILL_RUNTIME io::LogSpan ReceivedBlockLog::appendBlock(std::string_view payload) {
  const auto span = log_.append(payload);
  segmentEnds_[span.segment] = span.until;
  return span;
}

RILL_RUNTIME void ReceivedBlockLog::allocate(Time t) {
  std::string payload(1, kLoggedAllocation);
  const std::int64_t ms = t.milliseconds();
  payload.append(reinterpret_cast<const char*>(&ms), sizeof ms);
  const auto span = log_.append(payload);
  segmentEnds_[span.segment] = span.until;
  remember(t, span);
}

RILL_RUNTIME void ReceivedBlockLog::rollIfDue(std::int64_t nowMs) {
  if (nowMs - segmentStart_ < rollingInterval_.count()) return;
  log_.roll();
  segmentStart_ = nowMs;
}

RILL_RUNTIME std::string ReceivedBlockLog::readBlock(const io::LogSpan& span) const {
  std::string payload = io::readLogRecord(log_.segmentPath(span.segment), span);
  if (payload.empty() || payload[0] != kLoggedBlock)
    throw IoError("rill: log segment '" + log_.segmentPath(span.segment) + "' holds no block at byte " +
                  std::to_string(span.from));
  return payload;
}

RILL_RUNTIME void ReceivedBlockLog::addRanges(Time t, std::vector<LogRange>& out) {
  for (const auto& a : allocations_)
    if (a.time > rangesReported_ && a.time <= t)
      for (const auto& r : a.ranges) out.push_back(r);
  rangesReported_ = std::max(rangesReported_, t);
}

RILL_RUNTIME void ReceivedBlockLog::removeUnneeded() {
  if (segmentEnds_.empty() || segmentEnds_.begin()->first >= log_.currentSegment()) return;
  const auto checkpoints = listCheckpoints(checkpointDir_);
  if (checkpoints.empty()) return;
  const Time oldest(checkpoints.back().first);
  const Allocation* restorePoint = nullptr;
  for (const auto& a : allocations_)
    if (a.time <= oldest) restorePoint = &a;
  if (restorePoint == nullptr) return;
  const std::uint64_t keepFrom = restorePoint->end.segment;
  log_.removeSegmentsBefore(keepFrom);
  std::erase_if(allocations_, [&](const Allocation& a) { return a.end.segment < keepFrom; });
  segmentEnds_.erase(segmentEnds_.begin(), segmentEnds_.lower_bound(keepFrom));
}

RILL_RUNTIME void ReceivedBlockLog::remember(Time t, const io::LogSpan& end) {
  Allocation a{t, end, {}};
  io::LogSpan from = allocations_.empty() ? io::LogSpan{segmentEnds_.begin()->first, 0, 0} : allocations_.back().end;
  for (auto it = segmentEnds_.find(from.segment); it != segmentEnds_.end() && it->first <= end.segment; ++it) {
    const std::uint64_t start = it->first == from.segment ? from.until : 0;
    const std::uint64_t stop = it->first == end.segment ? end.until : it->second;
    if (start == stop) continue;
    a.ranges.push_back(
        {stream_, t.milliseconds(), io::joinPath(relativeDir_, io::logSegmentName(it->first)), start, stop});
  }
  allocations_.push_back(std::move(a));
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
