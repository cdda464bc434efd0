#pragma once
// The streaming layer: StreamingContext, DStream and its operations.
#include <rill/stream/clock.hpp>
#include <rill/stream/dstream.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/queue_stream.hpp>
#include <rill/stream/streaming_context.hpp>
#include <rill/stream/time.hpp>
