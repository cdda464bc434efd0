#pragma once
// The job the checkpoint tests on several ranks run (in-process ranks, and
// processes under mpiexec): a windowed, stateful word count on a queue stream,
// checkpointed, whose batches are recorded as text.
#include <rill/core/show.hpp>
#include <rill/stream/streaming_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dc_test {

using namespace std::chrono_literals;

/// Batch time (ms) -> what the job's output operations saw.
using Output = std::map<std::int64_t, std::string>;

/// The lines of each batch, in order.
inline const std::vector<std::vector<std::string>> kInput = {
    {"a b a", "c"}, {"b b", "d a c", "e"}, {}, {"a", "a a a"}, {"c d e f", "b"}, {"x"}, {"a x", "y y"}, {"b", "c c", "z"}};
inline const std::int64_t kBatches = static_cast<std::int64_t>(kInput.size());

inline auto words(rill::DStream<std::string> lines) {
  return lines
      .flatMap([](const std::string& line) {
        std::vector<std::string> ws;
        std::istringstream in(line);
        for (std::string w; in >> w;) ws.push_back(w);
        return ws;
      })
      .map([](const std::string& w) { return std::pair<std::string, int>(w, 1); });
}

inline std::optional<int> runningSum(const std::vector<int>& values, std::optional<int> state) {
  int sum = state.value_or(0);
  for (int v : values) sum += v;
  return sum;
}

/// The elements of a batch, sorted: the order of a restored state's rows is not
/// the order of an uninterrupted run's.
template <class R>
std::string sortedText(const R& rdd) {
  auto all = rdd.collect();
  std::sort(all.begin(), all.end());
  return rill::toString(all);
}

/// A windowed, stateful job: a window over a union (its batches computed where
/// the union's parents live, not in blocks), incremental and plain windowed
/// reduces, updateStateByKey and mapWithState, all checkpointed.
/// out gets each batch's text (under lock: the scheduler's thread writes it).
inline void defineJob(rill::DStream<std::string> lines, const std::shared_ptr<std::mutex>& lock,
                      const std::shared_ptr<Output>& out) {
  auto pairs = words(lines);
  auto record = [lock, out](std::string name) {
    return [lock, out, name](const auto& rdd, rill::Time t) {
      const std::string text = name + "=" + sortedText(rdd) + " ";
      std::lock_guard guard(*lock);
      (*out)[t.milliseconds()] += text;
    };
  };
  pairs.reduceByKeyAndWindow(std::plus<int>(), 3s, 1s).foreachRDD(record("window"));
  pairs.reduceByKeyAndWindow(std::plus<int>(), std::minus<int>(), 3s, 1s).foreachRDD(record("inverse"));
  pairs.updateStateByKey(runningSum).foreachRDD(record("state"));
  pairs
      .mapWithState(rill::StateSpec::function([](const std::string& key, std::optional<int> value, rill::State<int>& s) {
        const int sum = value.value_or(0) + s.getOption().value_or(0);
        s.update(sum);
        return key + "=" + std::to_string(sum);
      }))
      .foreachRDD(record("mapped"));
  pairs.union_(pairs.map([](const auto& kv) { return std::pair<std::string, int>(kv.first + "'", 2); }))
      .window(2s, 1s)
      .foreachRDD(record("unionWindow"));
}

/// What a run of the job saw.
struct JobRun {
  Output out;
  std::optional<std::int64_t> restored;  // the batch (ms) of the checkpoint it went on from
};

/// Runs the job `define(lines, lock, out)` defines on sc from its checkpoint in
/// dir (getOrCreate; `listener`, when given, is registered by the factory):
/// rank 0 feeds the batches after the restored one up to batch `until`
/// (1-based) and drives its clock there; then, once `beforeStop` has run on
/// rank 0, every rank's context is dropped without a graceful stop, the other
/// ranks when rank 0's stop reaches them (within `timeout`).
template <class Define, class BeforeStop = void (*)()>
JobRun runJobOf(Define define, rill::SparkContext& sc, const std::string& dir, std::int64_t until,
                std::shared_ptr<rill::StreamingListener> listener, std::chrono::milliseconds timeout,
                BeforeStop beforeStop = [] {}) {
  auto clock = std::make_shared<rill::ManualClock>(0);
  auto queue = std::make_shared<rill::RDDQueue<std::string>>();
  auto lock = std::make_shared<std::mutex>();
  auto out = std::make_shared<Output>();
  auto ssc = rill::StreamingContext::getOrCreate(dir, [&] {
    auto made = std::make_unique<rill::StreamingContext>(sc, 1s, clock);
    if (listener) made->addStreamingListener(listener);
    define(made->queueStream(queue), lock, out);
    return made;
  });
  JobRun run;
  if (auto t = ssc->restoredBatchTime()) run.restored = t->milliseconds();
  ssc->start();
  if (sc.isDriver()) {
    for (std::int64_t b = run.restored.value_or(0) / 1000; b < until; ++b) {
      queue->push(sc.fromSlices(kInput[static_cast<std::size_t>(b)], 2));
      clock->setTime((b + 1) * 1000);  // returns once the batch has run, and been checkpointed
    }
    beforeStop();
  } else if (!ssc->awaitTerminationOrTimeout(timeout)) {
    throw std::runtime_error("rank 0 did not stop the job within the timeout");
  }
  ssc.reset();  // a forced stop
  std::lock_guard guard(*lock);
  run.out = *out;
  return run;
}

/// runJobOf the windowed, stateful job above.
template <class BeforeStop = void (*)()>
JobRun runJob(rill::SparkContext& sc, const std::string& dir, std::int64_t until,
              std::shared_ptr<rill::StreamingListener> listener, std::chrono::milliseconds timeout,
              BeforeStop beforeStop = [] {}) {
  return runJobOf(defineJob, sc, dir, until, std::move(listener), timeout, std::move(beforeStop));
}

}  // namespace dc_test
