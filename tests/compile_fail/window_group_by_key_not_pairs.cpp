// EXPECT: rill: groupByKeyAndWindow needs a DStream of key/value pairs
// groupByKeyAndWindow on a DStream whose elements are not key/value pairs.
#include <rill/stream/streaming_context.hpp>

#include <chrono>
#include <memory>

void define(rill::StreamingContext& ssc, std::shared_ptr<rill::RDDQueue<int>> queue) {
  ssc.queueStream(queue).groupByKeyAndWindow(std::chrono::seconds(2), std::chrono::seconds(1));
}
