#pragma once
// What the sources do when a program runs on several ranks: check that every
// rank passed parallelize the same collection, send one rank's collection out
// in slices to the ranks that own them (parallelizeFrom), cut each rank's own
// data into its own partitions (fromLocal), and agree on the input files and
// their sizes (textFile, wholeTextFiles), so that every rank plans the same
// partitions.
#include <rill/core/byte_hash.hpp>
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/exec/trivial_bytes.hpp>
#include <rill/exec/wire.hpp>
#include <rill/io/directory.hpp>
#include <rill/io/input_files.hpp>
#include <rill/rdd/node.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill::detail {

/// Whether every byte a T is sent as belongs to its value: no padding, whose bytes
/// may differ between equal values (pairs are sent member by member).
template <class T>
inline constexpr bool kBytesAreValue =
    std::has_unique_object_representations_v<T> || std::is_same_v<T, float> || std::is_same_v<T, double>;
template <class A, class B>
inline constexpr bool kBytesAreValue<std::pair<A, B>> = kBytesAreValue<A> && kBytesAreValue<B>;

/// A hash of one element: of its bytes when they are its value, else std::hash's;
/// 0 for elements with neither (they are then compared by number only).
template <class T>
std::uint64_t elementHash(const T& x) {
  if constexpr (exec::RawWire<T> && kBytesAreValue<T>) {
    char bytes[exec::encodedSize<T>()];
    exec::detail::writeRaw(bytes, x);
    return hashBytes(bytes, sizeof bytes);
  } else if constexpr (requires { std::hash<T>{}(x); }) {
    return std::hash<T>{}(x);
  } else {
    return 0;
  }
}

/// A fingerprint of a collection: its size and its elements' hashes, in order.
template <class T>
std::pair<std::uint64_t, std::uint64_t> fingerprint(const std::vector<T>& all) {
  std::uint64_t h = 0x9E3779B97F4A7C15ull;
  for (const T& x : all) h = (h ^ elementHash(x)) * 0x100000001B3ull + 0x7F4A7C15ull;
  return {all.size(), h};
}

/// Throws std::invalid_argument on every rank alike when the ranks' fingerprints
/// of what they passed `op` differ. One function for every element type: only
/// the fingerprint depends on it.
RILL_RUNTIME void requireSameFingerprintOnEveryRank(exec::Cluster& cluster, std::string_view op,
                                                    std::pair<std::uint64_t, std::uint64_t> mine);

/// Throws std::invalid_argument on every rank alike when the ranks passed `op`
/// different collections (each rank must pass the same one).
template <class T>
void requireSameOnEveryRank(exec::Cluster& cluster, std::string_view op, const std::vector<T>& all) {
  requireSameFingerprintOnEveryRank(cluster, op, fingerprint(all));
}

/// Partition p of `all` cut into n slices as parallelize cuts it, moved out.
template <class T>
std::vector<T> takeSlice(std::vector<T>& all, std::size_t p, std::size_t n, std::size_t total) {
  const auto at = [&](std::size_t i) { return std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(i)); };
  return std::vector<T>(at(sliceBegin(p, total, n)), at(sliceBegin(p + 1, total, n)));
}

/// `root`'s collection `all` cut into n slices as parallelize cuts it, each slice
/// sent to the rank that owns it (the other ranks' `all` is ignored). Returns
/// this rank's slices in place, the others empty.
template <class T>
std::vector<std::vector<T>> scatterSlices(exec::Cluster& cluster, std::size_t root, std::vector<T> all,
                                          std::size_t n) {
  constexpr std::string_view tag = "parallelizeFrom";
  std::vector<std::vector<T>> parts(n);
  std::vector<exec::Bytes> send(cluster.size());
  cluster.runAndAgree(tag, [&] {
    if (cluster.rank() != root) return;
    const std::size_t total = all.size();
    for (std::size_t p = 0; p < n; ++p) {
      const std::size_t owner = blockOwner(p, n, cluster.size());
      if (owner == root)
        parts[p] = takeSlice(all, p, n, total);
      else
        exec::appendFrame(send[owner], takeSlice(all, p, n, total), tag);
    }
  });
  const std::vector<exec::Bytes> received = cluster.allToAll(tag, std::move(send));
  if (cluster.rank() == root) return parts;
  exec::FrameReader in(received[root]);
  const Block mine = ownedBlock(cluster.rank(), n, cluster.size());
  for (std::size_t p = mine.first; p < mine.last; ++p) parts[p] = exec::readWire<std::vector<T>>(in.next(), tag);
  return parts;
}

