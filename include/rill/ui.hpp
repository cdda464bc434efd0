#pragma once
// rill's streaming UI (opt-in; CMake target rill::ui, which links cpp-httplib):
// the Streaming page, Spark's REST API and Prometheus metrics of a
// StreamingContext, served over HTTP. See rill/ui/streaming_ui.hpp.
#include <rill/ui/streaming_ui.hpp>
