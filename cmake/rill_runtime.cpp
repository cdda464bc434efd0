// rill's runtime, compiled once: the one source of the rill_runtime library that
// rill_compile_runtime() builds (and of the runtime tools/compile_cost measures).
// Every translation unit of the program, this one too, is compiled with
// RILL_SEPARATE_COMPILATION (rill/core/runtime.hpp).
#define RILL_COMPILE_RUNTIME
#include <rill/rill.hpp>
