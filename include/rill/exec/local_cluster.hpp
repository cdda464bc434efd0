#pragma once
// A cluster whose ranks are threads of one process, for tests: every test can
// run as P ranks inside one executable, under TSan and ASan too (Thrill's
// RunLocalMock). Ranks meet in shared mailboxes; buffers move between them
// without being copied, and every wait is bounded by the rank's timeout.
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/exec/start_thread.hpp>

#include <chrono>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill::exec {

namespace detail {

/// The mailboxes of one in-process cluster. A collective has two phases:
/// gathering (each rank deposits its id and buffers, the last one to arrive
/// closes the phase) and reading (each rank takes what is addressed to it; the
/// last one to finish reopens gathering for the next collective).
class LocalHub {
 public:
  struct Box {
    CollectiveId id;
    std::vector<Bytes> payload;
    bool arrived = false;
  };

  explicit LocalHub(std::size_t size) : boxes_(size), left_(size, false) {}

  std::size_t size() const { return boxes_.size(); }

  /// Deposits `payload` as `rank`'s part of collective `id`, waits for every
  /// rank, checks that they all called the same collective, and returns
  /// read(boxes): every box stays unchanged until every rank has read.
  template <class Read>
  std::invoke_result_t<Read&, std::span<Box>> collective(std::size_t rank, const CollectiveId& id,
                                                         std::vector<Bytes> payload,
                                                         std::chrono::milliseconds timeout, Read read) {
    arrive(rank, id, std::move(payload), timeout);
    std::exception_ptr error;
    std::invoke_result_t<Read&, std::span<Box>> result{};
    try {
      std::vector<CollectiveId> ids;
      ids.reserve(size());
      for (const Box& b : boxes_) ids.push_back(b.id);
      checkSameCollective(ids);
      result = read(std::span<Box>(boxes_));
    } catch (...) {
      error = std::current_exception();
    }
    depart();
    if (error) std::rethrow_exception(error);
    return result;
  }

  /// `rank` will call no more collectives: ranks waiting for it fail now
  /// instead of at their timeout.
  void leave(std::size_t rank) {
    std::lock_guard lock(m_);
    left_[rank] = true;
    cv_.notify_all();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<Box> boxes_;  // written while gathering, under m_; read-only while reading
  std::vector<bool> left_;
  std::size_t arrived_ = 0;
  std::size_t departed_ = 0;
  bool gathering_ = true;
  std::string broken_;  // why this cluster can run no more collectives

  void arrive(std::size_t rank, const CollectiveId& id, std::vector<Bytes> payload,
              std::chrono::milliseconds timeout) {
    const auto deadline = deadlineAfter(timeout);
    std::unique_lock lock(m_);
    // Ranks still reading the previous collective's boxes finish without blocking.
    if (!cv_.wait_until(lock, deadline, [&] { return gathering_ || !broken_.empty(); }))
      breakWith(collectiveTimeoutMessage(id, rank, "a rank still reading the previous collective", timeout));
    throwIfBroken();
    boxes_[rank] = Box{id, std::move(payload), true};
    if (++arrived_ == size()) {
      gathering_ = false;
      cv_.notify_all();
      return;
    }
    const bool complete = cv_.wait_until(lock, deadline, [&] {
      return !gathering_ || !broken_.empty() || !missingRanks(true).empty();
    });
    if (!gathering_) return;  // every rank arrived: read, even if a rank has left since
    throwIfBroken();
    if (const std::string gone = missingRanks(true); !gone.empty())
      breakWith(rill::detail::message(
          {"rill: collective ", id.describe(), " on rank ", rank, ": ", gone, " finished without reaching it"}));
    if (!complete) breakWith(collectiveTimeoutMessage(id, rank, missingRanks(false), timeout));
  }

  void depart() {
    std::lock_guard lock(m_);
    if (++departed_ < size()) return;
    for (Box& b : boxes_) b = Box{};
    arrived_ = departed_ = 0;
    gathering_ = true;
    cv_.notify_all();
  }

  /// "rank 2" or "ranks 1, 3": the ranks that have not arrived (only those that left, if `leftOnly`).
  std::string missingRanks(bool leftOnly) const {
    std::string names;
    std::size_t count = 0;
    for (std::size_t r = 0; r < size(); ++r) {
      if (boxes_[r].arrived || (leftOnly && !left_[r])) continue;
      names += rill::detail::message({count++ == 0 ? "" : ", ", r});
    }
    return count == 0 ? std::string() : rill::detail::message({count == 1 ? "rank " : "ranks ", names});
  }

  [[noreturn]] void breakWith(std::string why) {
    broken_ = std::move(why);
    cv_.notify_all();
    throw SparkException(broken_);
  }
  void throwIfBroken() const {
    if (!broken_.empty()) throw SparkException(broken_);
  }
};

}  // namespace detail

/// One rank's handle on an in-process cluster.
class LocalCluster final : public Cluster {
 public:
  LocalCluster(std::shared_ptr<detail::LocalHub> hub, std::size_t rank) : hub_(std::move(hub)), rank_(rank) {
    if (rank_ >= hub_->size())
      throw std::invalid_argument(
          rill::detail::message({"rill: rank ", rank_, " of an in-process cluster of ", hub_->size(), " ranks"}));
  }
  ~LocalCluster() override { hub_->leave(rank_); }

