#pragma once
// What a checkpoint saves. Every stream whose data a restarted program needs
// (running state, the previous window of an incremental reduce, the batches a
// window still covers) registers a participant with its graph when it is
// defined. The order of definition is the participant's id across restarts:
// C++ cannot serialise closures, so a restarted program rebuilds its graph with
// the same code (StreamingContext::getOrCreate calls the factory again) and the
// checkpoint fills the data back in, participant by participant.
//
// Restoring is all or nothing: every participant first reads its data and
// judges it against the checkpoint's times (prepareRestore), and only when all
// of them can be restored is any put in place. A checkpoint one of them cannot
// use is skipped for the previous one.
//
// This header is light on purpose (the graph includes it); the participants
// themselves, which need the serialisation code, live with their streams.
#include <rill/core/runtime.hpp>
#include <rill/stream/time.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rill {

/// The times of the checkpoint being restored, to judge saved data by.
struct CheckpointTimes {
  Time zero;   // one batch before the first batch of the stream
  Time batch;  // the batch the checkpoint was taken after
};

class CheckpointParticipant {
 public:
  virtual ~CheckpointParticipant() = default;
  /// What is saved, with its types, e.g. "updateStateByKey state (std::string -> long)".
  /// A checkpoint is only restored into a graph whose participants describe themselves alike.
  virtual std::string describe() const = 0;
  /// Why this data cannot be saved (a type with no serialisation), or nullopt.
  virtual std::optional<std::string> unsupportedReason() const { return std::nullopt; }
  /// Before the checkpoint of batch t is saved, as part of batch t: computes
  /// what the stream has not computed yet through t because no output asked
  /// for it (a batch between two slides of a window). Its input is gone after
  /// a restart from this checkpoint, so the checkpoint must hold it.
  virtual void computeThrough(Time) {}
  /// The data as of the completed batch at `t` (called on the scheduler thread).
  virtual std::string save(Time t) const = 0;
  /// Reads saved data (before the context starts) and returns what puts it in
  /// place, changing nothing itself. Throws (anything) when the data cannot be
  /// used, e.g. a time outside the checkpoint's. The default reads it when put
  /// in place, through restore(bytes).
  virtual std::function<void()> prepareRestore(std::string_view bytes, const CheckpointTimes&) {
    return [this, saved = std::string(bytes)] { restore(saved); };
  }
  /// Puts saved data back: the one-step form, for participants whose data
  /// needs no judging. Override this or prepareRestore.
  virtual void restore(std::string_view) {
    throw std::logic_error("rill: this checkpoint participant does not restore its data: " + describe());
  }
  /// Participants with the same identity save the same data, so only the first
  /// registered is kept (two windows over one stream save its batches once).
  virtual const void* identity() const { return this; }
};

/// A graph's participants in definition order, and how often to checkpoint.
class CheckpointRegistry {
 public:
  void add(std::shared_ptr<CheckpointParticipant> p);
  const std::vector<std::shared_ptr<CheckpointParticipant>>& participants() const { return participants_; }

  /// DStream::checkpoint(interval) asks for a checkpoint at least this often;
  /// the smallest interval asked for wins. Without any, every batch is checkpointed.
  void requestInterval(Duration d) { interval_ = interval_ ? std::min(*interval_, d) : d; }
  std::optional<Duration> interval() const { return interval_; }

 private:
  std::vector<std::shared_ptr<CheckpointParticipant>> participants_;
  std::optional<Duration> interval_;
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void CheckpointRegistry::add(std::shared_ptr<CheckpointParticipant> p) {
  const void* id = p->identity();
  auto same = [id](const auto& q) { return q->identity() == id; };
  if (std::none_of(participants_.begin(), participants_.end(), same)) participants_.push_back(std::move(p));
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
