#pragma once
// The cross-rank half of a shuffle, written once for every element type. Target
// partitions are placed in blocks (blockOwner); a map task serialises its buckets
// for other ranks' targets as it finishes (exec/wire.hpp); one allToAll sends
// them and ends the map job (it carries the job's agreement); this rank's target
// tasks deserialise them one sending rank at a time, each rank's bytes freed
// once read. The element type enters only through a BucketCodec (three small
// functions per type), so a program compiles this protocol once, not once per
// shuffled type.
#include <rill/core/runtime.hpp>
#include <rill/exec/cluster.hpp>
#include <rill/exec/exchange.hpp>
#include <rill/exec/huge_pages.hpp>
#include <rill/exec/wire.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>
#include <rill/rdd/node.hpp>

#include <cstddef>
#include <exception>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace rill::detail {

/// The element-type-specific steps of a shuffle between ranks. `buckets` is a map
/// task's std::vector<std::vector<U>> (one bucket per target), `row` a target's
/// std::span<std::vector<U>> (one bucket per map task).
struct BucketCodec {
  std::size_t (*sizeHint)(const void* buckets, std::size_t target);
  void (*encode)(exec::Bytes& out, void* buckets, std::size_t target, std::string_view tag);  // frees the bucket
  void (*decode)(std::string_view frame, void* row, std::size_t map, std::string_view tag);
};

template <class U>
inline constexpr BucketCodec bucketCodec{
    [](const void* buckets, std::size_t r) {
      return exec::frameSizeHint((*static_cast<const std::vector<std::vector<U>>*>(buckets))[r]);
    },
    [](exec::Bytes& out, void* buckets, std::size_t r, std::string_view tag) {
      std::vector<U>& bucket = (*static_cast<std::vector<std::vector<U>>*>(buckets))[r];
      exec::appendFrame(out, bucket, tag);
      std::vector<U>().swap(bucket);  // its bytes replace it: the map output is not held twice
    },
    [](std::string_view frame, void* row, std::size_t m, std::string_view tag) {
      (*static_cast<std::span<std::vector<U>>*>(row))[m] = exec::readWire<std::vector<U>>(frame, tag);
    }};

/// One shuffle's exchange between ranks, as this rank sees it: the buckets its own
/// map tasks write for its own targets stay where they are (the caller keeps them);
/// those for other ranks are serialised per destination rank (targets ascending
/// within a map task, map tasks ascending), exchanged, and deserialised into the
/// rows of their targets.
class ShuffleExchange {
 public:
  ShuffleExchange(exec::Cluster& cluster, exec::ExchangeMetrics& metrics, std::string_view tag,
                  std::vector<std::size_t> mapOwners, std::size_t numTargets, const BucketCodec& codec);
  ~ShuffleExchange();

  /// Whether target r is reduced on this rank.
  bool isLocal(std::size_t r) const { return r >= mine_.first && r < mine_.last; }

  /// Serialises map task m's buckets for other ranks' targets (called from m's task).
  void put(std::size_t m, void* buckets);

  /// Sends every rank what this rank's map tasks wrote for it: the collective
  /// that also ends the map job (exchangeOnJob), whose failure on this rank is
  /// `mapFailure`. A map task that failed on any rank throws here on every rank.
  void exchange(SparkContext& sc, std::exception_ptr mapFailure);

  /// This rank's targets: [firstTarget(), endTarget()).
  std::size_t firstTarget() const { return mine_.first; }
  std::size_t endTarget() const { return mine_.last; }

  /// Fills `row` (target r's buckets, one per map task; r one of this rank's) with
  /// what rank `sender`'s map tasks sent to r.
  void read(std::size_t sender, std::size_t r, void* row);

  /// Frees what `sender` sent, once every target has read it: reading sender by
  /// sender, the received bytes and their decoded copy are never both whole.
  void release(std::size_t sender) { exec::Bytes().swap(received_[sender]); }

 private:
  std::size_t owner(std::size_t target) const { return blockOwner(target, targets_, cluster_->size()); }

  // Where each (map task, target) frame sits in the received buffers: in the
  // order their senders wrote them.
  void indexFrames();

