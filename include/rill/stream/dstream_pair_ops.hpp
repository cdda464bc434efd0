#pragma once
// DStream operations on key/value streams (Spark's PairDStreamFunctions): each
// applies the RDD operation of the same name to every batch. The last argument
// is a number of partitions (0: the default parallelism, the stream default) or
// a partitioner, as Spark's overloads (rdd/keyed_args.hpp reads it).
#include <rill/core/concepts.hpp>
#include <rill/rdd/keyed_args.hpp>
#include <rill/stream/derive.hpp>

#include <cstddef>

namespace rill {

template <class D>
class DStreamPairOps {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  template <class F, class Part = std::size_t>
  auto reduceByKey(F f, Part part = 0) const {
    RILL_REQUIRE_PAIRS(typename D::value_type, "reduceByKey needs a DStream");
    if constexpr (detail::checkKeyed<typename D::value_type, Part>())
      return perBatch(part, "reduceByKey", [f](const auto& rdd, const auto& p) { return rdd.reduceByKey(f, p); });
  }
  template <class Part = std::size_t>
  auto groupByKey(Part part = 0) const {
    RILL_REQUIRE_PAIRS(typename D::value_type, "groupByKey needs a DStream");
    if constexpr (detail::checkKeyed<typename D::value_type, Part>())
      return perBatch(part, "groupByKey", [](const auto& rdd, const auto& p) { return rdd.groupByKey(p); });
  }
  template <class C, class M, class MC, class Part = std::size_t>
  auto combineByKey(C createCombiner, M mergeValue, MC mergeCombiners, Part part = 0) const {
    RILL_REQUIRE_PAIRS(typename D::value_type, "combineByKey needs a DStream");
    if constexpr (detail::checkKeyed<typename D::value_type, Part>())
      return perBatch(part, "combineByKey", [=](const auto& rdd, const auto& p) {
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

  template <class Other, class Part = std::size_t>
  auto join(const Other& other, Part part = 0) const {
    return joinWith(other, part, "join", [](const auto& a, const auto& b, const auto& p) { return a.join(b, p); });
  }
  template <class Other, class Part = std::size_t>
  auto leftOuterJoin(const Other& other, Part part = 0) const {
    return joinWith(other, part, "leftOuterJoin",
                    [](const auto& a, const auto& b, const auto& p) { return a.leftOuterJoin(b, p); });
  }
  template <class Other, class Part = std::size_t>
  auto rightOuterJoin(const Other& other, Part part = 0) const {
    return joinWith(other, part, "rightOuterJoin",
                    [](const auto& a, const auto& b, const auto& p) { return a.rightOuterJoin(b, p); });
  }
  template <class Other, class Part = std::size_t>
  auto fullOuterJoin(const Other& other, Part part = 0) const {
    return joinWith(other, part, "fullOuterJoin",
                    [](const auto& a, const auto& b, const auto& p) { return a.fullOuterJoin(b, p); });
  }
  template <class Other, class Part = std::size_t>
  auto cogroup(const Other& other, Part part = 0) const {
    return joinWith(other, part, "cogroup",
                    [](const auto& a, const auto& b, const auto& p) { return a.cogroup(b, p); });
  }

 private:
  /// The partitioner of every batch's keyed operation, `name`.
  template <class Part>
  auto batchPartitioner(const Part& part, const char* name) const {
    return detail::streamPartitioner(part, name, d().sparkContext().defaultParallelism());
  }

  /// op(batch, partitioner) on every batch; `name` names the operation.
  template <class Part, class Op>
  auto perBatch(const Part& part, const char* name, Op op) const {
    return detail::deriveStream(d(), [op, p = batchPartitioner(part, name)](const auto& rdd) { return op(rdd, p); });
  }

  /// op(left batch, right batch, partitioner) on every pair of batches.
  template <class Other, class Part, class Op>
  auto joinWith(const Other& other, const Part& part, const char* name, Op op) const {
    RILL_REQUIRE_PAIRS(typename D::value_type, "join, the outer joins and cogroup need a DStream");
    if constexpr (detail::checkKeyed<typename D::value_type, Part>())
      return detail::deriveStream2(
          d(), other,
          [op, p = batchPartitioner(part, name)](const auto& a, const auto& b, Time) { return op(a, b, p); },
          name);
  }
};

}  // namespace rill
