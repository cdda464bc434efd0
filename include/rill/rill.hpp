#pragma once
// rill: Spark's RDD and DStream model in one header-only C++20 library. This
// header is all of it: batch programs (rill/rdd.hpp), streaming programs
// (rill/streaming.hpp) and the I/O helpers (rill/io/io.hpp).
#include <rill/io/io.hpp>
#include <rill/rdd.hpp>
#include <rill/streaming.hpp>
