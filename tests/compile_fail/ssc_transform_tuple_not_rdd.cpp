// EXPECT: rill: ssc.transform(streams, f) needs f to return an RDD (or an RDD chain)
// StreamingContext::transform over a tuple of streams with a function that returns a number.
#include <rill/stream/streaming_context.hpp>

#include <memory>
#include <tuple>

void define(rill::StreamingContext& ssc, std::shared_ptr<rill::RDDQueue<int>> queue) {
  ssc.transform(std::tuple(ssc.queueStream(queue), ssc.queueStream(queue)),
                [](const auto& a, const auto& b) { return a.count() + b.count(); });
}
