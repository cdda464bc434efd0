// compile-cost probe: a word count through the umbrella header.
// Not part of the CMake build; tools/compile_cost compiles it.
#include <rill/rill.hpp>

#include "wordcount_body.inc"
