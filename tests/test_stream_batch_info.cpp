// What BatchInfo says of a batch beyond its totals: the records of each input
// stream (Spark's streamIdToInputInfo) and the keys each state stream holds
// after it (rill's stateKeys, summed over the ranks); and onStreamingStopped,
// once, when the context stops.
#include "recording_cluster.hpp"
#include "stream_test_support.hpp"

#include <rill/exec/local_cluster.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace rill_stream_test;

namespace {

using Keys = std::map<int, std::int64_t>;

class StopRecorder final : public rill::StreamingListener {
 public:
  void onStreamingStopped(rill::Time t) override {
    std::lock_guard lock(mutex_);
    stops_.push_back(t);
  }
  std::vector<rill::Time> stops() const {
    std::lock_guard lock(mutex_);
    return stops_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<rill::Time> stops_;
};

/// State stream 0 (updateStateByKey) counts each number; state stream 1
/// (mapWithState) keeps a number until it comes again, then drops it.
void defineStates(rill::DStream<int> numbers) {
  auto pairs = numbers.map([](int v) { return std::pair<int, int>(v, 1); });
  pairs
      .updateStateByKey<int>([](const std::vector<int>& ones, std::optional<int> n) {
        return std::optional<int>(n.value_or(0) + static_cast<int>(ones.size()));
      })
      .foreachRDD([](const auto& rdd) { (void)rdd.count(); });
  pairs
      .mapWithState(rill::StateSpec::function([](const int&, std::optional<int>, rill::State<int>& st) {
        if (st.exists()) st.remove();
        else st.update(1);
        return 0;
      }))
      .foreachRDD([](const auto& rdd) { (void)rdd.count(); });
}

// Batch 1: 1..6; batch 2: 1, 7, 8 (1 comes again); batch 3: nothing.
const std::vector<std::vector<int>> kBatches = {{1, 2, 3, 4, 5, 6}, {1, 7, 8}, {}};
const std::vector<Keys> kStateKeys = {{{0, 6}, {1, 6}}, {{0, 8}, {1, 7}}, {{0, 8}, {1, 7}}};

}  // namespace

TEST_CASE("streamIdToInputInfo: the records of each input stream in the batch") {
  ManualContext m;
  auto events = record(m.ssc);
  auto a = m.ssc.queueStream(queueOf(m.sc, std::vector<std::vector<int>>{{1, 2, 3}, {}, {4}}));
  auto b = m.ssc.queueStream(queueOf(m.sc, std::vector<std::vector<int>>{{5}, {6, 7}}));
  a.union_(b).foreachRDD([](const auto& rdd) { (void)rdd.count(); });
  m.ssc.start();
  m.clock->setTime(3000);
  m.ssc.stop(false);
  const auto done = events->completed();
  REQUIRE(done.size() == 3);
  using Inputs = std::map<int, rill::StreamInputInfo>;
  CHECK(done[0].streamIdToInputInfo == Inputs{{0, {0, 3}}, {1, {1, 1}}});
  CHECK(done[1].streamIdToInputInfo == Inputs{{0, {0, 0}}, {1, {1, 2}}});
  CHECK(done[2].streamIdToInputInfo == Inputs{{0, {0, 1}}, {1, {1, 0}}});
  CHECK(done[0].numRecords == 4);
  CHECK(events->submitted()[1].streamIdToInputInfo == done[1].streamIdToInputInfo);
  CHECK(done[0].stateKeys.empty());  // no state stream
}

TEST_CASE("stateKeys: the keys each state stream holds after each batch; onStreamingStopped once, at the stop") {
  ManualContext m;
  auto events = record(m.ssc);
  auto stops = std::make_shared<StopRecorder>();
  m.ssc.addStreamingListener(stops);
  defineStates(m.ssc.queueStream(queueOf(m.sc, kBatches)));
  m.ssc.start();
  m.clock->setTime(3000);
  REQUIRE(events->waitUntil([](const Recorder& r) { return r.completed().size() == 3; }));
  CHECK(stops->stops().empty());
  m.clock->setTime(3500);
  m.ssc.stop(false);
  m.ssc.stop(false);
  std::vector<Keys> keys;
  for (const auto& b : events->completed()) keys.push_back(b.stateKeys);
  CHECK(keys == kStateKeys);
  CHECK(events->submitted()[0].stateKeys.empty());  // known once the batch completed
  CHECK(stops->stops() == std::vector<rill::Time>{rill::Time(3500)});
}

TEST_CASE("stateKeys on 2 and 3 ranks: every rank reports the keys of all ranks, summed in the batch end agreement") {
  for (const std::size_t ranks : {2, 3}) {
    CAPTURE(ranks);
    std::vector<std::vector<Keys>> got(ranks);
    std::vector<std::vector<std::string>> tags(ranks);
    rill::exec::runLocalCluster(
        ranks,
        [&](rill::exec::Cluster& inner) {
          cluster_test::RecordingCluster cluster(inner);
          rill::SparkContext sc(conf(2), cluster);
          auto clock = std::make_shared<rill::ManualClock>(0);
          rill::StreamingContext ssc(sc, 1s, clock);
          auto events = record(ssc);
          auto queue = std::make_shared<rill::RDDQueue<int>>();
          defineStates(ssc.queueStream(queue));
          ssc.start();
          if (sc.isDriver()) {
            for (const auto& batch : kBatches) {
              queue->push(sc.fromSlices(batch, 2));
              clock->advance(1s);
            }
            ssc.stop(false);
          } else {
            CHECK(ssc.awaitTerminationOrTimeout(kSafety));
            ssc.stop(false);
          }
          for (const auto& b : events->completed()) got[cluster.rank()].push_back(b.stateKeys);
          tags[cluster.rank()] = cluster.tags();
        },
        std::chrono::milliseconds(60'000));
    for (std::size_t r = 0; r < ranks; ++r) {
      CAPTURE(r);
      CHECK(got[r] == kStateKeys);
      // Without checkpoints, the batch end agreement is a batch's last collective.
      std::size_t ends = 0;
      for (std::size_t i = 0; i < tags[r].size(); ++i)
        if (tags[r][i] == "batch end") {
          ++ends;
          CHECK(i + 1 < tags[r].size());
          if (i + 1 < tags[r].size()) CHECK(tags[r][i + 1] == "stream batch time");
        }
      CHECK(ends == kBatches.size());
    }
  }
}
