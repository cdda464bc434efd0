#pragma once
// What every rank says about the collective it is entering: its sequence number,
// kind, root and the operation's tag ("reduceByKey", "collect"). Every cluster
// implementation exchanges these first and compares them, so a program whose
// ranks took different branches fails with a message naming both operations
// instead of pairing unrelated data (or hanging).
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

namespace rill::exec {

/// The setting (milliseconds) after which a rank waiting in a collective for a
/// rank that never arrives fails. Long by default: a rank still running a large
/// task is indistinguishable from one that will never come.
inline constexpr std::string_view kClusterTimeoutSetting = "rill.cluster.timeout";
inline constexpr std::chrono::milliseconds kDefaultClusterTimeout{600'000};

enum class CollectiveKind : std::uint32_t { allToAll, allGather, broadcast, barrier };

RILL_RUNTIME const char* kindName(CollectiveKind kind);

/// A fixed-size, trivially copyable record, so it travels as raw bytes. Tags are
/// compared on their first kTagBytes - 1 bytes.
struct CollectiveId {
  static constexpr std::size_t kTagBytes = 32;

  std::uint64_t sequence = 0;
  CollectiveKind kind = CollectiveKind::barrier;
  std::uint32_t root = 0;  // broadcast only
  char tag[kTagBytes] = {};

  CollectiveId() = default;
  CollectiveId(std::uint64_t seq, CollectiveKind k, std::uint32_t rootRank, std::string_view name);

  std::string_view tagView() const {
    return {tag, static_cast<std::size_t>(std::find(tag, tag + kTagBytes, '\0') - tag)};
  }
  bool operator==(const CollectiveId& o) const {
    return sequence == o.sequence && kind == o.kind && root == o.root && tagView() == o.tagView();
  }

  /// "'collect' (allGather, collective #4)"
  std::string describe() const;
};

/// Throws, identically on every rank, if the ranks' ids differ: every rank sees
/// the same ids, so each names the same pair (rank 0 and the first that differs).
RILL_RUNTIME void checkSameCollective(std::span<const CollectiveId> ids);

/// When a wait of `timeout` from now ends on the steady clock: its last time point
/// when the timeout reaches beyond it (Long.MaxValue milliseconds: no end).
RILL_RUNTIME std::chrono::steady_clock::time_point deadlineAfter(std::chrono::milliseconds timeout);

/// The text of a timeout, `who` naming the ranks that did not arrive (or "not every rank").
RILL_RUNTIME std::string collectiveTimeoutMessage(const CollectiveId& id, std::size_t rank, std::string_view who,
                                                  std::chrono::milliseconds timeout);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME const char* kindName(CollectiveKind kind) {
  switch (kind) {
    case CollectiveKind::allToAll:
      return "allToAll";
    case CollectiveKind::allGather:
      return "allGather";
    case CollectiveKind::broadcast:
      return "broadcast";
    case CollectiveKind::barrier:
      return "barrier";
  }
  return "unknown collective";
}

RILL_RUNTIME CollectiveId::CollectiveId(std::uint64_t seq, CollectiveKind k, std::uint32_t rootRank,
                                        std::string_view name)
    : sequence(seq), kind(k), root(rootRank) {
  std::memcpy(tag, name.data(), std::min(name.size(), kTagBytes - 1));
}

RILL_RUNTIME std::string CollectiveId::describe() const {
  const std::string rootText =
      kind == CollectiveKind::broadcast ? rill::detail::message({" from rank ", root}) : std::string();
  return rill::detail::message({"'", tagView(), "' (", kindName(kind), rootText, ", collective #", sequence, ")"});
}

RILL_RUNTIME void checkSameCollective(std::span<const CollectiveId> ids) {
  for (std::size_t r = 1; r < ids.size(); ++r)
    if (!(ids[r] == ids[0]))
      throw SparkException(rill::detail::message({"rill: ranks called different collective operations: rank 0 called ",
                                                  ids[0].describe(), " while rank ", r, " called ", ids[r].describe(),
                                                  " (every rank must run the same jobs in the same order)"}));
}

RILL_RUNTIME std::chrono::steady_clock::time_point deadlineAfter(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point now = Clock::now();
  // In milliseconds, rounded down: now + timeout then stays within the clock's range.
  const auto room = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - now);
  return timeout < room ? now + timeout : Clock::time_point::max();
}

RILL_RUNTIME std::string collectiveTimeoutMessage(const CollectiveId& id, std::size_t rank, std::string_view who,
                                                  std::chrono::milliseconds timeout) {
  return rill::detail::message({"rill: collective ", id.describe(), " on rank ", rank, ": ", who,
                                " did not reach it within ", timeout.count(), " ms (", kClusterTimeoutSetting,
                                "); a rank may have failed, returned early or taken another branch"});
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::exec
