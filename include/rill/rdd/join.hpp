#pragma once
// Joins of two pair RDDs: both sides are brought into the same partitions
// (partitionRows: a shuffle unless a side is already partitioned so), then
// every partition is joined in parallel with a hash join: a RowIndex over the
// right side's rows, probed with the left's.
//
// join, leftOuterJoin, rightOuterJoin and fullOuterJoin are one function: the
// two flags say which side keeps its unmatched rows (with the other side as
// std::nullopt). cogroup groups every side's values per key.
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/hash_table.hpp>
#include <rill/rdd/keyed_args.hpp>
#include <rill/rdd/keyed_shuffle.hpp>
#include <rill/rdd/keys.hpp>
#include <rill/rdd/partitioner.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill::detail {

/// Groups rows[i] by keyOf(rows[i]) without copying a key: the index maps a key
/// to a group whose rows are chained (first[g], next[first[g]], ...) in row order.
template <class Row, class KeyOf, class Hash>
class RowIndex {
 public:
  static constexpr std::uint32_t npos = FlatIndex::npos;

  RowIndex(const std::vector<Row>& rows, KeyOf keyOf, Hash hash)
      : rows_(rows), keyOf_(keyOf), hash_(std::move(hash)), next_(rows.size(), npos) {
    if (rows.size() >= npos) throw std::length_error("rill: a join partition cannot hold 2^32 rows");
    index_.reserve(rows.size());
    for (std::size_t i = rows.size(); i-- > 0;) {  // backwards, so each chain runs in row order
      const auto& key = keyOf_(rows[i]);
      auto [g, inserted] = index_.findOrInsert(
          hash_(key), [&](std::uint32_t h) { return keyOf_(rows_[first_[h]]) == key; },
          [&] {
            first_.push_back(static_cast<std::uint32_t>(i));
            return static_cast<std::uint32_t>(first_.size() - 1);
          });
      if (!inserted) {
        next_[i] = first_[g];
        first_[g] = static_cast<std::uint32_t>(i);
      }
    }
  }

  std::size_t groups() const { return first_.size(); }
  /// The group of `key`, or npos.
  template <class K>
  std::uint32_t find(const K& key) const {
    return index_.find(hash_(key), [&](std::uint32_t g) { return keyOf_(rows_[first_[g]]) == key; });
  }
  /// The rows of group g, in order: for (i = first(g); i != npos; i = next(i)).
  std::uint32_t first(std::uint32_t g) const { return first_[g]; }
  std::uint32_t next(std::uint32_t i) const { return next_[i]; }

 private:
  const std::vector<Row>& rows_;
  [[no_unique_address]] KeyOf keyOf_;
  [[no_unique_address]] Hash hash_;
  FlatIndex index_;
  std::vector<std::uint32_t> first_, next_;
};

struct RowKey {
  template <class Row>
  const auto& operator()(const Row& row) const {
    return row.first;
  }
};

/// A value, or the optional of it when that side may be missing.
template <class V, bool MayBeMissing>
using joined_t = std::conditional_t<MayBeMissing, std::optional<V>, V>;

/// One partition of a join of `left` with `right` (both moved from). KeepLeft /
/// KeepRight: the side whose unmatched rows are kept (left/right/full outer).
template <bool KeepLeft, bool KeepRight, class K, class V, class W, class Hash>
auto joinPartition(std::vector<std::pair<K, V>>& left, std::vector<std::pair<K, W>>& right, const Hash& hash) {
  using Out = std::pair<K, std::pair<joined_t<V, KeepRight>, joined_t<W, KeepLeft>>>;
  std::vector<Out> out;
  out.reserve(left.size());  // exact for the common case of one match per left row
  const RowIndex index(right, RowKey{}, hash);
  std::vector<char> matched(KeepRight ? index.groups() : 0, 0);
  for (auto& [k, v] : left) {
    const auto g = index.find(k);
    if (g == index.npos) {
      if constexpr (KeepLeft) out.emplace_back(std::move(k), typename Out::second_type(std::move(v), std::nullopt));
      continue;
    }
    if constexpr (KeepRight) matched[g] = 1;
    for (auto i = index.first(g); i != index.npos; i = index.next(i)) {
      // The last match may take the left row; earlier ones copy it.
      if (index.next(i) == index.npos)
        out.emplace_back(std::move(k), typename Out::second_type(std::move(v), right[i].second));
      else
        out.emplace_back(k, typename Out::second_type(v, right[i].second));
    }
  }
  if constexpr (KeepRight)
    for (std::uint32_t g = 0; g < matched.size(); ++g)
      if (!matched[g])
        for (auto i = index.first(g); i != index.npos; i = index.next(i))
          out.emplace_back(std::move(right[i].first),
                           typename Out::second_type(std::nullopt, std::move(right[i].second)));
  return out;
}

