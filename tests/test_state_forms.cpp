// updateStateByKey's other forms (Spark's): the partition form, which gets
// every key of a state partition at once; rememberPartitioner; each with an
// initial RDD. Batch by batch on a manual clock, through a failed update,
// through a checkpoint and getOrCreate restart, and on 2 in-process ranks.
#include "distributed_checkpoint_job.hpp"
#include "stream_test_support.hpp"
#include "window_state_support.hpp"

#include <rill/exec/local_cluster.hpp>
#include <rill/stream/streaming_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace ws_test;
using SI = std::pair<std::string, int>;
using Rows = rill::StateUpdateRows<std::string, int, int>;

namespace {

const Batches<std::string> kInput = {{"a"}, {"a", "b"}, {"a", "b", "c"}, {"a", "b"}, {"a"}, {}};

/// The running word counts of kInput (Spark's updateStateByKey test).
const Batches<SI> kCounts = {{{"a", 1}},
                             {{"a", 2}, {"b", 1}},
                             {{"a", 3}, {"b", 2}, {"c", 1}},
                             {{"a", 4}, {"b", 3}, {"c", 1}},
                             {{"a", 5}, {"b", 3}, {"c", 1}},
                             {{"a", 5}, {"b", 3}, {"c", 1}}};

auto ones() {
  return [](const std::string& w) { return std::pair<std::string, int>(w, 1); };
}

std::optional<int> runningSum(const std::vector<int>& values, std::optional<int> state) {
  int sum = state.value_or(0);
  for (int v : values) sum += v;
  return sum;
}

/// The partition form of runningSum.
std::vector<SI> runningSums(Rows& rows) {
  std::vector<SI> out;
  for (auto& [key, values, state] : rows) out.emplace_back(key, *runningSum(values, state));
  return out;
}

/// The keys each call of a partition function was given, by batch (guarded: tasks call it in parallel).
struct Calls {
  std::mutex mutex;
  std::map<std::int64_t, std::vector<std::vector<std::string>>> keys;
  void add(std::int64_t batch, const Rows& rows) {
    std::vector<std::string> ks;
    for (const auto& row : rows) ks.push_back(std::get<0>(row));
    std::sort(ks.begin(), ks.end());
    std::lock_guard lock(mutex);
    keys[batch].push_back(std::move(ks));
  }
};

}  // namespace

TEST_CASE("partition form: one call per state partition with all its keys; the batches of the per-key form") {
  auto calls = std::make_shared<Calls>();
  auto batch = std::make_shared<std::int64_t>(0);
  auto out = runOperation(
      kInput,
      [calls, batch](auto s) {
        return s.map(ones())
            .transform([batch](const auto& rdd, rill::Time t) {
              *batch = t.milliseconds();  // the scheduler's thread; read by the tasks the batch starts
              return rdd;
            })
            .updateStateByKey(
                [calls, batch](Rows& rows) {
                  calls->add(*batch, rows);
                  return runningSums(rows);
                },
                rill::HashPartitioner<>(2), true);
      },
      6);
  checkSorted(out.batches, kCounts);
  // Every batch calls it once for each of the 2 partitions (also with no keys),
  // each call with keys of its partition only, and every key of the state once.
  const rill::HashPartitioner<> part(2);
  const std::vector<std::size_t> stateSizes = {1, 2, 3, 3, 3, 3};
  REQUIRE(calls->keys.size() == 6);
  std::size_t b = 0;
  for (const auto& entry : calls->keys) {  // not a structured binding: clang 14 cannot capture those
    const std::int64_t t = entry.first;
    const auto& perCall = entry.second;
    CAPTURE(t);
    CHECK(perCall.size() == 2);
    std::size_t keys = 0;
    for (const auto& ks : perCall) {
      keys += ks.size();
      std::set<std::size_t> of;
      for (const auto& k : ks) of.insert(part.getPartition(k));
      CHECK(of.size() <= 1);
    }
    CHECK(keys == stateSizes[b++]);
  }
}

