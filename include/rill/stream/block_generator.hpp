#pragma once
// A receiver's records on their way into batches when the write-ahead log is
// on (Spark's BlockGenerator with its WriteAheadLogBasedBlockHandler and
// ReceivedBlockTracker): every spark.streaming.blockInterval on the streaming
// clock, what the receiver stored since the last block is sealed into a block,
// appended to the stream's log (write_ahead_log.hpp) and synced, on a thread
// of its own. A batch cut takes every sealed block and what the receiver
// stored since the last one, encodes the latter, and hands it with the record
// of what the batch took to that thread, which writes and syncs them while the
// batch runs; only the batch's checkpoint needs them (addRanges writes them
// itself when the thread has not yet, or is gone), and the next cut. So what store() returned for is on disk by the end of its block
// interval or soon after its batch's cut, and a checkpoint never names a part
// of the log that is not on disk.
//
// After a restart the blocks the restored checkpoint had not counted come back
// first: each batch re-run after the checkpoint gets the blocks it had, and
// the first new batch the blocks no batch took.
//
// The log changes nothing in flow control: the records sealed and not yet
// taken by a batch count against the receiver's buffer bound with those still
// buffered, and store() waits while they reach it (BlockGenerator is the
// supervisor's StoreGate). On a ManualClock, advance() returns once the blocks
// that became due are logged.
#include <rill/core/serialization.hpp>
#include <rill/core/type_name.hpp>
#include <rill/exec/start_thread.hpp>
#include <rill/io/append_log.hpp>
#include <rill/stream/block_buffer.hpp>
#include <rill/stream/clock.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/receiver_supervisor.hpp>
#include <rill/stream/time.hpp>
#include <rill/stream/write_ahead_log.hpp>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iterator>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace rill::detail {

template <class T>
class BlockGenerator final : public StoreGate, private Clock::Observer {
 public:
  /// The receiver's buffer bound, for what is buffered and sealed together.
  struct MemoryBound {
    std::size_t records = 0;
    std::size_t bytes = 0;
  };

  /// Reads back what `log` holds for this run (see ReceivedBlockLog::recover).
  BlockGenerator(ReceivedBlockLog log, std::optional<Time> restored, Duration blockInterval, BlockBuffer<T>& buffer,
                 Clock& clock, ListenerBus& bus, std::string name, MemoryBound bound)
      : log_(std::move(log)),
        interval_(blockInterval.count()),
        buffer_(&buffer),
        clock_(&clock),
        bus_(&bus),
        name_(std::move(name)),
        bound_(bound) {
    auto found = log_.recover(restored);
    for (auto& [t, spans] : found.batches) recovered_.push_back({t, logged(spans)});
    unallocated_ = logged(found.unallocated);
    reportRecovery(found, restored);
  }
  BlockGenerator(const BlockGenerator&) = delete;
  BlockGenerator& operator=(const BlockGenerator&) = delete;
  ~BlockGenerator() { stop(); }

  const std::string& checkpointDirectory() const { return log_.checkpointDirectory(); }

  /// Starts sealing a block every block interval.
  void start() {
    const std::int64_t now = clock_->getTimeMillis();
    sealedThrough_ = now - now % interval_;
    stopping_ = false;
    clock_->addObserver(this);
    thread_ = exec::startThread([this] { run(); });
  }

