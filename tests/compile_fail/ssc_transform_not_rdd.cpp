// EXPECT: rill: ssc.transform(streams, f) needs f to return an RDD (or an RDD chain)
// StreamingContext::transform over a vector of streams with a function that returns a vector.
#include <rill/stream/streaming_context.hpp>

#include <memory>
#include <vector>

void define(rill::StreamingContext& ssc, std::shared_ptr<rill::RDDQueue<int>> queue) {
  std::vector<rill::DStream<int>> streams{ssc.queueStream(queue), ssc.queueStream(queue)};
  ssc.transform(streams, [](const std::vector<rill::RDD<int>>& rdds) { return rdds.size(); });
}
