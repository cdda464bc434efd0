// compile-cost probe: a word count through the RDD layer alone.
// Not part of the CMake build; tools/compile_cost compiles it.
#include <rill/rdd/spark_context.hpp>

#include "wordcount_body.inc"
