// EXPECT: rill: checkpoint(interval) saves this DStream's batches, so its element type must be serialisable
// Asking to checkpoint a stream whose state has no serialisation (the same
// state without checkpoint(interval) compiles; see test_checkpoint_recovery).
#include <rill/stream/streaming_context.hpp>

#include <chrono>
#include <optional>
#include <utility>
#include <vector>

struct Visit {  // no serialize function
  int clicks = 0;
};

void define(rill::StreamingContext& ssc, std::shared_ptr<rill::RDDQueue<std::pair<int, int>>> queue) {
  ssc.queueStream(queue)
      .updateStateByKey([](const std::vector<int>& v, std::optional<Visit> s) {
        Visit out = s.value_or(Visit{});
        out.clicks += static_cast<int>(v.size());
        return std::optional<Visit>(out);
      })
      .checkpoint(rill::Seconds(10));
}
