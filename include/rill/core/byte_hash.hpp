#pragma once
// hashBytes: the hash rill::Hash uses for std::string and std::string_view keys.
//
// Why not std::hash: on a word count (keys of a few bytes) libstdc++'s
// murmur-based std::hash<std::string_view> took about 30% of the per-word
// combine; this hash, after Wang Yi's wyhash (public domain: two
// 64x64->128-bit multiplies for a key of up to 16 bytes, no byte loop), cut
// the table's time from about 1.5x to 1.1x that of absl::flat_hash_map
// (benchmarks/bench_keyed.cpp, BM_CombineTable_*).
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace rill::detail {

namespace byte_hash {
inline constexpr std::uint64_t kSecret0 = 0x2d358dccaa6c78a5ull;
inline constexpr std::uint64_t kSecret1 = 0x8bb84b93962eacc9ull;

/// a, b = the low and high halves of their 128-bit product.
inline void multiply(std::uint64_t& a, std::uint64_t& b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  a = static_cast<std::uint64_t>(r);
  b = static_cast<std::uint64_t>(r >> 64);
}
/// The 128-bit product of a and b, folded: its halves xor-ed.
inline std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  multiply(a, b);
  return a ^ b;
}
inline std::uint64_t read8(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline std::uint64_t read4(const unsigned char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
}  // namespace byte_hash

inline std::size_t hashBytes(const void* data, std::size_t len) {
  using namespace byte_hash;
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t seed = kSecret0, a, b;
  if (len <= 16) {
    if (len >= 4) {  // two overlapping 4-byte reads from each end cover 4..16 bytes
      const std::size_t mid = (len >> 3) << 2;
      a = (read4(p) << 32) | read4(p + mid);
      b = (read4(p + len - 4) << 32) | read4(p + len - 4 - mid);
    } else if (len > 0) {
      a = (std::uint64_t{p[0]} << 16) | (std::uint64_t{p[len >> 1]} << 8) | p[len - 1];
      b = 0;
    } else {
      a = b = 0;
    }
  } else {
    std::size_t i = len;
    for (; i > 16; i -= 16, p += 16) seed = mix(read8(p) ^ kSecret1, read8(p + 8) ^ seed);
    a = read8(p + i - 16);  // the last 16 bytes, overlapping the loop's when len % 16 != 0
    b = read8(p + i - 8);
  }
  a ^= kSecret1;
  b ^= seed;
  multiply(a, b);
  return static_cast<std::size_t>(mix(a ^ kSecret0 ^ len, b ^ kSecret1));
}

}  // namespace rill::detail
