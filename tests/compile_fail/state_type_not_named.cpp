// EXPECT: rill: the state type S could not be read off the function (a generic lambda?)
// A generic update function gives no state type; it must be named: updateStateByKey<S>(f).
#include <rill/stream/streaming_context.hpp>

#include <optional>
#include <string>
#include <utility>

void define(rill::StreamingContext& ssc, std::shared_ptr<rill::RDDQueue<std::pair<std::string, int>>> queue) {
  ssc.queueStream(queue).updateStateByKey([](const auto& values, auto state) { return state; });
}
