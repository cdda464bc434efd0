#pragma once
// MpiCluster: rill's collectives over MPI, one rank per process (launched with
// mpirun or srun; without a launcher the program runs as one rank). The only
// file that includes <mpi.h>.
//
// Every MPI call, from MPI_Init_thread to MPI_Finalize, is made by one thread
// of its own (MPI_THREAD_SERIALIZED is requested, so a program may use MPI
// itself when rill is not): MPI libraries are at their most reliable with one
// calling thread, and rill's worker threads never block inside MPI. Waits use
// non-blocking calls polled with sleeps growing to 1 ms, so a rank waiting for
// a slower one does not spin a core, and every wait is bounded by the cluster's
// timeout. Only MPI 3.1 calls are used (OpenMPI and MPICH both work).
//
// A collective first exchanges fixed-size headers (MPI_Ialltoall): each rank's
// collective id, so mismatched operations fail on every rank alike, and its
// byte counts, so every rank plans the same rounds. The data follows in rounds
// that keep every count and datatype size within an int.
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/exec/huge_pages.hpp>
#include <rill/exec/large_blocks.hpp>

// rill uses MPI's C interface; the deprecated C++ bindings only cost compile time
// (and warnings).
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
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

namespace rill::mpi {

using exec::Bytes;

/// MPI counts, displacements and datatype sizes are ints: no round of a
/// collective may move more bytes in or out of one rank (the default).
inline constexpr std::size_t kMaxRoundBytes = INT_MAX;

namespace detail {

[[noreturn]] inline void fail(std::string why) { throw SparkException(std::move(why)); }

RILL_RUNTIME void check(int rc, const char* call);

/// What each rank sends every other before a collective's data: who it is and
/// how much data follows, so every rank plans the same rounds.
struct Header {
  exec::CollectiveId id;
  std::uint64_t count = 0;     // bytes for the receiving rank (allToAll), or this rank's / the root's buffer size
  std::uint64_t largest = 0;   // the most this rank sends any one rank
  std::uint64_t roundBytes = 0;  // this rank's round size: every rank plans with the smallest
};
static_assert(std::is_trivially_copyable_v<Header>);

/// Bytes of a `total`-byte buffer that travel in round `round`, each round
/// carrying at most `chunk` bytes of it.
RILL_RUNTIME std::uint64_t roundPart(std::uint64_t total, std::uint64_t round, std::uint64_t chunk);

inline std::uint64_t roundCount(std::uint64_t largest, std::uint64_t chunk) { return (largest + chunk - 1) / chunk; }

/// One round's blocks of bytes, one per peer, each an MPI datatype at an
/// absolute address (used from MPI_BOTTOM): MPI reads the senders' buffers and
/// writes the receivers' in place, where MPI_Alltoallv would need every block
/// copied into one staging buffer and out of another (first touches of fresh
/// memory that cost more than the transfer itself on one machine).
class PeerBlocks {
 public:
  PeerBlocks() = default;
  PeerBlocks(const PeerBlocks&) = delete;
  PeerBlocks& operator=(const PeerBlocks&) = delete;
  ~PeerBlocks() { release(); }

  void reset(std::size_t peers);
  /// `bytes` (at most INT_MAX) bytes at `at` for/from `peer` this round.
  void set(std::size_t peer, const char* at, std::uint64_t bytes);
  void release();

  const int* counts() const { return counts_.data(); }
  const int* displs() const { return displs_.data(); }
  const MPI_Datatype* types() const { return types_.data(); }

 private:
  std::vector<MPI_Datatype> types_;
  std::vector<int> counts_;
  std::vector<int> displs_;  // always 0: the types carry the addresses
};

/// Sleeps between polls, from a few microseconds (a partner that is nearly
/// there) up to a millisecond (one that is computing).
class Backoff {
 public:
  void pause();

 private:
  std::chrono::microseconds pause_{4};
};

/// Everything MPI reads or writes during one collective. If a rank times out,
/// MPI may still use these buffers, so they are kept until the job ends.
struct Scratch {
  MPI_Request request = MPI_REQUEST_NULL;
  std::vector<Header> sendHeaders, recvHeaders;
  std::vector<Bytes> sent;      // what this rank sends
  std::vector<Bytes> received;  // what it receives, sized before the data arrives
  PeerBlocks sendBlocks, recvBlocks;
};

/// The RAII environment: the thread that initialises MPI, makes every MPI call
/// and finalises it (or ends the job with MPI_Abort if a collective was
/// abandoned, since MPI_Finalize would wait for it forever).
class MpiThread {
 public:
  MpiThread();
  MpiThread(const MpiThread&) = delete;
  MpiThread& operator=(const MpiThread&) = delete;
  ~MpiThread();

