#pragma once
// The readers of one source (a direct stream, or one createRDD), kept between
// batches as Spark's executors cache their consumers: creating a consumer
// costs connections and a metadata round trip, and a kept one has already
// fetched ahead from where the last batch ended. Tasks lease a reader for their
// partition and give it back; beyond the capacity the least recently used goes.
#include <rill/core/runtime.hpp>
#include <rill/kafka/offset_range.hpp>
#include <rill/kafka/params.hpp>
#include <rill/kafka/partition_consumer.hpp>
#include <rill/kafka/read_settings.hpp>

#include <algorithm>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace rill::kafka::detail {

class ConsumerPool {
 public:
  ConsumerPool(KafkaParams params, ReadSettings settings) : params_(std::move(params)), settings_(settings) {}
  ConsumerPool(const ConsumerPool&) = delete;
  ConsumerPool& operator=(const ConsumerPool&) = delete;

  const KafkaParams& params() const { return params_; }
  const ReadSettings& settings() const { return settings_; }

  /// A reader of `tp`, given back to the pool when the lease ends.
  class Lease {
   public:
    Lease(ConsumerPool* pool, std::unique_ptr<PartitionConsumer> c) : pool_(pool), consumer_(std::move(c)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_->giveBack(std::move(consumer_)); }
    PartitionConsumer& operator*() const { return *consumer_; }
    PartitionConsumer* operator->() const { return consumer_.get(); }

   private:
    ConsumerPool* pool_;
    std::unique_ptr<PartitionConsumer> consumer_;
  };

  Lease lease(const TopicPartition& tp);

  /// Readers kept now (for tests).
  std::size_t idleCount() const {
    std::lock_guard lock(mutex_);
    return idle_.size();
  }

 private:
  void giveBack(std::unique_ptr<PartitionConsumer> c);

  KafkaParams params_;
  ReadSettings settings_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<PartitionConsumer>> idle_;  // guarded by mutex_
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME ConsumerPool::Lease ConsumerPool::lease(const TopicPartition& tp) {
  {
    std::lock_guard lock(mutex_);
    auto same = [&](const auto& c) { return c->topicPartition() == tp; };
    auto it = std::find_if(idle_.rbegin(), idle_.rend(), same);
    if (it != idle_.rend()) {
      auto c = std::move(*it);
      idle_.erase(std::next(it).base());
      return Lease(this, std::move(c));
    }
  }
  return Lease(this, std::make_unique<PartitionConsumer>(params_, tp));
}

RILL_RUNTIME void ConsumerPool::giveBack(std::unique_ptr<PartitionConsumer> c) {
  if (!settings_.cacheEnabled || settings_.cacheCapacity == 0) return;  // c closes here
  std::unique_ptr<PartitionConsumer> evicted;
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(c));  // most recently used last
    if (idle_.size() > settings_.cacheCapacity) {
      evicted = std::move(idle_.front());
      idle_.erase(idle_.begin());
    }
  }
  // evicted closes here, outside the lock (closing a consumer waits for its threads)
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::kafka::detail
