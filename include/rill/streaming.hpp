#pragma once
// rill for streaming programs: StreamingContext, DStream and every DStream
// operation, the input streams (queue, socket, directory, your own Receiver),
// listeners, clocks and checkpointing, with all of rill/rdd.hpp for what each
// batch does.
#include <rill/rdd.hpp>
#include <rill/stream/stream.hpp>
