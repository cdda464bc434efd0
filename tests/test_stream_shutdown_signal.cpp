// spark.streaming.stopGracefullyOnShutdown: with it, SIGTERM and SIGINT stop a
// running StreamingContext gracefully (everything queued is processed), and the
// handlers installed before come back once it has stopped; without it, rill
// installs no handler.
#include "stream_test_support.hpp"

#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <mutex>
#include <vector>

using namespace rill_stream_test;

using Ints = std::vector<std::vector<int>>;

namespace {

std::atomic<int> lastSignal{0};
extern "C" void recordSignal(int sig) { lastSignal = sig; }

/// Installs recordSignal for `sig` for the scope, then puts back what was there
/// (doctest's own handler).
class RecordingHandler {
 public:
  explicit RecordingHandler(int sig) : sig_(sig) {
    struct sigaction mine {};
    mine.sa_handler = recordSignal;
    sigemptyset(&mine.sa_mask);
    ::sigaction(sig_, &mine, &previous_);
    lastSignal = 0;
  }
  ~RecordingHandler() { ::sigaction(sig_, &previous_, nullptr); }
  RecordingHandler(const RecordingHandler&) = delete;
  RecordingHandler& operator=(const RecordingHandler&) = delete;

 private:
  int sig_;
  struct sigaction previous_ {};
};

bool currentHandlerIs(int sig, void (*handler)(int)) {
  struct sigaction now {};
  ::sigaction(sig, nullptr, &now);
  return now.sa_handler == handler;
}

rill::SparkConf gracefulOnShutdown() { return conf().set("spark.streaming.stopGracefullyOnShutdown", "true"); }

}  // namespace

TEST_CASE("SIGTERM or SIGINT stops the context gracefully; the previous handler is back afterwards") {
  for (const int sig : {SIGTERM, SIGINT}) {
    CAPTURE(sig);
    RecordingHandler recording(sig);
    {
      ManualContext m(gracefulOnShutdown());
      auto out = collectBatches(m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2, 3}, {4}})));
      m.ssc.start();
      CHECK(currentHandlerIs(sig, rill::detail::rillOnShutdownSignal));
      m.clock->advance(1s);
      std::raise(sig);
      REQUIRE(m.ssc.awaitTerminationOrTimeout(kSafety));
      // Graceful: the two batches still queued ran, without the clock moving.
      CHECK(out->values() == Ints{{1}, {2, 3}, {4}});
      CHECK(lastSignal == 0);
      CHECK_FALSE(m.sc.isStopped());  // as Spark's shutdown hook: the SparkContext is left to its owner
    }
    CHECK(currentHandlerIs(sig, recordSignal));
    std::raise(sig);
    CHECK(lastSignal == sig);
  }
}

TEST_CASE("the handlers go when the context stops, also when stopped by the program") {
  RecordingHandler recording(SIGTERM);
  ManualContext m(gracefulOnShutdown());
  auto out = collectBatches(m.ssc.queueStream(queueOf(m.sc, Ints{{1}})));
  m.ssc.start();
  CHECK(currentHandlerIs(SIGTERM, rill::detail::rillOnShutdownSignal));
  m.ssc.stop(false);
  CHECK(currentHandlerIs(SIGTERM, recordSignal));
}

TEST_CASE("without the setting, rill leaves SIGTERM alone") {
  RecordingHandler recording(SIGTERM);
  ManualContext m;
  auto out = collectBatches(m.ssc.queueStream(queueOf(m.sc, Ints{{1}, {2}})));
  m.ssc.start();
  CHECK(currentHandlerIs(SIGTERM, recordSignal));
  std::raise(SIGTERM);
  CHECK(lastSignal == SIGTERM);
  CHECK_FALSE(m.ssc.awaitTerminationOrTimeout(0ms));
  m.clock->advance(1s);
  m.ssc.stop(false);
  CHECK(out->values() == Ints{{1}});
}

TEST_CASE("a signal runs the hooks registered when it came, not one added while they run") {
  using rill::detail::ShutdownSignals;
  RecordingHandler recording(SIGTERM);
  std::mutex mutex;
  std::condition_variable changed;
  int firstRuns = 0;
  std::atomic<int> laterRuns{0};
  std::uint64_t later = 0;
  // The first hook registers another one while the watcher is running hooks, as
  // a program that starts a new context when the old one stops.
  const std::uint64_t first = ShutdownSignals::add([&] {
    const std::uint64_t id = ShutdownSignals::add([&] { ++laterRuns; });
    std::lock_guard lock(mutex);
    later = id;
    ++firstRuns;
    changed.notify_all();
  });
  std::raise(SIGTERM);
  {
    std::unique_lock lock(mutex);
    REQUIRE(changed.wait_for(lock, kSafety, [&] { return firstRuns == 1; }));
  }
  // remove() returns once the watcher has gone past the first hook, and the
  // second remove() waits for the later hook if the watcher went on to it.
  ShutdownSignals::remove(first);
  ShutdownSignals::remove(later);
  CHECK(laterRuns == 0);
  CHECK(currentHandlerIs(SIGTERM, recordSignal));
  CHECK(lastSignal == 0);
}
