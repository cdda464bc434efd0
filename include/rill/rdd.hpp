#pragma once
// rill for batch programs: SparkContext, RDD<T> and every RDD operation
// (transformations, actions, pair, set and numeric operations, partitioners,
// saveAsTextFile), without the streaming half (rill/rill.hpp has both).
#include <rill/core/concepts.hpp>
#include <rill/core/errors.hpp>
#include <rill/core/show.hpp>
#include <rill/core/split.hpp>
#include <rill/rdd/conf.hpp>
#include <rill/rdd/numeric.hpp>
#include <rill/rdd/partitioner.hpp>
#include <rill/rdd/rdd.hpp>
#include <rill/rdd/sort.hpp>
#include <rill/rdd/spark_context.hpp>