  exec::Cluster* cluster_;
  exec::ExchangeMetrics* metrics_;
  const BucketCodec* codec_;
  std::string_view tag_;
  std::vector<std::size_t> mapOwners_;
  std::size_t targets_;
  Block mine_;  // this rank's targets
  std::vector<std::vector<exec::Bytes>> outgoing_;  // [m][rank]: map task m's frames for that rank
  std::vector<exec::Bytes> received_;
  std::vector<std::string_view> frames_;  // [(r - mine_.first) * maps + m], into received_
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME ShuffleExchange::~ShuffleExchange() = default;

RILL_RUNTIME ShuffleExchange::ShuffleExchange(exec::Cluster& cluster, exec::ExchangeMetrics& metrics,
                                              std::string_view tag, std::vector<std::size_t> mapOwners,
                                              std::size_t numTargets, const BucketCodec& codec)
    : cluster_(&cluster),
      metrics_(&metrics),
      codec_(&codec),
      tag_(tag),
      mapOwners_(std::move(mapOwners)),
      targets_(numTargets),
      mine_(ownedBlock(cluster.rank(), numTargets, cluster.size())),
      outgoing_(mapOwners_.size()),
      frames_((mine_.last - mine_.first) * mapOwners_.size()) {}

RILL_RUNTIME void ShuffleExchange::put(std::size_t m, void* buckets) {
  exec::TimedScope timed(metrics_->serializeNanos);
  std::vector<exec::Bytes>& out = outgoing_[m];
  out.resize(cluster_->size());
  std::vector<std::size_t> sizes(out.size(), 0);  // allocated once where known (no regrowth)
  for (std::size_t r = 0; r < targets_; ++r)
    if (!isLocal(r)) sizes[owner(r)] += codec_->sizeHint(buckets, r);
  for (std::size_t d = 0; d < out.size(); ++d) exec::reserveOnHugePages(out[d], sizes[d]);
  for (std::size_t r = 0; r < targets_; ++r)
    if (!isLocal(r)) codec_->encode(out[owner(r)], buckets, r, tag_);
}

RILL_RUNTIME void ShuffleExchange::exchange(SparkContext& sc, std::exception_ptr mapFailure) {
  std::vector<exec::Bytes> send(cluster_->size());
  std::optional<exec::TimedScope> joining(metrics_->serializeNanos);
  for (std::size_t d = 0; d < send.size(); ++d) {
    std::size_t total = 0, senders = 0;
    for (const auto& out : outgoing_)
      if (!out.empty() && !out[d].empty()) total += out[d].size(), ++senders;
    if (senders > 1) exec::reserveOnHugePages(send[d], total);
    for (auto& out : outgoing_) {
      if (out.empty() || out[d].empty()) continue;
      if (senders == 1)
        send[d] = std::move(out[d]);  // one sender's buffer goes as it is
      else
        send[d] += std::exchange(out[d], exec::Bytes());
    }
    metrics_->bytesSent.fetch_add(total, std::memory_order_relaxed);
  }
  outgoing_.clear();
  joining.reset();
  {
    exec::TimedScope timed(metrics_->exchangeNanos);
    received_ = exchangeOnJob(sc, tag_, std::move(mapFailure), std::move(send));
  }
  metrics_->exchanges.fetch_add(1, std::memory_order_relaxed);
  indexFrames();
}

RILL_RUNTIME void ShuffleExchange::read(std::size_t sender, std::size_t r, void* row) {
  exec::TimedScope timed(metrics_->deserializeNanos);
  for (std::size_t m = 0; m < mapOwners_.size(); ++m)
    if (mapOwners_[m] == sender) codec_->decode(frames_[(r - mine_.first) * mapOwners_.size() + m], row, m, tag_);
}

RILL_RUNTIME void ShuffleExchange::indexFrames() {
  for (std::size_t s = 0; s < received_.size(); ++s) {
    if (s == cluster_->rank()) continue;
    metrics_->bytesReceived.fetch_add(received_[s].size(), std::memory_order_relaxed);
    exec::FrameReader in(received_[s]);
    for (std::size_t m = 0; m < mapOwners_.size(); ++m)
      if (mapOwners_[m] == s)
        for (std::size_t r = mine_.first; r < mine_.last; ++r)
          frames_[(r - mine_.first) * mapOwners_.size() + m] = in.next();
  }
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
