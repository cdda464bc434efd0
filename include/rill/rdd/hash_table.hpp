#pragma once
// The hash table behind every keyed operation (map-side combine, merges,
// groupByKey, joins). Chosen by measurement (benchmarks/bench_keyed.cpp,
// BM_CombineTable_*; figures in docs/benchmarks.md): on a Zipf word count it
// combines 1.9x as fast as std::unordered_map probed with a string_view, it
// allocates nothing per key, and it comes within ~8% of absl::flat_hash_map,
// which would add a compiled-library dependency to a header-only library.
//
// FlatIndex is open addressing with linear probing over 8-byte slots. A slot
// packs the top 32 bits of the mixed hash (its fragment) with an id + 1 (0 =
// empty). The fragment turns away nearly every probe of another key without
// touching that key, and because a slot's home position is the top bits of the
// same mixed hash, growing the table never hashes a key again. What an id means
// is the caller's: FlatMap keeps its entries densely in a vector, the joins
// index rows they already hold, so keys are never copied into the index.
#include <rill/core/runtime.hpp>
#include <rill/rdd/keys.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

namespace rill::detail {

class FlatIndex {
 public:
  static constexpr std::uint32_t npos = std::numeric_limits<std::uint32_t>::max();

  std::size_t size() const { return size_; }

  /// Makes room for n ids without growing on the way.
  void reserve(std::size_t n);

  /// The id stored under `hash` that same(id) accepts, or npos.
  template <class Same>
  std::uint32_t find(std::size_t hash, Same&& same) const {
    if (slots_.empty()) return npos;
    const std::uint64_t frag = fragment(hash);
    for (std::size_t pos = home(frag);; pos = next(pos)) {
      const std::uint64_t s = slots_[pos];
      if (s == 0) return npos;
      if ((s >> 32) == frag && same(idOf(s))) return idOf(s);
    }
  }

  /// find(hash, same), or else stores the id makeId() returns. Gives {id, inserted}.
  /// makeId() runs before anything is stored, so if it throws the index is unchanged.
  template <class Same, class MakeId>
  std::pair<std::uint32_t, bool> findOrInsert(std::size_t hash, Same&& same, MakeId&& makeId) {
    if (slots_.empty() || size_ >= maxLoad(bits_)) rebuild(slots_.empty() ? kMinBits : bits_ + 1);
    const std::uint64_t frag = fragment(hash);
    std::size_t pos = home(frag);
    for (;; pos = next(pos)) {
      const std::uint64_t s = slots_[pos];
      if (s == 0) break;
      if ((s >> 32) == frag && same(idOf(s))) return {idOf(s), false};
    }
    const std::uint32_t id = makeId();
    slots_[pos] = (frag << 32) | (std::uint64_t{id} + 1);
    ++size_;
    return {id, true};
  }

 private:
  static constexpr unsigned kMinBits = 4;
  static constexpr unsigned kMaxBits = 32;  // ids and home positions are 32-bit

  // At most half full: linear probing stays at ~1.5 probes for a hit, ~2.5 for a miss.
  static std::size_t maxLoad(unsigned bits) { return (std::size_t{1} << bits) / 2; }
  // Fibonacci hashing spreads even an identity std::hash<int> over the top bits.
  static std::uint64_t fragment(std::size_t hash) {
    return (static_cast<std::uint64_t>(hash) * 0x9E3779B97F4A7C15ull) >> 32;
  }
  static std::uint32_t idOf(std::uint64_t slot) { return static_cast<std::uint32_t>(slot) - 1; }
  std::size_t home(std::uint64_t frag) const { return static_cast<std::size_t>(frag >> (32 - bits_)); }
  std::size_t next(std::size_t pos) const { return (pos + 1) & ((std::size_t{1} << bits_) - 1); }

  void rebuild(unsigned bits);

  std::vector<std::uint64_t> slots_;  // 2^bits_ of them; none before the first insert or reserve
  unsigned bits_ = 0;
  std::size_t size_ = 0;
};

/// A map from K to C over FlatIndex, its entries in insertion order in one
/// vector, so the finished table *is* the output partition (take()).
/// Lookups accept any key type Hash and Eq accept (a std::string_view for
/// std::string keys); the stored key is built only when a key is new.
template <class K, class C, class Hash = DefaultHash, class Eq = std::equal_to<>>
class FlatMap {
 public:
  using Entry = std::pair<K, C>;

  explicit FlatMap(Hash hash = Hash(), Eq eq = Eq()) : hash_(std::move(hash)), eq_(std::move(eq)) {}

  std::size_t size() const { return entries_.size(); }
  void reserve(std::size_t n) {
    index_.reserve(n);
    entries_.reserve(n);
  }

  /// When `key` is new, stores (key, make()); otherwise calls update(value).
  template <class KK, class Make, class Update>
  void upsert(KK&& key, Make&& make, Update&& update) {
    auto [id, inserted] = index_.findOrInsert(
        hash_(std::as_const(key)), [&](std::uint32_t i) { return eq_(entries_[i].first, std::as_const(key)); },
        [&] {
          entries_.emplace_back(K(std::forward<KK>(key)), make());
          return static_cast<std::uint32_t>(entries_.size() - 1);
        });
    if (!inserted) update(entries_[id].second);
  }

  /// The value stored for `key`, or nullptr.
  template <class KK>
  C* find(const KK& key) {
    const auto id = index_.find(hash_(key), [&](std::uint32_t i) { return eq_(entries_[i].first, key); });
    return id == FlatIndex::npos ? nullptr : &entries_[id].second;
  }

  std::vector<Entry>& entries() { return entries_; }
  /// The entries; the index's memory goes at once (the entries often outlive the map's use).
  std::vector<Entry> take() && {
    index_ = FlatIndex();
    return std::move(entries_);
  }

 private:
  std::vector<Entry> entries_;
  FlatIndex index_;
  [[no_unique_address]] Hash hash_;
  [[no_unique_address]] Eq eq_;
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void FlatIndex::reserve(std::size_t n) {
  unsigned bits = kMinBits;
  while (maxLoad(bits) < n) ++bits;
  if (slots_.empty() || bits > bits_) rebuild(bits);
}

RILL_RUNTIME void FlatIndex::rebuild(unsigned bits) {
  if (bits > kMaxBits) throw std::length_error("rill: a keyed table cannot hold more than 2^31 keys");
  const auto old = std::exchange(slots_, std::vector<std::uint64_t>(std::size_t{1} << bits));
  bits_ = bits;
  for (const std::uint64_t s : old) {
    if (s == 0) continue;
    std::size_t pos = home(s >> 32);
    while (slots_[pos] != 0) pos = next(pos);
    slots_[pos] = s;
  }
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