  int rank() const { return rank_; }
  int size() const { return size_; }
  MPI_Comm comm() const { return comm_; }

  /// Runs `job` on the MPI thread and rethrows what it threw.
  void run(const std::function<void()>& job);

  /// From the MPI thread: a collective that will never complete. Its buffers
  /// stay allocated, no further collective may start, and the job ends at exit.
  void abandon(std::unique_ptr<Scratch> scratch, const std::string& why);

 private:
  std::thread thread_;
  std::mutex m_;
  std::condition_variable cv_;
  bool started_ = false;
  std::string startError_;
  const std::function<void()>* job_ = nullptr;
  bool done_ = false;
  std::exception_ptr error_;
  bool stopping_ = false;
  std::string broken_;
  std::vector<std::unique_ptr<Scratch>> abandoned_;
  // written by the MPI thread before started_, read-only afterwards
  bool ownsMpi_ = false;
  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int size_ = 1;

  static std::atomic<bool>& inUse();

  void serve();

  std::string start();

  void finish(const std::string& broken);
};

}  // namespace detail

/// A rill cluster over MPI_COMM_WORLD. Create one at the start of main and
/// keep it for the whole program: MPI can be initialised once per process.
class MpiCluster final : public exec::Cluster {
 public:
  /// Also fixes the C heap's mmap threshold (exec/large_blocks.hpp): a rank's
  /// memory then stays what one shuffle needs however many it runs.
  MpiCluster() { exec::returnLargeBlocksWhenFreed(); }

  std::size_t rank() const override { return static_cast<std::size_t>(mpi_.rank()); }
  std::size_t size() const override { return static_cast<std::size_t>(mpi_.size()); }

  /// The most bytes a rank sends or receives in one MPI call of a collective
  /// (1 to kMaxRoundBytes); larger exchanges take several rounds. Where ranks
  /// set different sizes, a collective runs in rounds of the smallest.
  void setRoundBytes(std::size_t bytes);
  std::size_t roundBytes() const { return roundBytes_; }

 protected:
  RILL_RUNTIME std::vector<Bytes> doAllToAll(const exec::CollectiveId& id, std::vector<Bytes> send) override;
  RILL_RUNTIME std::vector<Bytes> doAllGather(const exec::CollectiveId& id, Bytes mine) override;
  RILL_RUNTIME Bytes doBroadcast(const exec::CollectiveId& id, Bytes data) override;
  RILL_RUNTIME void doBarrier(const exec::CollectiveId& id) override;

 private:
  detail::MpiThread mpi_;
  std::atomic<std::size_t> roundBytes_{kMaxRoundBytes};

  /// One collective in progress on the MPI thread.
  struct Call {
    exec::CollectiveId id;
    std::chrono::milliseconds timeout;
    std::uint64_t roundBytes;
    std::unique_ptr<detail::Scratch> scratch = std::make_unique<detail::Scratch>();
  };

  template <class Body>
  void run(const exec::CollectiveId& id, Body body) {
    const std::chrono::milliseconds timeout = currentTimeout();
    const std::uint64_t roundBytes = roundBytes_.load();
    mpi_.run([&] {
      Call call{id, timeout, roundBytes};  // created and destroyed on the MPI thread (its datatypes are freed there)
      body(call);
    });
  }

  /// Waits for the call's pending request, polling with a back-off until the timeout.
  void await(Call& c);

  /// Sends every rank this rank's id and the byte count meant for it; returns
  /// what each rank sent here once every rank's id is known to be the same.
  const std::vector<detail::Header>& exchangeHeaders(Call& c, const std::vector<std::uint64_t>& countTo);

  /// Per pair at most roundBytes / P per round, so neither the bytes a rank
  /// sends nor those it receives in one round exceed roundBytes.
  std::uint64_t pairChunk(const Call& c) const { return std::max<std::uint64_t>(1, c.roundBytes / size()); }

  std::vector<Bytes> allToAllHere(Call& c, std::vector<Bytes> send);

  std::vector<Bytes> allGatherHere(Call& c, Bytes mine);

  /// Sends sendTotal[j] bytes from from[j] to each rank j and receives into
  /// received[i] the headers[i].count bytes rank i sends here (none from
  /// itself), in as many rounds as the largest pair needs; frees each of
  /// `owned` once all of it is sent.
  void transfer(Call& c, const std::vector<const char*>& from, const std::vector<std::uint64_t>& sendTotal,
                const std::vector<detail::Header>& headers, std::span<Bytes> owned);

