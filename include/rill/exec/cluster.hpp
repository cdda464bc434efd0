#pragma once
// Cluster: everything that crosses processes goes through these few collectives,
// so the rdd and stream layers never see how ranks talk (one process, threads
// in a test, or MPI). Every rank calls the same collectives in the same order
// (SPMD, as Thrill and MPI programs do); each call carries a sequence number and
// the operation's tag, and ranks that disagree fail with a message naming both.
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>
#include <rill/exec/collective.hpp>
#include <rill/exec/failure_bytes.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rill::exec {

/// The bytes one rank sends another: a std::string, the buffer rill's archive
/// (BinaryWriter) writes into, so serialised buckets move in without a copy.
using Bytes = std::string;

/// Appends `field` to `out` with its length after it, so a payload of any size
/// can carry it without being copied to make room in front.
inline void appendTrailer(Bytes& out, std::string_view field) {
  const std::uint64_t n = field.size();
  out.append(field);
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
}

/// Removes the field appendTrailer added last to `in` and returns it.
RILL_RUNTIME Bytes takeTrailer(Bytes& in);

/// What the ranks said in an agreement (Cluster::agree): every rank's payload,
/// in rank order, and the failure of the lowest failing rank as encodeFailure's
/// bytes (empty when no rank failed).
struct Agreement {
  std::vector<Bytes> payloads;
  Bytes failure;
  /// Throws the agreed failure, if any, as agreeOnFailure does.
  void rethrow() const {
    if (!failure.empty()) throwFailure(failure);
  }
};

