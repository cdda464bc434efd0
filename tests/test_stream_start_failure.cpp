// A StreamingContext whose input cannot start: start() throws that input's
// error, the inputs started before it are stopped again, and the context is
// stopped (not left ACTIVE with no thread behind it): awaitTermination() and
// stop() return at once, the manual clock moves on, and it cannot start again.
#include <doctest/doctest.h>

#include "stream_test_support.hpp"

#include <rill/exec/local_cluster.hpp>
#include <rill/stream/streaming_context.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

using namespace rill_stream_test;
namespace fs = std::filesystem;

namespace {

/// A receiver that counts its starts and stops.
class Counting final : public rill::Receiver<std::string> {
 public:
  void onStart() override { ++starts; }
  void onStop() override { ++stops; }
  std::atomic<int> starts{0}, stops{0};
};

}  // namespace

TEST_CASE("an input that cannot start: start() throws, the started inputs stop, the context is stopped") {
  rill::SparkContext sc(conf());
  auto clock = std::make_shared<rill::ManualClock>();
  rill::StreamingContext ssc(sc, 1s, clock);
  auto receiver = std::make_shared<Counting>();
  ssc.receiverStream(receiver).print();
  const std::string dir = tmpDir("start-failure");
  ssc.textFileStream(dir).print();
  fs::remove_all(dir);

  CHECK_THROWS_WITH_AS(ssc.start(), ("rill: cannot list directory '" + dir + "': No such file or directory").c_str(),
                       rill::IoError);
  CHECK((ssc.getState() == rill::StreamingContext::State::STOPPED));
  CHECK(receiver->stops == receiver->starts);  // started before the failing input, stopped again
  CHECK(ssc.awaitTerminationOrTimeout(kSafety));
  ssc.awaitTermination();
  clock->advance(3s);  // no scheduler left waiting on the clock
  ssc.stop(false);
  CHECK_THROWS_WITH_AS(ssc.start(), "rill: StreamingContext has already been stopped; create a new one",
                       rill::IllegalStateException);
}

TEST_CASE("on 2 ranks, rank 0's input that cannot start fails start() on both, and both are stopped") {
  const std::string dir = tmpDir("start-failure-ranks");
  std::vector<int> threw(2, 0), stopped(2, 0);
  rill::exec::runLocalCluster(
      2,
      [&](rill::exec::Cluster& cluster) {
        rill::SparkContext sc(conf(), cluster);
        rill::StreamingContext ssc(sc, 1s, std::make_shared<rill::ManualClock>());
        ssc.textFileStream(dir).print();
        cluster.barrier("directory defined");
        if (cluster.isDriver()) fs::remove_all(dir);
        cluster.barrier("directory removed");
        try {
          ssc.start();
        } catch (const std::exception&) {
          threw[cluster.rank()] = 1;
        }
        stopped[cluster.rank()] = ssc.awaitTerminationOrTimeout(kSafety) ? 1 : 0;
      },
      std::chrono::milliseconds(60'000));
  CHECK(threw == std::vector<int>{1, 1});
  CHECK(stopped == std::vector<int>{1, 1});
}
