// The runtime of rill::kafka, compiled once: the one source of the rill_kafka_runtime
// library that rill_compile_runtime() builds for a target linking rill::kafka. rill's
// own runtime is rill_runtime's (rill/core/runtime.hpp).
#define RILL_COMPILE_PART_RUNTIME
#include <rill/kafka.hpp>
