#pragma once
// Which polled records belong to an offset range, and when the range is read
// in full. Offsets need not be consecutive: a transactional topic's commit
// markers and a compacted topic's removed records take offsets that no record
// is delivered at (Spark's allowNonConsecutiveOffsets, always on). So the range
// ends at the record at untilOffset - 1 if there is one, else at the first
// record at or past untilOffset (which belongs to the next range), else when
// the partition's end is at or past untilOffset.
#include <rill/kafka/offset_range.hpp>

#include <cstdint>

namespace rill::kafka::detail {

class RangeProgress {
 public:
  enum class Verdict {
    Skip,         // before the range (or delivered twice): drop it
    Keep,         // in the range; more may follow
    KeepAndDone,  // the range's last offset
    Beyond,       // past the range, which is therefore complete; the record is the next range's
  };

  explicit RangeProgress(const OffsetRange& r) : next_(r.fromOffset), until_(r.untilOffset) {}

  Verdict onRecord(std::int64_t offset) {
    if (offset < next_) return Verdict::Skip;
    if (offset >= until_) {
      next_ = until_;
      return Verdict::Beyond;
    }
    next_ = offset + 1;
    return next_ == until_ ? Verdict::KeepAndDone : Verdict::Keep;
  }
  /// The consumer reached the partition's end at `endOffset` (no record there yet).
  void onEnd(std::int64_t endOffset) {
    if (endOffset >= until_) next_ = until_;
  }
  bool done() const { return next_ >= until_; }
  /// The lowest offset a record of the range may still be at.
  std::int64_t next() const { return next_; }

 private:
  std::int64_t next_;
  std::int64_t until_;
};

}  // namespace rill::kafka::detail
