// compile-cost probe: a word count through rill/rdd.hpp, the header for batch programs.
// Not part of the CMake build; tools/compile_cost compiles it.
#include <rill/rdd.hpp>

#include "wordcount_body.inc"