  /// Stops the timer and logs what the receiver stored last, so a stop loses
  /// nothing store() returned for; the batches still take what is left.
  void stop() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    clock_->wake();
    thread_.join();
    clock_->removeObserver(this);
    sealAndSync();
  }

  /// The records of batch t (the blocks it had before a restart, or all sealed
  /// since the last cut); the log then says that batch t took them.
  std::vector<T> takeBatch(Time t) {
    std::vector<Block> taken;
    {
      std::lock_guard lock(mutex_);
      if (!recovered_.empty() && recovered_.front().time == t) {
        taken = std::move(recovered_.front().blocks);
        recovered_.erase(recovered_.begin());
      } else {
        takeNew(t, taken);
      }
    }
    clock_->wake();  // the log thread writes what the cut handed it
    return records(std::move(taken));
  }

  bool hasPendingData() const {
    std::lock_guard lock(mutex_);
    return !blocks_.empty() || !recovered_.empty() || !unallocated_.empty() || buffer_->size() > 0;
  }

  /// Waits while what the receiver stored and no batch took reaches the bound.
  void awaitRoom() override {
    std::unique_lock lock(gateMutex_);
    room_.wait(lock, [&] { return !gateBlocking_ || hasRoom(); });
  }
  /// While false, awaitRoom() does not wait (the receiver is stopping).
  void setBlocking(bool blocking) override {
    std::lock_guard lock(gateMutex_);
    gateBlocking_ = blocking;
    room_.notify_all();
  }

  /// The log ranges the batches up to t took since the last call (written and
  /// synced first: the checkpoint of t must never name what a crash could
  /// still take back).
  void addRanges(Time t, std::vector<LogRange>& out) {
    std::lock_guard lock(mutex_);
    writeHandedOverLocked();
    syncIfDirty();
    log_.addRanges(t, out);
  }

 private:
  struct Block {
    io::LogSpan span;
    std::optional<std::vector<T>> data;  // unset: read it back from the log (a block from before a restart)
  };
  struct RecoveredBatch {
    Time time;
    std::vector<Block> blocks;
  };
  // What a cut hands to the log thread: the last block (encoded; empty for
  // none) and the record that batch `allocation` took everything before it.
  struct PendingWrite {
    std::string block;
    Time allocation;
  };

  static std::vector<Block> logged(const std::vector<io::LogSpan>& spans) {
    std::vector<Block> out;
    for (const auto& s : spans) out.push_back({s, std::nullopt});
    return out;
  }

  bool idleAt(std::int64_t now) const override { return stopping_.load() || sealedThrough_.load() + interval_ > now; }

  void run() {
    while (!stopping_) {
      const std::int64_t due = sealedThrough_.load() + interval_;
      const std::int64_t now =
          clock_->waitTillTime(due, [this] { return stopping_.load() || hasPendingWrite_.load(); });
      if (stopping_) break;
      if (now < due) {
        writePending();
        continue;
      }
      sealAndSync();
      sealedThrough_ = now - now % interval_;
      clock_->notifyProgress();
    }
  }

  void writePending() {
    std::lock_guard lock(mutex_);
    writePendingLocked();
  }

  // Writes and syncs what the batch cuts handed to the log, unless the log
  // thread already has (it is gone when stop() ran before this batch was cut);
  // throws what went wrong if that failed (the checkpoint is then not
  // written). Guarded by mutex_.
  void writeHandedOverLocked() {
    writePendingLocked();
    if (writeFailure_) std::rethrow_exception(std::exchange(writeFailure_, nullptr));
  }

  // Writes and syncs what the last cut handed over, then rolls and prunes the
  // log as due. Guarded by mutex_.
  void writePendingLocked() {
    if (!pending_) return;
    try {
      if (!pending_->block.empty()) log_.appendBlock(pending_->block);
      log_.allocate(pending_->allocation);
      log_.sync();
      dirty_ = false;
      log_.rollIfDue(clock_->getTimeMillis());
      log_.removeUnneeded();
    } catch (...) {
      writeFailure_ = std::current_exception();
    }
    cutPayload_ = std::move(pending_->block);  // its buffer serves the next cut
    pending_.reset();
    hasPendingWrite_ = false;
  }

  // What a cut handed over goes first: the log keeps the order in which the
  // receiver stored.
  void sealAndSync() {
    std::lock_guard lock(mutex_);
    writePendingLocked();
    try {
      seal();
      syncIfDirty();
    } catch (const std::exception& e) {
      bus_->post(&StreamingListener::onWarning, "rill: " + name_ + ": could not write a block to the receiver "
                                                    "write-ahead log (" + e.what() +
                                                    "); its records reach the next batch but would not survive a crash");
    }
  }

  // Guarded by gateMutex_.
  bool hasRoom() const {
    return sealed_.records + buffer_->size() < bound_.records && sealed_.bytes + buffer_->bytes() < bound_.bytes;
  }

  // Guarded by mutex_.
  void syncIfDirty() {
    if (!dirty_) return;
    log_.sync();
    dirty_ = false;
  }

  // Moves what the receiver stored into a logged block (not yet synced). A
  // block the log refused stays in memory only. Guarded by mutex_.
  void seal() {
    std::vector<T> stored = buffer_->drain();
    if (stored.empty()) return;
    encode(stored, payload_);
    const std::string& payload = payload_;
    {
      std::lock_guard lock(gateMutex_);
      sealed_.records += stored.size();
      sealed_.bytes += payload.size();
    }
    io::LogSpan span;
    try {
      span = log_.appendBlock(payload);
    } catch (...) {
      blocks_.push_back(Block{{}, std::move(stored)});
      throw;
    }
    dirty_ = true;
    blocks_.push_back(Block{span, std::move(stored)});
  }

  // A new batch: the blocks no batch took before a restart, the blocks sealed
  // since the last cut, and what the receiver stored since; the log thread
  // then writes the latter and the allocation. Guarded by mutex_.
  void takeNew(Time t, std::vector<Block>& taken) {
    while (!recovered_.empty() && recovered_.front().time < t) {  // batches the restarted scheduler did not cut
      for (auto& b : recovered_.front().blocks) unallocated_.push_back(std::move(b));
      recovered_.erase(recovered_.begin());
    }
    writePendingLocked();  // left over when no output reads this stream, so no batch waited for it
    std::vector<T> stored = buffer_->drain();
    if (stored.empty())
      cutPayload_.clear();
    else
      encode(stored, cutPayload_);
    pending_ = PendingWrite{std::move(cutPayload_), t};
    hasPendingWrite_ = true;
    taken = std::exchange(unallocated_, {});
    for (auto& b : blocks_) taken.push_back(std::move(b));
    blocks_.clear();
    if (!stored.empty()) taken.push_back({{}, std::move(stored)});
    std::lock_guard lock(gateMutex_);
    sealed_ = {};
    room_.notify_all();
  }

  std::vector<T> records(std::vector<Block> blocks) const {
    std::vector<T> out;
    for (auto& b : blocks) {
      std::vector<T> part = b.data ? std::move(*b.data) : decode(log_.readBlock(b.span));
      if (out.empty())
        out = std::move(part);
      else
        out.insert(out.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
    }
    return out;
  }

  // Into the same buffer every time: a block is megabytes, and a fresh
  // allocation of that size costs page faults on every seal.
  static void encode(const std::vector<T>& records, std::string& payload) {
    payload.assign(1, kLoggedBlock);
    if constexpr (Checkpointable<std::vector<T>>) {
      BinaryWriter writer(payload);
      writer(records);
    } else {
      throw std::logic_error("rill: a receiver write-ahead log cannot save " + typeName<T>());
    }
  }
  static std::vector<T> decode(std::string_view payload) {
    if constexpr (Checkpointable<std::vector<T>>)
      return fromBytes<std::vector<T>>(payload.substr(1));
    else
      throw std::logic_error("rill: a receiver write-ahead log cannot read " + typeName<T>());
  }

  void reportRecovery(const ReceivedBlockLog::Recovered& found, std::optional<Time> restored) {
    std::size_t blocks = found.unallocated.size();
    for (const auto& b : found.batches) blocks += b.second.size();
    std::string text;
    if (blocks > 0)
      text = "replaying " + std::to_string(blocks) + " blocks from the receiver write-ahead log (" +
             std::to_string(found.batches.size()) + " batches after " +
             (restored ? "the checkpoint of " + restored->toString() : std::string("the start")) + ", and " +
             std::to_string(found.unallocated.size()) + " blocks no batch took)";
    if (found.tornSegments > 0)
      text += (text.empty() ? "" : "; ") + std::string("ignored the torn last record of ") +
              std::to_string(found.tornSegments) + " log segment(s) (a crash inside an append)";
    if (!text.empty()) bus_->post(&StreamingListener::onWarning, "rill: " + name_ + ": " + text);
  }

  ReceivedBlockLog log_;
  const std::int64_t interval_;
  BlockBuffer<T>* buffer_;
  Clock* clock_;
  ListenerBus* bus_;
  std::string name_;
  MemoryBound bound_;

  mutable std::mutex mutex_;               // one seal or cut at a time, in log order
  std::vector<Block> blocks_;              // sealed since the last cut; guarded by mutex_
  std::vector<RecoveredBatch> recovered_;  // guarded by mutex_
  std::vector<Block> unallocated_;         // guarded by mutex_
  bool dirty_ = false;                     // appended since the last sync; guarded by mutex_
  std::string payload_;                    // the block being sealed; guarded by mutex_
  std::string cutPayload_;                 // the block a cut encodes; guarded by mutex_
  std::optional<PendingWrite> pending_;    // guarded by mutex_
  std::exception_ptr writeFailure_;        // guarded by mutex_
  std::atomic<bool> hasPendingWrite_{false};

  // Apart from mutex_, so that store() never waits for a seal's write and sync.
  std::mutex gateMutex_;
  std::condition_variable room_;
  MemoryBound sealed_;        // what blocks_ holds; guarded by gateMutex_
  bool gateBlocking_ = true;  // guarded by gateMutex_

  std::atomic<std::int64_t> sealedThrough_{0};  // the last block boundary sealed
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace rill::detail
