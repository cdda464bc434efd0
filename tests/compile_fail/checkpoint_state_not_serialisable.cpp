// EXPECT: rill: checkpoint(interval) saves this DStream's batches, so its element type must be serialisable
// Asking to checkpoint a stream whose state has no serialisation (the same
// state without checkpoint(interval) compiles; see test_checkpoint_recovery).
#include <rill/stream/streaming_context.hpp>

#include <chrono>
#include <optional>
#include <utility>
#include <vector>

struct Session {  // no serialize function
  int clicks = 0;
};

void define(rill::StreamingContext& ssc, std::shared_ptr<rill::RDDQueue<std::pair<int, int>>> queue) {
  ssc.queueStream(queue)
      .updateStateByKey([](const std::vector<int>& v, std::optional<Session> s) {
        Session out = s.value_or(Session{});
        out.clicks += static_cast<int>(v.size());
        return std::optional<Session>(out);
      })
      .checkpoint(rill::Seconds(10));
}