/// What work() threw, or null when it returned.
template <class Work>
std::exception_ptr failureOf(Work&& work) {
  try {
    work();
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

class Cluster {
 public:
  Cluster() = default;
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;
  virtual ~Cluster() = default;

  virtual std::size_t rank() const = 0;
  virtual std::size_t size() const = 0;
  /// Rank 0, the one that prints (Spark's driver).
  bool isDriver() const { return rank() == 0; }

  /// How long a rank waits in a collective for the others (kClusterTimeoutSetting).
  std::chrono::milliseconds timeout() const {
    std::lock_guard lock(m_);
    return timeout_;
  }
  void setTimeout(std::chrono::milliseconds timeout);

  /// send[j] goes to rank j; returns one buffer per rank, [i] being what rank i sent here.
  std::vector<Bytes> allToAll(std::string_view tag, std::vector<Bytes> send);

  /// Every rank's buffer, in rank order.
  std::vector<Bytes> allGather(std::string_view tag, Bytes mine);

  /// `root`'s data on every rank (the others' `data` is ignored).
  Bytes broadcast(std::string_view tag, std::size_t root, Bytes data);

  /// Returns once every rank has called it.
  void barrier(std::string_view tag);

  /// broadcast of what `root` makes: there make(data) appends the payload to
  /// `data`. When make() throws, `root` rethrows its exception and every other
  /// rank throws it as throwFailure does, instead of waiting for a payload
  /// that never comes.
  template <class Make>
  Bytes broadcastMade(std::string_view tag, std::size_t root, Make&& make) {
    Bytes data;
    const std::exception_ptr failure = rank() == root ? failureOf([&] { make(data); }) : nullptr;
    data = broadcastWithFailure(tag, root, failure, std::move(data));
    if (failure) std::rethrow_exception(failure);
    return data;
  }

  /// Every rank passes its own failure (null if none). If any rank failed, every
  /// rank throws the failure of the lowest failing rank: rill's and the standard
  /// exception types keep their type and message, any other type becomes
  /// SparkException("<type>: <message>"), on every rank including the one that failed.
  void agreeOnFailure(std::string_view tag, const std::exception_ptr& failure) {
    agree(tag, failure, {}).rethrow();
  }

  /// agreeOnFailure carrying a payload from every rank in the same collective:
  /// every rank gets every rank's payload, also when one failed, and throws the
  /// agreed failure with rethrow() once it has used them.
  Agreement agree(std::string_view tag, const std::exception_ptr& failure, Bytes payload);

  /// agree riding on an allToAll: send[j] goes to rank j with this rank's failure
  /// appended, and payloads[i] is what rank i sent here. A collective that moves
  /// data can so end a job too (a shuffle's exchange ends its map job).
  Agreement agreeAllToAll(std::string_view tag, const std::exception_ptr& failure, std::vector<Bytes> send);

  /// Runs work(), then, with several ranks, agreeOnFailure(tag, its failure):
  /// work that failed on any rank throws on every rank, so no rank goes on to
  /// a collective the failed one will never reach. With one rank, work()'s own
  /// exception propagates as it is.
  template <class Work>
  void runAndAgree(std::string_view tag, Work&& work) {
    if (size() == 1) {
      work();
      return;
    }
    agreeOnFailure(tag, failureOf(work));
  }

 protected:
  // Called with one rank's collectives serialised, and only when size() > 1.
  virtual std::vector<Bytes> doAllToAll(const CollectiveId& id, std::vector<Bytes> send) = 0;
  virtual std::vector<Bytes> doAllGather(const CollectiveId& id, Bytes mine) = 0;
  virtual Bytes doBroadcast(const CollectiveId& id, Bytes data) = 0;
  virtual void doBarrier(const CollectiveId& id) = 0;

  /// For implementations, inside a do* call (the caller holds the lock).
  std::chrono::milliseconds currentTimeout() const { return timeout_; }

  /// allGather's answer on a cluster of one.
  static std::vector<Bytes> onlyRank(Bytes mine) {
    std::vector<Bytes> all(1);
    all[0] = std::move(mine);
    return all;
  }

 private:
  // An agreement from what every rank sent, each ending with its failure.
  static Agreement agreed(std::vector<Bytes> payloads);

  // broadcastMade's collective: `root`'s data, or its failure thrown on every other rank.
  Bytes broadcastWithFailure(std::string_view tag, std::size_t root, const std::exception_ptr& failure, Bytes data);

  CollectiveId next(CollectiveKind kind, std::string_view tag, std::size_t root) {
    return CollectiveId(++sequence_, kind, static_cast<std::uint32_t>(root), tag);
  }

  // One collective at a time per rank: two threads of one rank calling
  // collectives concurrently could pair them differently on different ranks.
  mutable std::mutex m_;
  std::uint64_t sequence_ = 0;
  std::chrono::milliseconds timeout_ = kDefaultClusterTimeout;
};

/// The default: one process, rank 0 of 1. Every collective returns its input.
class SingleProcessCluster final : public Cluster {
 public:
  std::size_t rank() const override { return 0; }
  std::size_t size() const override { return 1; }

 protected:
  // Never called: Cluster answers every collective of a single rank itself.
  std::vector<Bytes> doAllToAll(const CollectiveId&, std::vector<Bytes> send) override { return send; }
  std::vector<Bytes> doAllGather(const CollectiveId&, Bytes mine) override { return onlyRank(std::move(mine)); }
  Bytes doBroadcast(const CollectiveId&, Bytes data) override { return data; }
  void doBarrier(const CollectiveId&) override {}
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME Bytes takeTrailer(Bytes& in) {
  std::uint64_t n = 0;
  if (in.size() < sizeof n) throw SparkException("rill: malformed agreement record from another rank");
  std::memcpy(&n, in.data() + in.size() - sizeof n, sizeof n);
  if (n > in.size() - sizeof n) throw SparkException("rill: malformed agreement record from another rank");
  const std::size_t begin = in.size() - sizeof n - static_cast<std::size_t>(n);
  Bytes field = in.substr(begin, static_cast<std::size_t>(n));
  in.resize(begin);
  return field;
}

RILL_RUNTIME std::vector<Bytes> Cluster::allToAll(std::string_view tag, std::vector<Bytes> send) {
  if (send.size() != size())
    throw std::invalid_argument(rill::detail::message(
        {"rill: allToAll '", tag, "' needs one buffer per rank: got ", send.size(), " for ", size(), " ranks"}));
  std::lock_guard lock(m_);
  const CollectiveId id = next(CollectiveKind::allToAll, tag, 0);
  if (size() == 1) return send;
  return doAllToAll(id, std::move(send));
}

RILL_RUNTIME std::vector<Bytes> Cluster::allGather(std::string_view tag, Bytes mine) {
  std::lock_guard lock(m_);
  const CollectiveId id = next(CollectiveKind::allGather, tag, 0);
  if (size() == 1) return onlyRank(std::move(mine));
  return doAllGather(id, std::move(mine));
}

RILL_RUNTIME Bytes Cluster::broadcast(std::string_view tag, std::size_t root, Bytes data) {
  if (root >= size())
    throw std::invalid_argument(
        rill::detail::message({"rill: broadcast '", tag, "' from rank ", root, ", but there are ", size(), " ranks"}));
  std::lock_guard lock(m_);
  const CollectiveId id = next(CollectiveKind::broadcast, tag, root);
  if (size() == 1) return data;
  return doBroadcast(id, std::move(data));
}

RILL_RUNTIME void Cluster::barrier(std::string_view tag) {
  std::lock_guard lock(m_);
  const CollectiveId id = next(CollectiveKind::barrier, tag, 0);
  if (size() > 1) doBarrier(id);
}

RILL_RUNTIME Agreement Cluster::agree(std::string_view tag, const std::exception_ptr& failure, Bytes payload) {
  appendTrailer(payload, failure ? encodeFailure(failure) : Bytes());
  return agreed(allGather(tag, std::move(payload)));
}

RILL_RUNTIME Agreement Cluster::agreeAllToAll(std::string_view tag, const std::exception_ptr& failure,
                                              std::vector<Bytes> send) {
  const Bytes failed = failure ? encodeFailure(failure) : Bytes();
  for (Bytes& to : send) appendTrailer(to, failed);
  return agreed(allToAll(tag, std::move(send)));
}

RILL_RUNTIME Agreement Cluster::agreed(std::vector<Bytes> payloads) {
  Agreement agreed{std::move(payloads), {}};
  for (Bytes& rank : agreed.payloads) {  // in rank order: the lowest failing rank's failure wins
    Bytes failed = takeTrailer(rank);
    if (agreed.failure.empty()) agreed.failure = std::move(failed);
  }
  return agreed;
}

RILL_RUNTIME Bytes Cluster::broadcastWithFailure(std::string_view tag, std::size_t root,
                                                const std::exception_ptr& failure, Bytes data) {
  if (failure) data.clear();
  appendTrailer(data, failure ? encodeFailure(failure) : Bytes());
  Bytes got = broadcast(tag, root, std::move(data));
  const Bytes failed = takeTrailer(got);
  if (!failed.empty() && !failure) throwFailure(failed);
  return got;
}

RILL_RUNTIME void Cluster::setTimeout(std::chrono::milliseconds timeout) {
  if (timeout <= timeout.zero())
    throw std::invalid_argument(
        rill::detail::message({"rill: ", kClusterTimeoutSetting, " must be positive, got ", timeout.count(), " ms"}));
  std::lock_guard lock(m_);
  timeout_ = timeout;
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::exec
