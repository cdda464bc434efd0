// Memory bounded in bytes: a receiver storing 1 MiB lines ten times faster than
// the batches take them keeps the process's peak resident memory (VmHWM) under
// the receiver's byte bound (rill.streaming.receiver.maxBufferedBytes, 64 MiB by
// default) plus the batch being processed plus the batch before it (a stream
// remembers its last batch until the next one completes, as Spark's default
// remember duration) plus a fixed overhead. Without the byte bound the record
// bound alone (a million records) lets the whole input pile up in the buffer.
//
// Alone in its executable, because VmHWM is the peak of the whole process; not
// run under AddressSanitizer or ThreadSanitizer, whose shadow memory and
// quarantine make resident memory meaningless.
#include "sanitized.hpp"
#include "stream_test_support.hpp"

#include <rill/stream/receiver_stream.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

// Memory use means nothing under a sanitizer (shadow memory, quarantine): the
// whole test is compiled without one only.
#ifndef RILL_TEST_SANITIZED
using namespace rill_stream_test;

namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;
constexpr std::size_t kBound = 64 * kMiB;             // the default maxBufferedBytes
constexpr std::size_t kLinesPerBatch = kBound / kMiB;  // 64 lines fill the buffer exactly
constexpr std::size_t kLines = 10 * kLinesPerBatch;    // ten batches' worth
// Beyond the lines themselves: the allocator's slack, the thread stacks and the
// one line the producer holds while it waits for room.
constexpr std::size_t kOverhead = 32 * kMiB;

// The peak resident set of this process so far, in bytes.
std::size_t peakResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string key;
  std::size_t kib = 0;
  while (status >> key) {
    if (key == "VmHWM:" && status >> kib) return kib * 1024;
    status.ignore(1 << 12, '\n');
  }
  FAIL("no VmHWM in /proc/self/status");
  return 0;
}

// FNV-1a: one multiply per byte in a chain the compiler cannot shorten, so a
// batch's 64 MiB take tens of milliseconds to process, while making them takes
// a few: the producer is about ten times faster than the processing.
std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

char letter(std::size_t i) { return static_cast<char>('a' + i % 26); }

// Stores `count` lines of 1 MiB as fast as store() lets it.
class BigLines final : public rill::Receiver<std::string> {
 public:
  explicit BigLines(std::size_t count) : count_(count) {}
  void onStart() override {
    spawn([this] {
      for (std::size_t i = stored.load(); i < count_ && !isStopped(); ++i) {
        store(std::string(kMiB, letter(i)));
        stored = i + 1;
      }
    });
  }
  void onStop() override {}
  std::string name() const override { return "BigLines"; }
  std::atomic<std::size_t> stored{0};

 private:
  std::size_t count_;
};

}  // namespace

TEST_CASE("1 MiB lines ten times faster than processing: peak memory stays within the byte bound plus one batch") {
  const std::size_t before = peakResidentBytes();
  ManualContext m;
  auto events = record(m.ssc);
  auto producer = std::make_shared<BigLines>(kLines);
  auto input = m.ssc.receiverStream(producer);
  std::vector<std::uint64_t> expected;  // the hash of a line of each letter
  for (std::size_t i = 0; i < 26; ++i) expected.push_back(fnv1a(std::string(kMiB, letter(i))));
  std::atomic<std::int64_t> bytes{0}, intact{0};
  input.foreachRDD([&](const auto& rdd) {
    rdd.foreach([&](const std::string& line) {
      bytes += static_cast<std::int64_t>(line.size());
      if (!line.empty() && fnv1a(line) == expected[static_cast<std::size_t>(line[0] - 'a')]) ++intact;
    });
  });
  m.ssc.start();
  // Each batch is cut once the buffer holds a batch's worth: the producer,
  // faster than the processing, is then blocked in store() or has finished.
  for (std::size_t taken = 0; taken < kLines; taken = static_cast<std::size_t>(bytes.load()) / kMiB) {
    REQUIRE(rill::detail::awaitBuffered(input, std::min(kLinesPerBatch, kLines - taken), kSafety));
    m.clock->advance(1s);
  }
  m.ssc.stop(false);
  const std::size_t peak = peakResidentBytes();

  std::vector<std::int64_t> perBatch;
  for (const auto& b : events->completed()) perBatch.push_back(b.numRecords);
  CHECK(perBatch == std::vector<std::int64_t>(kLines / kLinesPerBatch, static_cast<std::int64_t>(kLinesPerBatch)));
  CHECK(bytes == static_cast<std::int64_t>(kLines * kMiB));
  CHECK(intact == static_cast<std::int64_t>(kLines));
  CHECK(producer->stored == kLines);
  // Everything the producer made passed through (640 MiB); at most the buffer,
  // the batch being processed and the one remembered before it were held at once.
  INFO("peak before " << before / kMiB << " MiB, after " << peak / kMiB << " MiB");
  CHECK(peak <= before + kBound + 2 * kBound + kOverhead);
}
#endif
