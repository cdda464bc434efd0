// EXPECT: rill: transform(f) needs f to return an RDD (or an RDD chain)
// DStream::transform with a function that returns a count, not an RDD.
#include <rill/stream/streaming_context.hpp>

#include <memory>

void define(rill::StreamingContext& ssc, std::shared_ptr<rill::RDDQueue<int>> queue) {
  ssc.queueStream(queue).transform([](const auto& rdd) { return rdd.count(); });
}
