// How a large shuffle between ranks holds its memory: big buffers ask for huge
// pages (which must never change what they hold, whatever pointer and size they
// are given), and a rank's process hands large freed blocks back to the system.
// A shuffle large enough to take those paths gives exactly what one process gives.
#include <doctest/doctest.h>

#include <rill/exec/huge_pages.hpp>
#include <rill/exec/large_blocks.hpp>
#include <rill/exec/trivial_bytes.hpp>
#include <rill/rdd.hpp>

#include "distributed_test_support.hpp"
#include "sanitized.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;

std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser: distinct keys in no order
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

std::vector<char> pattern(std::size_t n) {
  std::vector<char> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<char>(mix(i));
  return v;
}

}  // namespace

// glibc's own allocator only: a sanitizer's replaces it and reports nothing through mallinfo2.
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33) && !defined(RILL_TEST_SANITIZED)
// First in the file: a large free chunk left in the heap by an earlier test would serve the block.
TEST_CASE("returnLargeBlocksWhenFreed: blocks of 1 MiB and more are mapped on their own, after any free") {
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("GLIBC_TUNABLES")) return;  // the environment decides
  rill::exec::returnLargeBlocksWhenFreed();
  char* volatile big = static_cast<char*>(std::malloc(16 * kMiB));  // freed, it would raise glibc's threshold
  big[0] = 1;
  std::free(big);
  const std::size_t mappedBefore = mallinfo2().hblkhd;
  char* volatile block = static_cast<char*>(std::malloc(2 * kMiB));
  block[0] = 1;
  CHECK(mallinfo2().hblkhd >= mappedBefore + 2 * kMiB);
  std::free(block);
}
#endif

TEST_CASE("adviseHugePages takes any pointer and size and leaves the contents as they are") {
  using rill::exec::adviseHugePages;
  adviseHugePages(nullptr, 0);
  adviseHugePages(nullptr, 64 * kMiB);  // nothing mapped there: the refusal is ignored
  adviseHugePages(reinterpret_cast<const void*>(UINTPTR_MAX - 10), 64 * kMiB);  // would wrap around
  const std::vector<char> expected = pattern(20 * kMiB + 123);
  std::vector<char> data = expected;
  for (const std::size_t offset : {std::size_t{0}, std::size_t{1}, std::size_t{4095}, 3 * kMiB + 7})
    for (const std::size_t size : {std::size_t{0}, std::size_t{1}, 2 * kMiB, 9 * kMiB, 17 * kMiB - 1})
      adviseHugePages(data.data() + offset, size);
  CHECK(data == expected);
}

TEST_CASE("reserveOnHugePages reserves like reserve and keeps what the container holds") {
  std::string bytes = "abc";
  rill::exec::reserveOnHugePages(bytes, 12 * kMiB);
  CHECK(bytes == "abc");
  CHECK(bytes.capacity() >= 12 * kMiB);
  std::vector<std::pair<std::int64_t, std::int64_t>> pairs{{1, 2}};
  rill::exec::reserveOnHugePages(pairs, kMiB);
  CHECK(pairs == std::vector<std::pair<std::int64_t, std::int64_t>>{{1, 2}});
  CHECK(pairs.capacity() >= kMiB);
  rill::exec::reserveOnHugePages(pairs, 0);  // never shrinks
  CHECK(pairs.capacity() >= kMiB);
}

TEST_CASE("large buckets of raw bytes read back exactly, after a prefix and with or without padding") {
  using rill::exec::appendTrivial;
  using rill::exec::readTrivial;
  std::vector<std::pair<std::int64_t, std::int64_t>> plain(kMiB);  // 16 MiB: the huge-page path
  std::vector<std::pair<std::int64_t, std::int32_t>> padded(kMiB);   // written member by member
  for (std::size_t i = 0; i < kMiB; ++i) {
    plain[i] = {static_cast<std::int64_t>(mix(i)), static_cast<std::int64_t>(i)};
    padded[i] = {static_cast<std::int64_t>(mix(i)), static_cast<std::int32_t>(i)};
  }
  std::string a = "0123456";  // grown from a few bytes, as a frame's length comes first
  appendTrivial<std::pair<std::int64_t, std::int64_t>>(a, plain);
  CHECK(a.substr(0, 7) == "0123456");
  CHECK(readTrivial<std::pair<std::int64_t, std::int64_t>>(std::string_view(a).substr(7)) == plain);
  std::string b;
  appendTrivial<std::pair<std::int64_t, std::int32_t>>(b, padded);
  appendTrivial<std::pair<std::int64_t, std::int32_t>>(b, padded);
  CHECK(b.size() == 2 * kMiB * 12);
  auto twice = padded;
  twice.insert(twice.end(), padded.begin(), padded.end());
  CHECK(readTrivial<std::pair<std::int64_t, std::int32_t>>(b) == twice);
}

TEST_CASE("a shuffle of tens of megabytes between ranks gives what one process gives") {
  constexpr std::int64_t n = 2'500'000;  // 40 MB of pairs: each rank sends, receives and decodes over 8 MiB
  const auto body = [](rill::SparkContext& sc) {
    return sc.range(0, n)
        .map([](std::int64_t i) { return std::pair<std::uint64_t, std::int64_t>(mix(static_cast<std::uint64_t>(i)), i); })
        .sortByKey()
        .collect();
  };
  std::vector<std::pair<std::uint64_t, std::int64_t>> expected;
  for (std::int64_t i = 0; i < n; ++i) expected.emplace_back(mix(static_cast<std::uint64_t>(i)), i);
  std::sort(expected.begin(), expected.end());
  auto b = body;
  const auto got = distributed_test::onRanks(2, 2, b);
  for (const auto& rank : got) {
    REQUIRE(rank.value);
    CHECK(*rank.value == expected);
  }
}
