#pragma once
// A cluster that passes every collective on to another one and records its
// tag: tests count the collectives an operation costs.
#include <rill/exec/cluster.hpp>

#include <cstddef>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace cluster_test {

class RecordingCluster final : public rill::exec::Cluster {
 public:
  explicit RecordingCluster(rill::exec::Cluster& inner) : inner_(inner) {}

  std::size_t rank() const override { return inner_.rank(); }
  std::size_t size() const override { return inner_.size(); }

  /// The tags of the collectives run so far, in order.
  std::vector<std::string> tags() const {
    std::lock_guard lock(m_);
    return tags_;
  }
  /// The tags of the collectives fn() runs.
  template <class F>
  std::vector<std::string> tagsOf(F&& fn) {
    const std::size_t before = tags().size();
    fn();
    std::vector<std::string> all = tags();
    return {all.begin() + static_cast<std::ptrdiff_t>(before), all.end()};
  }

 protected:
  using Bytes = rill::exec::Bytes;
  using Id = rill::exec::CollectiveId;
  std::vector<Bytes> doAllToAll(const Id& id, std::vector<Bytes> send) override {
    return inner_.allToAll(note(id), std::move(send));
  }
  std::vector<Bytes> doAllGather(const Id& id, Bytes mine) override { return inner_.allGather(note(id), std::move(mine)); }
  Bytes doBroadcast(const Id& id, Bytes data) override { return inner_.broadcast(note(id), id.root, std::move(data)); }
  void doBarrier(const Id& id) override { inner_.barrier(note(id)); }

 private:
  std::string note(const Id& id) {
    std::lock_guard lock(m_);
    return tags_.emplace_back(id.tagView());
  }

  rill::exec::Cluster& inner_;
  mutable std::mutex m_;
  std::vector<std::string> tags_;
};

}  // namespace cluster_test
