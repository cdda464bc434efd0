#pragma once
// The streaming layer: StreamingContext, DStream and its operations.
#include <rill/stream/clock.hpp>
#include <rill/stream/dstream.hpp>
#include <rill/stream/file_stream.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/queue_stream.hpp>
#include <rill/stream/rate_limiter.hpp>
#include <rill/stream/receiver.hpp>
#include <rill/stream/receiver_stream.hpp>
#include <rill/stream/socket_stream.hpp>
#include <rill/stream/state.hpp>
#include <rill/stream/state_spec.hpp>
#include <rill/stream/streaming_context.hpp>
#include <rill/stream/time.hpp>
