#pragma once
// Partitioners decide which partition a key belongs to. HashPartitioner is
// Spark's (hash(key) mod n); a user partitioner is any copyable type with
// numPartitions() and getPartition(const K&) -> size_t.
//
// An RDD made by a keyed shuffle remembers its partitioner as an
// AnyPartitioner (type-erased once per RDD, never consulted per element), so a
// later reduceByKey/groupByKey/join with an equal partitioner skips its
// shuffle, lookup(key) reads one partition, and mapValues/filter keep it.
#include <rill/core/message.hpp>
#include <rill/core/ref.hpp>
#include <rill/rdd/keys.hpp>

#include <concepts>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <utility>

namespace rill {

namespace detail {
/// HashPartitioner(0) asked to place a key: there is no partition to answer (Spark's
/// nonNegativeMod fails with "/ by zero"). Out of line, so getPartition stays small.
[[noreturn]] inline void noPartitionForKey() {
  throw std::out_of_range("rill: HashPartitioner(0) has no partition for a key");
}
}  // namespace detail

/// Spark's HashPartitioner: key -> hash(key) mod numPartitions. The hasher
/// defaults to rill::Hash (DefaultHash); pass one for keys it does not hash —
/// the keyed operations then use it for their tables too. 0 partitions is allowed,
/// as in Spark: it is the default partitioner of a keyed operation over inputs
/// without partitions, which has no key to place.
template <class Hash = DefaultHash>
class HashPartitioner {
 public:
  using hasher_type = Hash;

  explicit HashPartitioner(std::size_t numPartitions, Hash hash = Hash())
      : n_(numPartitions), hash_(std::move(hash)) {}
  std::size_t numPartitions() const { return n_; }
  template <class K>
  std::size_t getPartition(const K& key) const {
    if (n_ == 0) [[unlikely]]
      detail::noPartitionForKey();
    return static_cast<std::size_t>(hash_(key)) % n_;
  }
  const Hash& hasher() const { return hash_; }
  friend bool operator==(const HashPartitioner& a, const HashPartitioner& b) { return a.n_ == b.n_; }

 private:
  std::size_t n_;
  [[no_unique_address]] Hash hash_;
};

/// Anything that can partition: numPartitions() -> size_t.
template <class P>
concept PartitionerLike = std::copy_constructible<P> && requires(const P& p) {
  { p.numPartitions() } -> std::convertible_to<std::size_t>;
};

/// A partitioner for keys of type K: numPartitions() and getPartition(const K&) -> size_t.
template <class P, class K>
concept PartitionerFor = PartitionerLike<P> && requires(const P& p, const K& k) {
  { p.getPartition(k) } -> std::convertible_to<std::size_t>;
};

/// How an RDD is partitioned, type-erased (Spark's rdd.partitioner).
class AnyPartitioner : public RefCounted {
 public:
  ~AnyPartitioner() override = default;
  virtual std::size_t numPartitions() const = 0;
  /// The partitioner itself when it is a P, else nullptr (as std::function::target).
  template <class P>
  const P* target() const {
    return type() == typeid(P) ? static_cast<const P*>(address()) : nullptr;
  }
  /// Spark's == of partitioners: the same type and == (one without == equals only itself).
  bool equals(const AnyPartitioner& other) const { return this == &other || sameAs(other); }

 private:
  virtual const std::type_info& type() const = 0;
  virtual const void* address() const = 0;
  virtual bool sameAs(const AnyPartitioner& other) const = 0;
};

/// An AnyPartitioner that can place a key of type K (what lookup(key) needs).
template <class K>
class AnyKeyPartitioner : public AnyPartitioner {
 public:
  virtual std::size_t partitionOf(const K& key) const = 0;
};

namespace detail {

/// True when `info` says the RDD is already partitioned exactly as `p` would
/// (same type and ==; a partitioner without == never counts as equal).
template <class P>
bool partitionedBy(const AnyPartitioner* info, const P& p) {
  const P* mine = info ? info->template target<P>() : nullptr;
  if constexpr (std::equality_comparable<P>)
    return mine && *mine == p && mine->numPartitions() == p.numPartitions();
  else
    return false;
}

template <class P, class K>
class PartitionerHolder final : public AnyKeyPartitioner<K> {
 public:
  explicit PartitionerHolder(P p) : p_(std::move(p)) {}
  std::size_t numPartitions() const override { return p_.numPartitions(); }
  std::size_t partitionOf(const K& key) const override { return p_.getPartition(key); }

 private:
  const std::type_info& type() const override { return typeid(P); }
  const void* address() const override { return &p_; }
  bool sameAs(const AnyPartitioner& other) const override { return partitionedBy(&other, p_); }
  P p_;
};

/// What an RDD of keys K partitioned by `p` remembers.
template <class K, class P>
Ref<const AnyPartitioner> rememberPartitioner(const P& p) {
  return Ref<const AnyPartitioner>(new PartitionerHolder<P, K>(p));
}

/// The partitioner a keyed operation given a count picks when it runs
/// (keyed_args.hpp): HashPartitioner(n), or an input's own partitioner, of a
/// type only that input's AnyPartitioner knows (placing a key by it is then
/// one virtual call).
template <class K>
class ChosenPartitioner {
 public:
  explicit ChosenPartitioner(HashPartitioner<> hash) : hash_(std::move(hash)) {}
  explicit ChosenPartitioner(Ref<const AnyKeyPartitioner<K>> input) : hash_(1), input_(std::move(input)) {}
  std::size_t numPartitions() const { return input_ ? input_->numPartitions() : hash_.numPartitions(); }
  std::size_t getPartition(const K& key) const { return input_ ? input_->partitionOf(key) : hash_.getPartition(key); }
  /// Whether an RDD that `info` describes is partitioned by this.
  bool partitions(const AnyPartitioner* info) const {
    return input_ ? info && input_->equals(*info) : partitionedBy(info, hash_);
  }
  /// What a result partitioned by this remembers: the input's partitioner itself, or the HashPartitioner.
  Ref<const AnyPartitioner> remembered() const {
    return input_ ? Ref<const AnyPartitioner>(input_) : rememberPartitioner<K>(hash_);
  }

 private:
  HashPartitioner<> hash_;
  Ref<const AnyKeyPartitioner<K>> input_;  // null: hash_ places the keys
};

template <class K>
bool partitionedBy(const AnyPartitioner* info, const ChosenPartitioner<K>& p) {
  return p.partitions(info);
}
template <class K, class KK>
Ref<const AnyPartitioner> rememberPartitioner(const ChosenPartitioner<KK>& p) {
  return p.remembered();
}

/// getPartition(key), checked: a user partitioner answering out of range is an error, not a crash.
template <class P, class K>
std::size_t partitionOf(const P& p, const K& key, std::size_t n) {
  const auto r = static_cast<std::size_t>(p.getPartition(key));
  if (r >= n)
    throw std::out_of_range(message({"rill: partitioner returned partition ", r, " of ", n}));
  return r;
}

}  // namespace detail
}  // namespace rill
