#pragma once
// DStream operations on key/value streams (Spark's PairDStreamFunctions): each
// applies the RDD operation of the same name to every batch, with the stream
// default for the number of partitions (0: the default parallelism).
#include <rill/core/concepts.hpp>
#include <rill/rdd/keyed_args.hpp>
#include <rill/stream/derive.hpp>

#include <cstddef>
#include <utility>

namespace rill {

template <class D>
class DStreamPairOps {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  template <class F>
  auto reduceByKey(F f, std::size_t numPartitions = 0) const {
    RILL_REQUIRE_PAIRS(typename D::value_type, "reduceByKey needs a DStream");
    if constexpr (PairLike<typename D::value_type>)
      return perBatch(numPartitions, [f](const auto& rdd, const auto& p) { return rdd.reduceByKey(f, p); });
  }
  auto groupByKey(std::size_t numPartitions = 0) const {
    RILL_REQUIRE_PAIRS(typename D::value_type, "groupByKey needs a DStream");
    if constexpr (PairLike<typename D::value_type>)
      return perBatch(numPartitions, [](const auto& rdd, const auto& p) { return rdd.groupByKey(p); });
  }
  template <class C, class M, class MC>
  auto combineByKey(C createCombiner, M mergeValue, MC mergeCombiners, std::size_t numPartitions = 0) const {
    RILL_REQUIRE_PAIRS(typename D::value_type, "combineByKey needs a DStream");
    if constexpr (PairLike<typename D::value_type>)
      return perBatch(numPartitions, [=](const auto& rdd, const auto& p) {
        return rdd.combineByKey(createCombiner, mergeValue, mergeCombiners, p);
      });
  }
  template <class F>
  auto mapValues(F f) const {
    RILL_REQUIRE_PAIRS(typename D::value_type, "mapValues needs a DStream");
    if constexpr (PairLike<typename D::value_type>)
      return detail::deriveStream(d(), [f](const auto& rdd) { return rdd.mapValues(f); });
  }
  template <class F>
  auto flatMapValues(F f) const {
    RILL_REQUIRE_PAIRS(typename D::value_type, "flatMapValues needs a DStream");
    if constexpr (PairLike<typename D::value_type>)
      return detail::deriveStream(d(), [f](const auto& rdd) { return rdd.flatMapValues(f); });
  }

  template <class Other>
  auto join(const Other& other, std::size_t numPartitions = 0) const {
    return joinWith(other, numPartitions, "join", [](const auto& a, const auto& b, const auto& p) { return a.join(b, p); });
  }
  template <class Other>
  auto leftOuterJoin(const Other& other, std::size_t numPartitions = 0) const {
    return joinWith(other, numPartitions, "leftOuterJoin",
                    [](const auto& a, const auto& b, const auto& p) { return a.leftOuterJoin(b, p); });
  }
  template <class Other>
  auto rightOuterJoin(const Other& other, std::size_t numPartitions = 0) const {
    return joinWith(other, numPartitions, "rightOuterJoin",
                    [](const auto& a, const auto& b, const auto& p) { return a.rightOuterJoin(b, p); });
  }
  template <class Other>
  auto fullOuterJoin(const Other& other, std::size_t numPartitions = 0) const {
    return joinWith(other, numPartitions, "fullOuterJoin",
                    [](const auto& a, const auto& b, const auto& p) { return a.fullOuterJoin(b, p); });
  }
  template <class Other>
  auto cogroup(const Other& other, std::size_t numPartitions = 0) const {
    return joinWith(other, numPartitions, "cogroup",
                    [](const auto& a, const auto& b, const auto& p) { return a.cogroup(b, p); });
  }

 private:
  /// The partitioner of every batch's keyed operation.
  auto batchPartitioner(std::size_t numPartitions) const {
    return detail::streamPartitioner(numPartitions, d().sparkContext().defaultParallelism());
  }

  /// op(batch, partitioner) on every batch.
  template <class Op>
  auto perBatch(std::size_t numPartitions, Op op) const {
    return detail::deriveStream(d(), [op, p = batchPartitioner(numPartitions)](const auto& rdd) { return op(rdd, p); });
  }

  /// op(left batch, right batch, partitioner) on every pair of batches.
  template <class Other, class Op>
  auto joinWith(const Other& other, std::size_t numPartitions, const char* name, Op op) const {
    RILL_REQUIRE_PAIRS(typename D::value_type, "join, the outer joins and cogroup need a DStream");
    if constexpr (PairLike<typename D::value_type>)
      return detail::deriveStream2(
          d(), other, [op, p = batchPartitioner(numPartitions)](const auto& a, const auto& b) { return op(a, b, p); }, name);
  }
};

}  // namespace rill