TEST_CASE("partition form: with an initial RDD; S read off the rows, or named for a generic lambda") {
  const Batches<SI> expected = {{{"a", 2}, {"c", 2}},
                                {{"a", 3}, {"b", 1}, {"c", 2}},
                                {{"a", 4}, {"b", 2}, {"c", 3}},
                                {{"a", 5}, {"b", 3}, {"c", 3}},
                                {{"a", 6}, {"b", 3}, {"c", 3}},
                                {{"a", 6}, {"b", 3}, {"c", 3}}};
  auto initialOf = [](auto s) { return s.sparkContext().parallelize(std::vector<SI>{{"a", 1}, {"c", 2}}); };
  auto deduced = runOperation(
      kInput,
      [&](auto s) { return s.map(ones()).updateStateByKey(runningSums, rill::HashPartitioner<>(3), true, initialOf(s)); },
      6);
  checkSorted(deduced.batches, expected);
  // A generic lambda taking the rows by value, returning pairs of other types.
  auto named = runOperation(
      kInput,
      [&](auto s) {
        return s.map(ones()).template updateStateByKey<int>(
            [](auto rows) {
              std::vector<std::pair<std::string, long>> out;
              for (auto& [key, values, state] : rows) out.emplace_back(key, *runningSum(values, state));
              return out;
            },
            2, false, initialOf(s));
      },
      6);
  checkSorted(named.batches, expected);
}

TEST_CASE("partition form: a key left out is removed; keys with neither values nor state are not given") {
  // Keeps a key while it has values; "b" is dropped in the batch after its last values.
  auto out = runOperation(
      kInput,
      [](auto s) {
        return s.map(ones()).updateStateByKey(
            [](const Rows& rows) {
              std::vector<SI> out;
              for (const auto& [key, values, state] : rows)
                if (!values.empty()) out.emplace_back(key, state.value_or(0) + static_cast<int>(values.size()));
              return out;
            },
            rill::HashPartitioner<>(2));
      },
      6);
  checkSorted(out.batches, Batches<SI>{{{"a", 1}},
                                       {{"a", 2}, {"b", 1}},
                                       {{"a", 3}, {"b", 2}, {"c", 1}},
                                       {{"a", 4}, {"b", 3}},
                                       {{"a", 5}},
                                       {}});
}

namespace {

/// The per-batch partitioner of a state stream: whether its RDDs claim one, and the state.
struct Claimed {
  std::vector<bool> partitioned;
  Batches<SI> batches;
};

template <class Op>
Claimed claimed(Op op) {
  rill::SparkContext sc(conf());
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto got = std::make_shared<Claimed>();
  op(scriptedStream<std::string>(ssc, present(kInput)).map(ones())).foreachRDD([got](const auto& rdd) {
    got->partitioned.push_back(rdd.partitioner() != nullptr);
    got->batches.push_back(rdd.collect());
  });
  ssc.start();
  clock->advance(std::chrono::seconds(kInput.size()));
  ssc.stop(false);
  return std::move(*got);
}

}  // namespace

TEST_CASE("rememberPartitioner: the state RDDs keep the partitioner only when true; the state is the same") {
  const std::vector<bool> all(kInput.size(), true), none(kInput.size(), false);
  auto initial = [](auto s) { return s.sparkContext().parallelize(std::vector<SI>{{"z", 9}}); };
  auto withZ = kCounts;
  for (auto& b : withZ) b.emplace_back("z", 9);
  for (const bool remember : {true, false}) {
    CAPTURE(remember);
    const auto& expectedClaims = remember ? all : none;
    auto perKey = claimed([remember](auto s) { return s.updateStateByKey(runningSum, 3, remember); });
    CHECK(perKey.partitioned == expectedClaims);
    checkSorted(perKey.batches, kCounts);
    auto timed = claimed([&](auto s) {
      return s.updateStateByKey(
          [](rill::Time, const std::string&, const std::vector<int>& v, std::optional<int> st) {
            return runningSum(v, st);
          },
          rill::HashPartitioner<>(2), remember, initial(s));
    });
    CHECK(timed.partitioned == expectedClaims);
    checkSorted(timed.batches, withZ);
    auto rows = claimed([remember](auto s) { return s.updateStateByKey(runningSums, 2, remember); });
    CHECK(rows.partitioned == expectedClaims);
    checkSorted(rows.batches, kCounts);
  }
  // The default, as Spark's forms without the argument: remembered.
  CHECK(claimed([](auto s) { return s.updateStateByKey(runningSum); }).partitioned == all);
}