  std::size_t rank() const override { return rank_; }
  std::size_t size() const override { return hub_->size(); }

 protected:
  using Boxes = std::span<detail::LocalHub::Box>;

  std::vector<Bytes> doAllToAll(const CollectiveId& id, std::vector<Bytes> send) override {
    // Rank r takes element r of every box: no two ranks touch the same buffer.
    return hub_->collective(rank_, id, std::move(send), currentTimeout(), [&](Boxes boxes) {
      std::vector<Bytes> received(boxes.size());
      for (std::size_t i = 0; i < boxes.size(); ++i) received[i] = std::move(boxes[i].payload[rank_]);
      return received;
    });
  }
  std::vector<Bytes> doAllGather(const CollectiveId& id, Bytes mine) override {
    return hub_->collective(rank_, id, onlyRank(std::move(mine)), currentTimeout(), [](Boxes boxes) {
      std::vector<Bytes> all(boxes.size());
      for (std::size_t i = 0; i < boxes.size(); ++i) all[i] = boxes[i].payload[0];
      return all;
    });
  }
  Bytes doBroadcast(const CollectiveId& id, Bytes data) override {
    std::vector<Bytes> payload = rank_ == id.root ? onlyRank(std::move(data)) : std::vector<Bytes>();
    return hub_->collective(rank_, id, std::move(payload), currentTimeout(),
                            [&](Boxes boxes) { return boxes[id.root].payload[0]; });
  }
  void doBarrier(const CollectiveId& id) override {
    hub_->collective(rank_, id, {}, currentTimeout(), [](Boxes) { return true; });
  }

 private:
  std::shared_ptr<detail::LocalHub> hub_;
  std::size_t rank_;
};

/// Runs fn(cluster) on `ranks` threads, each with its own Cluster handle of one
/// in-process cluster whose collectives wait at most `timeout`. Returns when
/// every rank has returned; rethrows the exception of the lowest rank that threw.
template <class F>
  requires std::invocable<F&, Cluster&>
void runLocalCluster(std::size_t ranks, F fn, std::chrono::milliseconds timeout = kDefaultClusterTimeout) {
  if (ranks == 0) throw std::invalid_argument("rill: runLocalCluster needs at least one rank");
  auto hub = std::make_shared<detail::LocalHub>(ranks);
  std::vector<std::exception_ptr> errors(ranks);
  std::vector<std::thread> threads;
  threads.reserve(ranks);
  auto runRank = [&](std::size_t r) {
    try {
      LocalCluster cluster(hub, r);  // its destructor tells waiting ranks that r is gone
      cluster.setTimeout(timeout);
      fn(cluster);
    } catch (...) {
      errors[r] = std::current_exception();
    }
  };
  try {
    for (std::size_t r = 0; r < ranks; ++r) threads.push_back(startThread([&runRank, r] { runRank(r); }));
  } catch (...) {  // no thread for the remaining ranks: the started ones must not wait for them
    for (std::size_t r = threads.size(); r < ranks; ++r) hub->leave(r);
    for (std::thread& t : threads) t.join();
    throw;
  }
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace rill::exec