/// This rank's `local` elements as the partitions of n it owns (block placement),
/// cut as parallelize cuts a collection; the other partitions empty.
template <class T>
std::vector<std::vector<T>> localPartitions(const exec::Cluster& cluster, std::vector<T> local, std::size_t n) {
  if (n < cluster.size())
    throw std::invalid_argument(message({"rill: fromLocal needs at least one partition per rank: ", n,
                                         " partitions for ", cluster.size(), " ranks"}));
  const Block mine = ownedBlock(cluster.rank(), n, cluster.size());
  const std::size_t count = mine.last - mine.first;
  std::vector<std::vector<T>> parts(n);
  const std::size_t total = local.size();
  for (std::size_t i = 0; i < count; ++i) parts[mine.first + i] = takeSlice(local, i, count, total);
  return parts;
}

/// The files `path` names (io::inputFiles: a file, a directory's files, a
/// glob's matches) with their sizes, the same on every rank; an IoError on every
/// rank when a rank cannot list them or the ranks see different files or sizes
/// (the files must be on a filesystem every rank sees). `op` names the caller. An empty
/// path is an invalid argument, as Hadoop's Path refuses it.
RILL_RUNTIME std::vector<io::InputFile> agreedInputFiles(exec::Cluster& cluster, const std::string& path,
                                                         std::string_view op);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void requireSameFingerprintOnEveryRank(exec::Cluster& cluster, std::string_view op,
                                                    std::pair<std::uint64_t, std::uint64_t> mine) {
  // Built in the argument itself: g++ 12 at -O1 warns (falsely) on moving a named one in.
  const std::vector<exec::Bytes> every = cluster.allGather(op, [&] {
    exec::Bytes bytes;
    exec::appendWire(bytes, mine, op);
    return bytes;
  }());
  for (std::size_t r = 1; r < every.size(); ++r) {
    if (every[r] == every[0]) continue;
    const auto first = exec::readWire<std::pair<std::uint64_t, std::uint64_t>>(every[0], op);
    const auto other = exec::readWire<std::pair<std::uint64_t, std::uint64_t>>(every[r], op);
    throw std::invalid_argument(
        message({"rill: ", op, " got different collections on different ranks: rank 0 passed ", first.first,
                 " elements and rank ", r, " passed ", other.first, first.first == other.first ? " other ones" : "",
                 "; every rank must pass the same collection (parallelizeFrom(root, data) spreads one rank's "
                 "collection, fromLocal(data) makes each rank's own data its partitions)"}));
  }
}

RILL_RUNTIME std::vector<io::InputFile> agreedInputFiles(exec::Cluster& cluster, const std::string& path,
                                                         std::string_view op) {
  io::requireNonEmptyPath(path, op);
  std::vector<io::InputFile> files;
  cluster.runAndAgree(op, [&] { files = io::inputFiles(path); });
  if (cluster.size() == 1) return files;
  using Listing = std::vector<std::pair<std::string, std::uint64_t>>;
  Listing mine;
  for (const io::InputFile& f : files) mine.emplace_back(f.path, static_cast<std::uint64_t>(f.size));
  exec::Bytes bytes;
  exec::appendWire(bytes, mine, op);
  const std::vector<exec::Bytes> every = cluster.allGather(op, std::move(bytes));
  for (std::size_t r = 1; r < every.size(); ++r) {
    if (every[r] == every[0]) continue;
    const auto first = exec::readWire<Listing>(every[0], op);
    const auto other = exec::readWire<Listing>(every[r], op);
    // The first file that differs, or the counts when one listing ends first.
    std::size_t i = 0;
    while (i < first.size() && i < other.size() && first[i] == other[i]) ++i;
    const auto describe = [i](const Listing& l) {
      return i < l.size() ? message({"'", l[i].first, "' of ", l[i].second, " bytes"})
                          : message({l.size(), " files"});
    };
    throw IoError(message({"rill: ", op, "('", path, "'): rank 0 sees ", describe(first), " and rank ", r, " sees ",
                           describe(other), "; the files must be on a filesystem every rank sees"}));
  }
  return files;
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
