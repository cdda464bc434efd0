// The runtime of rill::mpi, compiled once: the one source of the rill_mpi_runtime
// library that rill_compile_runtime() builds for a target linking rill::mpi. rill's
// own runtime is rill_runtime's (rill/core/runtime.hpp).
#define RILL_COMPILE_PART_RUNTIME
#include <rill/mpi.hpp>