/// The left rows whose key (keyOf) is absent from `right` (subtract, subtractByKey).
template <class L, class R, class KeyOf, class Hash>
std::vector<L> withoutMatches(std::vector<L>& left, const std::vector<R>& right, KeyOf keyOf, const Hash& hash) {
  const RowIndex index(right, keyOf, hash);
  std::vector<L> out;
  for (auto& x : left)
    if (index.find(keyOf(x)) == index.npos) out.push_back(std::move(x));
  return out;
}

/// One partition of cogroup: per key, the values of every side (sides... moved from).
/// Groups is std::pair<std::vector<V>, std::vector<W>> or a std::tuple of vectors.
template <class K, class Groups, class Hash, class... Sides>
std::vector<std::pair<K, Groups>> cogroupPartition(const Hash& hash, Sides&... sides) {
  FlatMap<K, Groups, Hash> table(hash);
  auto add = [&]<std::size_t I>(std::integral_constant<std::size_t, I>, auto& rows) {
    for (auto& row : rows) {
      auto append = [&](Groups& groups) { std::get<I>(groups).push_back(std::move(row.second)); };
      table.upsert(
          std::move(row.first),
          [&] {
            Groups groups;
            append(groups);
            return groups;
          },
          append);
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (add(std::integral_constant<std::size_t, I>{}, sides), ...);
  }(std::index_sequence_for<Sides...>{});
  return std::move(table).take();
}

/// Both RDDs' rows in the partitions of `part`, then fn(leftRows, rightRows) per partition.
template <class A, class B, class P, class Fn>
auto coPartitioned(const A& a, const B& b, std::string_view tag, const P& part, Fn&& fn) {
  auto left = partitionRows(a, tag, part);
  auto right = partitionRows(b, tag, part);
  return perPartition(a.context(), tag, part.numPartitions(), [&](std::size_t r) { return fn(left[r], right[r]); });
}

/// A cogroup's value for sides with values Vs...: Spark's (Iterable[V], Iterable[W]) pair for
/// two sides, a std::tuple of vectors for more.
template <class... Vs>
struct CogroupValues {
  using type = std::tuple<std::vector<Vs>...>;
};
template <class V, class W>
struct CogroupValues<V, W> {
  using type = std::pair<std::vector<V>, std::vector<W>>;
};

/// cogroup of any number of pair RDDs: (key, (values of the first, of the second, ...)).
template <class Groups, class Part, class... Rs>
auto cogroup(const Part& partArg, const Rs&... rdds) {
  using K = owned_key_t<key_of_t<typename std::tuple_element_t<0, std::tuple<Rs...>>::value_type>>;
  const auto part = rddPartitioner(partArg, "cogroup", rdds...);
  const auto hash = hasherFrom<hasher_of_t<Part>>(part);
  auto sides = std::tuple(partitionRows(rdds, "cogroup", part)...);
  auto& sc = std::get<0>(std::tie(rdds...)).context();
  auto parts = perPartition(sc, "cogroup", part.numPartitions(), [&](std::size_t r) {
    return std::apply([&](auto&... side) { return cogroupPartition<K, Groups>(hash, side[r]...); }, sides);
  });
  return keyedRDD<std::pair<K, Groups>>(sc, std::move(parts), part);
}

}  // namespace rill::detail