namespace {

/// Key k goes to partition k mod n.
struct IdentityHash {
  std::size_t operator()(int k) const { return static_cast<std::size_t>(k); }
};
using II = std::pair<int, int>;

/// Counts each key's values, and renames key 1 to 2: the renamed state is
/// made in partition 1 of 2, while key 2 belongs to partition 0.
std::vector<II> countAndRename(rill::StateUpdateRows<int, int, int>& rows) {
  std::vector<II> out;
  for (auto& [key, values, state] : rows)
    out.emplace_back(key == 1 ? 2 : key, state.value_or(0) + static_cast<int>(values.size()));
  return out;
}

Batches<II> renamed(bool remember) {
  return runOperation(
             Batches<int>{{1}, {2}, {}},
             [remember](auto s) {
               return s.map([](int k) { return II(k, 1); })
                   .updateStateByKey(countAndRename, rill::HashPartitioner<IdentityHash>(2), remember);
             },
             3)
      .batches;
}

}  // namespace

TEST_CASE("rememberPartitioner with a partition function that changes keys (Spark's rule)") {
  // Remembered: the renamed state stays in partition 1, where the update of
  // key 2's new values (partition 0) does not see it, so key 2 is there twice.
  checkSorted(renamed(true), Batches<II>{{{2, 1}}, {{2, 1}, {2, 1}}, {{2, 1}, {2, 1}}});
  // Not remembered: each batch's state is shuffled by key first, so key 2's
  // state and its new values meet.
  checkSorted(renamed(false), Batches<II>{{{2, 1}}, {{2, 2}}, {{2, 2}}});
}

namespace {
using KB = std::pair<std::string, int>;
const Batches<KB> kNumbered = {{{"a", 1}}, {{"a", 2}, {"b", 2}}, {{"a", 3}, {"c", 3}}, {{"a", 4}}};
using KV = std::pair<std::string, std::vector<int>>;
}  // namespace

TEST_CASE("partition form: a batch whose function throws fails alone; the next batch gives its values first") {
  for (const bool remember : {true, false}) {
    CAPTURE(remember);
    rill::SparkContext sc(conf());
    auto clock = std::make_shared<rill::ManualClock>();
    rill::StreamingContext ssc(sc, 1s, clock);
    auto events = rill_stream_test::record(ssc);
    auto calls = std::make_shared<std::mutex>();
    auto failing = std::make_shared<int>(0);  // the calls of the batch at 2 s to fail
    auto batch = std::make_shared<std::int64_t>(0);
    auto stream = scriptedStream<KB>(ssc, present(kNumbered)).transform([batch](const auto& rdd, rill::Time t) {
      *batch = t.milliseconds();
      return rdd;
    });
    auto out = collect(asDStream(stream.template updateStateByKey<std::vector<int>>(
        [batch](rill::StateUpdateRows<std::string, int, std::vector<int>>& rows) {
          // Takes the values before it throws: what it was given are copies.
          std::vector<KV> next;
          for (auto& [key, values, state] : rows) {
            auto all = std::move(state).value_or(std::vector<int>{});
            all.insert(all.end(), values.begin(), values.end());
            values.clear();
            next.emplace_back(key, std::move(all));
          }
          if (*batch == 2000 && !next.empty()) throw std::runtime_error("no update at 2 s");
          return next;
        },
        2, remember)));
    ssc.start();
    clock->advance(4s);
    ssc.stop(false);
    std::vector<std::string> reasons;
    for (const auto& b : events->completed()) reasons.push_back(b.failureReason.value_or(""));
    REQUIRE(reasons.size() == 4);
    CHECK(reasons[0].empty());
    CHECK(reasons[1].find("no update at 2 s") != std::string::npos);
    CHECK(reasons[2].empty());
    CHECK(reasons[3].empty());
    CHECK(out->times == times({1000, 3000, 4000}));
    checkSorted(out->batches, Batches<KV>{{{"a", {1}}},
                                          {{"a", {1, 2, 3}}, {"b", {2}}, {"c", {3}}},
                                          {{"a", {1, 2, 3, 4}}, {"b", {2}}, {"c", {3}}}});
  }
}

// ---- checkpoints and ranks -------------------------------------------------

