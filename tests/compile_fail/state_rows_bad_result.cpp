// EXPECT: rill: updateStateByKey's partition function must return the partition's new (key, state) pairs
// The partition form returns the new (key, state) pairs, not a count.
#include <rill/stream/streaming_context.hpp>

#include <memory>
#include <string>
#include <utility>

void define(rill::StreamingContext& ssc, std::shared_ptr<rill::RDDQueue<std::pair<std::string, int>>> queue) {
  ssc.queueStream(queue).updateStateByKey(
      [](rill::StateUpdateRows<std::string, int, long>& rows) { return rows.size(); }, 2, false);
}
