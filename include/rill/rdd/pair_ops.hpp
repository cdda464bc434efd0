#pragma once
// Operations on RDDs of key/value pairs (Spark's PairRDDFunctions).
#include <rill/core/concepts.hpp>
#include <rill/rdd/fwd.hpp>

namespace rill {

template <class D>
class PairOps {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
};

}  // namespace rill
