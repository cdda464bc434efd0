// compile-cost probe: the word count written by hand with two threads and a hash
// shuffle, the least machinery a parallel engine needs (a task queue, a
// std::function per task, a mutex, condition variables, per-partition tables). It
// is the floor against which rill's own cost is read: what rill adds on top of it.
// Not part of the CMake build; tools/compile_cost compiles it.
#include <rill/core/split.hpp>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

class Pool {
 public:
  explicit Pool(int n) {
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { loop(); });
  }
  ~Pool() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  // Runs task(0..n-1) on the pool and waits; rethrows the first exception.
  void run(int n, const std::function<void(int)>& task) {
    int left = n;
    std::mutex doneMutex;
    std::condition_variable done;
    std::exception_ptr error;
    for (int i = 0; i < n; ++i) {
      std::lock_guard lock(m_);
      queue_.push_back([&, i] {
        std::exception_ptr e;
        try {
          task(i);
        } catch (...) {
          e = std::current_exception();
        }
        std::lock_guard g(doneMutex);
        if (e && !error) error = e;
        if (--left == 0) done.notify_all();
      });
      cv_.notify_one();
    }
    std::unique_lock lock(doneMutex);
    done.wait(lock, [&] { return left == 0; });
    if (error) std::rethrow_exception(error);
  }

 private:
  void loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(m_);
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (queue_.empty()) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      job();
    }
  }
  std::vector<std::thread> threads_;
  std::deque<std::function<void()>> queue_;
  std::mutex m_;
  std::condition_variable cv_;
  bool stop_ = false;
};

using Table = std::unordered_map<std::string, int>;

}  // namespace

int main() {
  const std::vector<std::vector<std::string>> partitions{{"to be or not to be"}, {"that is the question"}};
  Pool pool(2);
  // map side: each partition counts into one table per reducer (hash of the word)
  std::vector<std::vector<Table>> buckets(2, std::vector<Table>(2));
  pool.run(2, [&](int p) {
    for (const auto& line : partitions[p])
      for (auto& word : rill::split(line, ' ')) buckets[p][std::hash<std::string>{}(word) % 2][word] += 1;
  });
  // reduce side: each reducer merges its bucket of every partition
  std::vector<Table> counts(2);
  pool.run(2, [&](int r) {
    for (int p = 0; p < 2; ++p)
      for (const auto& [word, n] : buckets[p][r]) counts[r][word] += n;
  });
  for (const auto& table : counts)
    for (const auto& [word, n] : table) std::cout << "(" << word << "," << n << ")\n";
}
