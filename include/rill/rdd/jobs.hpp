#pragma once
// Running a job's tasks where their partitions live. Every partition has an
// owning rank (RDDNode::owner); each rank runs the tasks of the partitions it
// owns, in parallel on its executor, then agrees with the other ranks on
// failure, so a task that throws on one rank makes the job throw on every rank;
// the same collective carries the accumulators' updates and, for an action, the
// per-partition results: every rank holds every result and combines them in
// partition order, exactly as one process does.
// With one rank (the default) nothing is serialised and nothing exchanged.
//
// `tag` names the operation (Spark's name: "collect", "reduceByKey"); every
// collective carries it, so ranks that run different operations fail naming both.
#include <rill/core/runtime.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/exec/task_ref.hpp>
#include <rill/exec/wire.hpp>
#include <rill/rdd/accumulator_registry.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/node.hpp>

#include <cstddef>
#include <exception>
#include <string_view>
#include <utility>
#include <vector>

namespace rill::detail {

/// The rank owning each partition in [from, to) of `rdd` on `ranks` ranks:
/// entry i is partition from + i's.
template <class R>
std::vector<std::size_t> partitionOwners(const R& rdd, std::size_t ranks, std::size_t from, std::size_t to) {
  std::vector<std::size_t> owners(to - from);
  for (std::size_t i = 0; i < owners.size(); ++i) owners[i] = rdd.owner(from + i, ranks);
  return owners;
}
template <class R>
std::vector<std::size_t> partitionOwners(const R& rdd, std::size_t ranks) {
  return partitionOwners(rdd, ranks, 0, rdd.numPartitions());
}

/// The entries i of `owners` that are `rank`, ascending.
RILL_RUNTIME std::vector<std::size_t> ownedEntries(const std::vector<std::size_t>& owners, std::size_t rank);

/// The partitions in [from, to) of `rdd` that this rank owns, ascending.
template <class R>
std::vector<std::size_t> ownedPartitions(const R& rdd, const exec::Cluster& cluster, std::size_t from,
                                         std::size_t to) {
  std::vector<std::size_t> owned = ownedEntries(partitionOwners(rdd, cluster.size(), from, to), cluster.rank());
  for (std::size_t& p : owned) p += from;
  return owned;
}

/// The agreement that ends a job on several ranks: it carries every rank's
/// accumulator updates (accumulator_registry.hpp), which every rank merges, also
/// when a task failed somewhere, and every rank's `results` bytes, which it
/// returns in rank order once no rank failed; else the agreed failure is thrown.
RILL_RUNTIME std::vector<exec::Bytes> agreeOnJob(SparkContext& sc, std::string_view tag, std::exception_ptr failure,
                                                 exec::Bytes results = {});

/// agreeOnJob riding on an allToAll: send[j] goes to rank j, and this rank's
/// accumulator updates and failure go to every rank with it. Returns what each
/// rank sent here, in rank order, once no rank failed; else the agreed failure
/// is thrown (the data are then never read).
RILL_RUNTIME std::vector<exec::Bytes> exchangeOnJob(SparkContext& sc, std::string_view tag, std::exception_ptr failure,
                                                    std::vector<exec::Bytes> send);

/// With several ranks: runs work() (this rank's tasks of a job), then
/// agreeOnJob: a task that throws on one rank makes the job throw on every
/// rank, once every rank has its accumulators.
template <class Work>
void runRankJob(SparkContext& sc, std::string_view tag, Work&& work) {
  agreeOnJob(sc, tag, exec::failureOf(work));
}

/// Runs fn(p) for every partition p of `rdd` this rank owns on the context's
/// executor, and returns the failure for the collective that ends the job.
template <class R, class Fn>
std::exception_ptr runOwnedTasks(const R& rdd, Fn&& fn) {
  return exec::failureOf([&] {
    const auto owned = ownedPartitions(rdd, clusterOf(rdd.context()), 0, rdd.numPartitions());
    executorOf(rdd.context()).runTasks(owned.size(), [&](std::size_t i) { fn(owned[i]); });
  });
}

/// Runs fn(p) for every partition p of `rdd` this rank owns (every partition with
/// one rank) on the context's executor. An RDD without partitions still submits
/// its (empty) job, so a stopped context refuses it as Spark's runJob does.
template <class R, class Fn>
void forEachPartition(const R& rdd, std::string_view tag, Fn&& fn) {
  SparkContext& sc = rdd.context();
  if (clusterOf(sc).size() == 1) {
    executorOf(sc).runTasks(rdd.numPartitions(), fn);
    return;
  }
  agreeOnJob(sc, tag, runOwnedTasks(rdd, fn));
}

/// Runs prepare(), then fn(r) for r in [0, n) that this rank owns by block
/// placement (the partitions a shuffle produced here), in parallel on the
/// context's executor: one job, so one agreement covers both (a shuffle decodes
/// what the other ranks sent in prepare).
template <class Prepare, class Fn>
void forEachTarget(SparkContext& sc, std::string_view tag, std::size_t n, Prepare&& prepare, Fn&& fn) {
  if (n == 0) return;
  exec::Cluster& cluster = clusterOf(sc);
  if (cluster.size() == 1) {
    prepare();
    executorOf(sc).runTasks(n, fn);
    return;
  }
  const Block mine = ownedBlock(cluster.rank(), n, cluster.size());
  runRankJob(sc, tag, [&] {
    prepare();
    executorOf(sc).runTasks(mine.last - mine.first, [&](std::size_t i) { fn(mine.first + i); });
  });
}
template <class Fn>
void forEachTarget(SparkContext& sc, std::string_view tag, std::size_t n, Fn&& fn) {
  forEachTarget(sc, tag, n, [] {}, fn);
}

template <class MakeSink>
using sink_result_t = decltype(std::declval<decltype(std::declval<MakeSink&>()(std::size_t{}))&&>().result());

/// Runs this rank's partitions of `rdd`, each into the sink make(p) returns, and
/// gives back one result per partition (sink.result()); the slots of partitions
/// other ranks own stay default-constructed.
template <class R, class MakeSink>
auto runOwnedPartitions(const R& rdd, std::string_view tag, MakeSink&& make) {
  std::vector<sink_result_t<MakeSink>> results(rdd.numPartitions());
  forEachPartition(rdd, tag, [&](std::size_t p) {
    auto sink = make(p);
    rdd.runPartition(p, sink);
    results[p] = std::move(sink).result();
  });
  return results;
}

/// How per-partition results of one type cross ranks: `results` is a
/// std::vector<Result>, `i` an index into it. The result type enters only here,
/// so shareResults, the rest of the protocol, is compiled once.
struct ResultCodec {
  void (*encode)(exec::Bytes& out, const void* results, std::size_t i, std::string_view tag);
  void (*decode)(std::string_view frame, void* results, std::size_t i, std::string_view tag);
};

template <class Result>
inline constexpr ResultCodec resultCodec{
    [](exec::Bytes& out, const void* results, std::size_t i, std::string_view tag) {
      exec::appendFrame(out, (*static_cast<const std::vector<Result>*>(results))[i], tag);
    },
    [](std::string_view frame, void* results, std::size_t i, std::string_view tag) {
      (*static_cast<std::vector<Result>*>(results))[i] = exec::readWire<Result>(frame, tag);
    }};

/// With several ranks: runs run(i) for every entry i of `owners` that is this
/// rank, each filling results[i], then sends those results to every rank with
/// the job's agreement, so every rank ends with every entry of `results` filled.
RILL_RUNTIME void shareResults(SparkContext& sc, std::string_view tag, const std::vector<std::size_t>& owners,
                               exec::TaskRef run, const ResultCodec& codec, void* results);

/// runOwnedPartitions over partitions [from, to) only, with every rank then
/// holding every partition's result: each rank sends the results of the
/// partitions it owns, in order, to all with the job's agreement.
template <class R, class MakeSink>
auto runPartitions(const R& rdd, std::string_view tag, std::size_t from, std::size_t to, MakeSink&& make) {
  using Result = sink_result_t<MakeSink>;
  std::vector<Result> results(to - from);
  SparkContext& sc = rdd.context();
  exec::Cluster& cluster = clusterOf(sc);
  const auto runOne = [&](std::size_t i) {
    auto sink = make(from + i);
    rdd.runPartition(from + i, sink);
    results[i] = std::move(sink).result();
  };
  if (cluster.size() == 1)
    executorOf(sc).runTasks(to - from, runOne);
  else
    shareResults(sc, tag, partitionOwners(rdd, cluster.size(), from, to), runOne, resultCodec<Result>, &results);
  return results;
}

/// Every partition's result on every rank (Spark's runJob): the per-partition
/// half of an action, which then combines the results in partition order.
template <class R, class MakeSink>
auto runPerPartition(const R& rdd, std::string_view tag, MakeSink&& make) {
  return runPartitions(rdd, tag, 0, rdd.numPartitions(), make);
}

#if RILL_RUNTIME_BODIES

// This rank's accumulator updates since the last job; a failure to take them
// becomes the job's, if it has none.
RILL_RUNTIME exec::Bytes takeAccumulatorUpdates(SparkContext& sc, std::exception_ptr& failure) {
  try {
    return accumulatorsOf(sc).takePending();
  } catch (...) {
    if (!failure) failure = std::current_exception();
    return {};
  }
}
// Merges every rank's accumulator updates (each payload's trailer), also when
// a rank failed, then throws the agreed failure or returns the payloads.
RILL_RUNTIME std::vector<exec::Bytes> settleJob(SparkContext& sc, exec::Agreement agreed) {
  std::vector<exec::Bytes> updates;
  for (exec::Bytes& rank : agreed.payloads) updates.push_back(exec::takeTrailer(rank));
  accumulatorsOf(sc).mergePending(updates);
  agreed.rethrow();
  return std::move(agreed.payloads);
}

RILL_RUNTIME std::vector<exec::Bytes> agreeOnJob(SparkContext& sc, std::string_view tag, std::exception_ptr failure,
                                                 exec::Bytes results) {
  const exec::Bytes pending = takeAccumulatorUpdates(sc, failure);
  exec::Bytes payload = failure ? exec::Bytes() : std::move(results);  // a failed job's are never read
  exec::appendTrailer(payload, pending);
  return settleJob(sc, clusterOf(sc).agree(tag, failure, std::move(payload)));
}

RILL_RUNTIME std::vector<std::size_t> ownedEntries(const std::vector<std::size_t>& owners, std::size_t rank) {
  std::vector<std::size_t> owned;
  for (std::size_t i = 0; i < owners.size(); ++i)
    if (owners[i] == rank) owned.push_back(i);
  return owned;
}

RILL_RUNTIME void shareResults(SparkContext& sc, std::string_view tag, const std::vector<std::size_t>& owners,
                               exec::TaskRef run, const ResultCodec& codec, void* results) {
  const std::size_t rank = clusterOf(sc).rank();
  exec::Bytes mine;
  std::exception_ptr failure = exec::failureOf([&] {
    const std::vector<std::size_t> owned = ownedEntries(owners, rank);
    executorOf(sc).runTasks(owned.size(), [&](std::size_t k) { run(owned[k]); });
    for (const std::size_t i : owned) codec.encode(mine, results, i, tag);
  });
  const std::vector<exec::Bytes> all = agreeOnJob(sc, tag, std::move(failure), std::move(mine));
  for (std::size_t s = 0; s < all.size(); ++s) {
    if (s == rank) continue;
    exec::FrameReader in(all[s]);
    for (std::size_t i = 0; i < owners.size(); ++i)
      if (owners[i] == s) codec.decode(in.next(), results, i, tag);
  }
}

RILL_RUNTIME std::vector<exec::Bytes> exchangeOnJob(SparkContext& sc, std::string_view tag, std::exception_ptr failure,
                                                    std::vector<exec::Bytes> send) {
  const exec::Bytes pending = takeAccumulatorUpdates(sc, failure);
  for (exec::Bytes& to : send) {
    if (failure) exec::Bytes().swap(to);  // a failed job's data are never read
    exec::appendTrailer(to, pending);
  }
  return settleJob(sc, clusterOf(sc).agreeAllToAll(tag, failure, std::move(send)));
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
