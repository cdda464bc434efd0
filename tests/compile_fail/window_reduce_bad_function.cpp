// EXPECT: rill: reduceByKeyAndWindow needs f (and invF) callable as f(const V&, const V&) returning V
// An inverse function that cannot take two values.
#include <rill/stream/streaming_context.hpp>

#include <string>
#include <utility>

void define(rill::StreamingContext& ssc, std::shared_ptr<rill::RDDQueue<std::pair<std::string, int>>> queue) {
  ssc.queueStream(queue).reduceByKeyAndWindow([](int a, int b) { return a + b; }, [](const std::string& s) { return s; },
                                              rill::Seconds(2), rill::Seconds(1));
}
