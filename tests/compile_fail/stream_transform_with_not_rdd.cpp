// EXPECT: rill: transformWith(other, f) needs f to return an RDD (or an RDD chain)
// DStream::transformWith with a function that returns a number, not an RDD.
#include <rill/stream/streaming_context.hpp>

#include <memory>

void define(rill::StreamingContext& ssc, std::shared_ptr<rill::RDDQueue<int>> queue) {
  auto s = ssc.queueStream(queue);
  s.transformWith(s, [](const auto& a, const auto& b, rill::Time) { return a.count() + b.count(); });
}
