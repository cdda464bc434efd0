#pragma once
// Where rill's runtime is compiled. rill is header-only: by default every
// translation unit compiles the functions it calls. The runtime (the context,
// the thread pool, collectives, shuffles' exchange, the streaming scheduler:
// plain functions that do not depend on a program's types) can instead be
// compiled once, as fmt's compiled part is: CMake's rill_compile_runtime(target)
// does it, or by hand one source file defines RILL_COMPILE_RUNTIME before
// including <rill/rill.hpp> (cmake/rill_runtime.cpp, installed beside rill's
// CMake files) and every translation unit (that one too) is compiled with
// RILL_SEPARATE_COMPILATION. See docs/benchmarks.md for what it
// saves. Templates stay in the headers either way.
//
// A header declares such a function in its class (or with RILL_RUNTIME, for a
// free function) and defines it, marked RILL_RUNTIME, below the class under
// `#if RILL_RUNTIME_BODIES`. A virtual function is marked RILL_RUNTIME in its
// class as well: declared there without `inline`, it would be the class's key
// function, and every translation unit would compile the class's virtual table
// and every function it points to.
#if !defined(RILL_SEPARATE_COMPILATION)
#define RILL_RUNTIME inline
#define RILL_RUNTIME_BODIES 1
#elif defined(RILL_COMPILE_RUNTIME)
#define RILL_RUNTIME
#define RILL_RUNTIME_BODIES 1
#else
#define RILL_RUNTIME
#define RILL_RUNTIME_BODIES 0
#endif

// rill's opt-in parts (rill/mpi.hpp, rill/kafka.hpp, rill/ui.hpp) keep their
// runtime the same way, under `#if RILL_PART_RUNTIME_BODIES`: each part's is
// compiled once by a source that defines RILL_COMPILE_PART_RUNTIME and includes
// the part's header (cmake/rill_<part>_runtime.cpp), so that library holds the
// part's runtime and none of rill's, which is rill_runtime's.
#if !defined(RILL_SEPARATE_COMPILATION) || defined(RILL_COMPILE_PART_RUNTIME)
#define RILL_PART_RUNTIME_BODIES 1
#else
#define RILL_PART_RUNTIME_BODIES 0
#endif
