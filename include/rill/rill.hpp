#pragma once
// rill: Spark's RDD and DStream model in one header-only C++20 library.
#include <rill/core/concepts.hpp>
#include <rill/core/errors.hpp>
#include <rill/core/show.hpp>
#include <rill/core/split.hpp>
#include <rill/io/io.hpp>
#include <rill/rdd/spark_context.hpp>
#include <rill/stream/stream.hpp>