  Bytes broadcastHere(Call& c, Bytes data);
};

#if RILL_PART_RUNTIME_BODIES

namespace detail {

RILL_RUNTIME void check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  MPI_Error_string(rc, text, &length);
  fail(rill::detail::message({"rill: ", call, " failed: ", std::string_view(text, static_cast<std::size_t>(length))}));
}

RILL_RUNTIME std::uint64_t roundPart(std::uint64_t total, std::uint64_t round, std::uint64_t chunk) {
  const std::uint64_t start = round * chunk;
  return total > start ? std::min(chunk, total - start) : 0;
}

RILL_RUNTIME void PeerBlocks::reset(std::size_t peers) {
  release();
  types_.assign(peers, MPI_BYTE);
  counts_.assign(peers, 0);
  displs_.assign(peers, 0);
}

RILL_RUNTIME void PeerBlocks::set(std::size_t peer, const char* at, std::uint64_t bytes) {
  if (bytes == 0) return;
  MPI_Aint address = 0;
  check(MPI_Get_address(at, &address), "MPI_Get_address");
  const int length = static_cast<int>(bytes);
  check(MPI_Type_create_hindexed(1, &length, &address, MPI_BYTE, &types_[peer]), "MPI_Type_create_hindexed");
  counts_[peer] = 1;  // from here on release() frees the type
  check(MPI_Type_commit(&types_[peer]), "MPI_Type_commit");
}

RILL_RUNTIME void PeerBlocks::release() {
  for (std::size_t i = 0; i < counts_.size(); ++i)
    if (std::exchange(counts_[i], 0) != 0) MPI_Type_free(&types_[i]);
}

RILL_RUNTIME void Backoff::pause() {
  std::this_thread::sleep_for(pause_);
  pause_ = std::min(pause_ * 2, std::chrono::microseconds(1000));
}

RILL_RUNTIME MpiThread::MpiThread() {
  if (inUse().exchange(true)) fail("rill: only one MpiCluster may exist in a process at a time");
  try {
    thread_ = std::thread([this] { serve(); });
  } catch (...) {
    inUse() = false;
    throw;
  }
  std::unique_lock lock(m_);
  cv_.wait(lock, [&] { return started_; });
  if (!startError_.empty()) {
    lock.unlock();
    thread_.join();
    inUse() = false;
    fail(startError_);
  }
}

RILL_RUNTIME MpiThread::~MpiThread() {
  {
    std::lock_guard lock(m_);
    stopping_ = true;
    cv_.notify_all();
  }
  thread_.join();
  inUse() = false;
}

RILL_RUNTIME void MpiThread::run(const std::function<void()>& job) {
  std::unique_lock lock(m_);
  if (!broken_.empty()) fail(broken_);
  job_ = &job;
  done_ = false;
  cv_.notify_all();
  cv_.wait(lock, [&] { return done_; });  // the job's own waits are bounded
  if (std::exception_ptr error = std::exchange(error_, nullptr)) {
    lock.unlock();
    std::rethrow_exception(error);
  }
}

RILL_RUNTIME void MpiThread::abandon(std::unique_ptr<Scratch> scratch, const std::string& why) {
  std::lock_guard lock(m_);
  abandoned_.push_back(std::move(scratch));
  broken_ = why;
}

RILL_RUNTIME std::atomic<bool>& MpiThread::inUse() {
  static std::atomic<bool> used{false};
  return used;
}

RILL_RUNTIME void MpiThread::serve() {
  std::string error = start();
  {
    std::lock_guard lock(m_);
    startError_ = error;
    started_ = true;
    cv_.notify_all();
  }
  if (!error.empty()) return;
  std::unique_lock lock(m_);
  for (;;) {
    cv_.wait(lock, [&] { return job_ != nullptr || stopping_; });
    if (!job_) break;
    const std::function<void()>* job = std::exchange(job_, nullptr);
    lock.unlock();
    std::exception_ptr failure;
    try {
      (*job)();
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    error_ = std::move(failure);
    done_ = true;
    cv_.notify_all();
  }
  const std::string broken = broken_;
  lock.unlock();
  finish(broken);
}

RILL_RUNTIME std::string MpiThread::start() {
  int initialized = 0, finalized = 0, provided = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (finalized) return "rill: MPI was already finalised in this process (keep one MpiCluster for the whole program)";
  if (!initialized) {
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
      return "rill: MPI_Init_thread failed";
    ownsMpi_ = true;
  } else {
    MPI_Query_thread(&provided);
  }
  if (provided < MPI_THREAD_SERIALIZED) {
    if (ownsMpi_) MPI_Finalize();
    return "rill: the MPI library does not support MPI_THREAD_SERIALIZED, which rill needs";
  }
  MPI_Comm_dup(MPI_COMM_WORLD, &comm_);  // rill's messages never meet the program's own
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  return {};
}

RILL_RUNTIME void MpiThread::finish(const std::string& broken) {
  if (!broken.empty()) {
    std::fprintf(stderr, "rill: ending the MPI job: %s\n", broken.c_str());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  MPI_Comm_free(&comm_);
  if (ownsMpi_) MPI_Finalize();
}

}  // namespace detail

RILL_RUNTIME void MpiCluster::setRoundBytes(std::size_t bytes) {
  if (bytes == 0 || bytes > kMaxRoundBytes)
    throw std::invalid_argument(
        rill::detail::message({"rill: MpiCluster round size must be 1 to ", kMaxRoundBytes, " bytes, got ", bytes}));
  roundBytes_ = bytes;
}

RILL_RUNTIME std::vector<Bytes> MpiCluster::doAllToAll(const exec::CollectiveId& id, std::vector<Bytes> send) {
  std::vector<Bytes> out;
  run(id, [&](Call& c) { out = allToAllHere(c, std::move(send)); });
  return out;
}

RILL_RUNTIME std::vector<Bytes> MpiCluster::doAllGather(const exec::CollectiveId& id, Bytes mine) {
  std::vector<Bytes> out;
  run(id, [&](Call& c) { out = allGatherHere(c, std::move(mine)); });
  return out;
}

RILL_RUNTIME Bytes MpiCluster::doBroadcast(const exec::CollectiveId& id, Bytes data) {
  Bytes out;
  run(id, [&](Call& c) { out = broadcastHere(c, std::move(data)); });
  return out;
}

RILL_RUNTIME void MpiCluster::doBarrier(const exec::CollectiveId& id) {
  run(id, [&](Call& c) { exchangeHeaders(c, std::vector<std::uint64_t>(size(), 0)); });
}

RILL_RUNTIME void MpiCluster::await(Call& c) {
  const auto deadline = exec::deadlineAfter(c.timeout);
  detail::Backoff backoff;
  for (;;) {
    int done = 0;
    detail::check(MPI_Test(&c.scratch->request, &done, MPI_STATUS_IGNORE), "MPI_Test");
    if (done) return;
    if (std::chrono::steady_clock::now() >= deadline) {
      const std::string why = exec::collectiveTimeoutMessage(c.id, rank(), "at least one rank", c.timeout);
      mpi_.abandon(std::move(c.scratch), why);
      detail::fail(why);
    }
    backoff.pause();
  }
}

RILL_RUNTIME const std::vector<detail::Header>& MpiCluster::exchangeHeaders(Call& c,
                                                                            const std::vector<std::uint64_t>& countTo) {
  detail::Scratch& s = *c.scratch;
  const std::uint64_t largest = countTo.empty() ? 0 : *std::max_element(countTo.begin(), countTo.end());
  s.sendHeaders.clear();
  for (const std::uint64_t count : countTo) s.sendHeaders.push_back(detail::Header{c.id, count, largest, c.roundBytes});
  s.recvHeaders.assign(size(), detail::Header{});
  constexpr int kBytes = sizeof(detail::Header);
  detail::check(MPI_Ialltoall(s.sendHeaders.data(), kBytes, MPI_BYTE, s.recvHeaders.data(), kBytes, MPI_BYTE,
                              mpi_.comm(), &s.request),
                "MPI_Ialltoall");
  await(c);
  std::vector<exec::CollectiveId> ids;
  for (const detail::Header& h : s.recvHeaders) ids.push_back(h.id);
  exec::checkSameCollective(ids);
  // Rounds must pair up: a rank whose round size was set otherwise still plans the same ones.
  for (const detail::Header& h : s.recvHeaders) c.roundBytes = std::min(c.roundBytes, h.roundBytes);
  return s.recvHeaders;
}

RILL_RUNTIME std::vector<Bytes> MpiCluster::allToAllHere(Call& c, std::vector<Bytes> send) {
  detail::Scratch& s = *c.scratch;
  const std::size_t me = rank();
  s.sent = std::move(send);
  std::vector<std::uint64_t> sendTotal(size());
  for (std::size_t j = 0; j < size(); ++j) sendTotal[j] = j == me ? 0 : s.sent[j].size();  // own part stays
  const std::vector<detail::Header>& headers = exchangeHeaders(c, sendTotal);
  std::vector<const char*> from(size());
  for (std::size_t j = 0; j < size(); ++j) from[j] = s.sent[j].data();
  transfer(c, from, sendTotal, headers, s.sent);
  s.received[me] = std::move(s.sent[me]);
  return std::move(s.received);
}

RILL_RUNTIME std::vector<Bytes> MpiCluster::allGatherHere(Call& c, Bytes mine) {
  detail::Scratch& s = *c.scratch;
  const std::size_t me = rank();
  s.sent.assign(1, std::move(mine));
  std::vector<std::uint64_t> sendTotal(size(), s.sent[0].size());
  sendTotal[me] = 0;
  const std::vector<detail::Header>& headers = exchangeHeaders(c, sendTotal);
  transfer(c, std::vector<const char*>(size(), s.sent[0].data()), sendTotal, headers, {});
  s.received[me] = std::move(s.sent[0]);
  return std::move(s.received);
}

RILL_RUNTIME void MpiCluster::transfer(Call& c, const std::vector<const char*>& from,
                                       const std::vector<std::uint64_t>& sendTotal,
                                       const std::vector<detail::Header>& headers, std::span<Bytes> owned) {
  detail::Scratch& s = *c.scratch;
  const std::size_t me = rank();
  std::vector<std::uint64_t> recvTotal(size());
  std::uint64_t largest = 0;
  s.received.assign(size(), Bytes());
  for (std::size_t i = 0; i < size(); ++i) {
    recvTotal[i] = i == me ? 0 : headers[i].count;
    exec::reserveOnHugePages(s.received[i], static_cast<std::size_t>(recvTotal[i]));
    s.received[i].resize(static_cast<std::size_t>(recvTotal[i]));
    largest = std::max(largest, headers[i].largest);  // the same on every rank
  }
  const std::uint64_t chunk = pairChunk(c);
  for (std::uint64_t k = 0, rounds = detail::roundCount(largest, chunk); k < rounds; ++k) {
    s.sendBlocks.reset(size());
    s.recvBlocks.reset(size());
    for (std::size_t j = 0; j < size(); ++j) {
      if (const std::uint64_t n = detail::roundPart(sendTotal[j], k, chunk))
        s.sendBlocks.set(j, from[j] + k * chunk, n);
      if (const std::uint64_t n = detail::roundPart(recvTotal[j], k, chunk))
        s.recvBlocks.set(j, s.received[j].data() + k * chunk, n);
    }
    detail::check(
        MPI_Ialltoallw(MPI_BOTTOM, s.sendBlocks.counts(), s.sendBlocks.displs(), s.sendBlocks.types(), MPI_BOTTOM,
                       s.recvBlocks.counts(), s.recvBlocks.displs(), s.recvBlocks.types(), mpi_.comm(), &s.request),
        "MPI_Ialltoallw");
    await(c);
    s.sendBlocks.release();
    s.recvBlocks.release();
    for (std::size_t j = 0; j < owned.size(); ++j)
      if (j != me && (k + 1) * chunk >= sendTotal[j]) Bytes().swap(owned[j]);  // all of it sent: free it now
  }
}

RILL_RUNTIME Bytes MpiCluster::broadcastHere(Call& c, Bytes data) {
  detail::Scratch& s = *c.scratch;
  const std::size_t root = c.id.root;
  const bool isRoot = rank() == root;
  const std::vector<detail::Header>& headers =
      exchangeHeaders(c, std::vector<std::uint64_t>(size(), isRoot ? data.size() : 0));
  const std::uint64_t total = headers[root].count;
  s.received.assign(1, isRoot ? std::move(data) : Bytes(static_cast<std::size_t>(total), '\0'));
  const std::uint64_t chunk = c.roundBytes;
  for (std::uint64_t k = 0, rounds = detail::roundCount(total, chunk); k < rounds; ++k) {
    detail::check(MPI_Ibcast(s.received[0].data() + k * chunk, static_cast<int>(detail::roundPart(total, k, chunk)),
                             MPI_BYTE, static_cast<int>(root), mpi_.comm(), &s.request),
                  "MPI_Ibcast");
    await(c);
  }
  return std::move(s.received[0]);
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::mpi