namespace {

constexpr std::chrono::milliseconds kTimeout{60'000};
using dc_test::Output;

/// The job: word counts by the partition form (not remembering its
/// partitioner, in 3 partitions) and by the per-key form with time and an
/// initial RDD (not remembering either); each batch recorded sorted, with
/// whether the state claims a partitioner.
void defineJob(rill::DStream<std::string> lines, const std::shared_ptr<std::mutex>& lock,
               const std::shared_ptr<Output>& out) {
  auto pairs = dc_test::words(lines);
  auto record = [lock, out](std::string name) {
    return [lock, out, name](const auto& rdd, rill::Time t) {
      const std::string text = name + "=" + dc_test::sortedText(rdd) + (rdd.partitioner() ? "P " : " ");
      std::lock_guard guard(*lock);
      (*out)[t.milliseconds()] += text;
    };
  };
  pairs.updateStateByKey(runningSums, rill::HashPartitioner<>(3), false).foreachRDD(record("rows"));
  auto initial = lines.sparkContext().parallelize(std::vector<SI>{{"a", 100}, {"q", 7}}, 2);
  pairs
      .updateStateByKey(
          [](rill::Time t, const std::string&, const std::vector<int>& values, std::optional<int> state) {
            const auto batch = static_cast<int>(t.milliseconds() / 1000);
            return std::optional<int>(state.value_or(0) + static_cast<int>(values.size()) * batch);
          },
          2, true, initial)
      .foreachRDD(record("timed"));
}

using dc_test::JobRun;

/// Runs the job on sc, from its checkpoint in dir, through batch `until` (1-based); then drops the context.
JobRun runJob(rill::SparkContext& sc, const std::string& dir, std::int64_t until) {
  return dc_test::runJobOf(defineJob, sc, dir, until, nullptr, kTimeout);
}

rill::SparkConf rankConf(std::size_t threads) {
  return rill::SparkConf().setAppName("rill-state-forms-test").setMaster("local[" + std::to_string(threads) + "]");
}

/// runJob on each of `ranks` in-process ranks of local[threads] (one process when 1), by rank.
std::vector<JobRun> onRanks(std::size_t ranks, std::size_t threads, const std::string& dir, std::int64_t until) {
  std::vector<JobRun> runs(ranks);
  if (ranks == 1) {
    rill::SparkContext sc(rankConf(threads));
    runs[0] = runJob(sc, dir, until);
    return runs;
  }
  rill::exec::runLocalCluster(
      ranks,
      [&](rill::exec::Cluster& cluster) {
        rill::SparkContext sc(rankConf(threads), cluster);
        runs[cluster.rank()] = runJob(sc, dir, until);
      },
      kTimeout);
  return runs;
}

/// The batches of `all` after `from` (ms).
Output after(const Output& all, std::int64_t from) {
  return Output(all.upper_bound(from), all.end());
}

}  // namespace

TEST_CASE("the new forms restart from a checkpoint as one uninterrupted run, in one process and on 2 ranks") {
  const Output expected = onRanks(1, 4, freshDir("state-forms-uninterrupted"), dc_test::kBatches)[0].out;
  REQUIRE(expected.size() == static_cast<std::size_t>(dc_test::kBatches));
  // The first batch, worked out by hand: kInput[0] is "a b a", "c".
  CHECK(expected.at(1000) == "rows=[(a,2), (b,1), (c,1)] timed=[(a,102), (b,1), (c,1), (q,7)]P ");
  for (const std::size_t ranks : {1, 2}) {
    CAPTURE(ranks);
    // Uninterrupted on this many ranks (local[4 / ranks] each): every rank sees one process's batches.
    for (const auto& run : onRanks(ranks, 4 / ranks, freshDir("state-forms-whole"), dc_test::kBatches))
      CHECK(run.out == expected);
    // Killed after batch 4, restarted from its checkpoint.
    const std::string dir = freshDir("state-forms-restart-" + std::to_string(ranks));
    for (const auto& run : onRanks(ranks, 4 / ranks, dir, 4)) CHECK(run.out == Output(expected.begin(), expected.find(5000)));
    for (const auto& run : onRanks(ranks, 4 / ranks, dir, dc_test::kBatches)) {
      CHECK(run.restored == 4000);
      CHECK(run.out == after(expected, 4000));
    }
  }
}
