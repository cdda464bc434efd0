// EXPECT: rill: reduceByKey needs a DStream of key/value pairs
// reduceByKey on a DStream whose elements are not key/value pairs.
#include <rill/stream/streaming_context.hpp>

#include <functional>
#include <memory>

void define(rill::StreamingContext& ssc, std::shared_ptr<rill::RDDQueue<int>> queue) {
  ssc.queueStream(queue).reduceByKey(std::plus<int>());
}
