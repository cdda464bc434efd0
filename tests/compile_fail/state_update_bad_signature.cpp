// EXPECT: rill: updateStateByKey needs updateFn callable as f(const std::vector<V>&, std::optional<S>)
// A function of none of the accepted shapes (here: values of the wrong type) is refused, naming them.
#include <rill/stream/streaming_context.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

void define(rill::StreamingContext& ssc, std::shared_ptr<rill::RDDQueue<std::pair<std::string, int>>> queue) {
  ssc.queueStream(queue).updateStateByKey(
      [](const std::vector<std::string>&, std::optional<long> state) { return state; });
}
