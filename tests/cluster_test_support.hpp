#pragma once
// What the cluster tests share (in-process and over MPI): the buffers they
// exchange, where every (sender, receiver) pair gets bytes of its own, of varied
// sizes including empty ones, so a buffer delivered to the wrong rank, cut short
// or reordered shows in an exact comparison; and how they look at exceptions.
#include <rill/exec/cluster.hpp>

#include <cstddef>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

namespace cluster_test {

using rill::exec::Bytes;

/// What rank `from` sends rank `to`: ((7 from + 3 to + 1) mod 5) * scale bytes.
inline Bytes pairBytes(std::size_t from, std::size_t to, std::size_t scale) {
  Bytes b((from * 7 + to * 3 + 1) % 5 * scale, '\0');
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<char>('a' + (from * 31 + to * 17 + i) % 26);
  return b;
}

/// Rank `rank`'s allToAll input.
inline std::vector<Bytes> sendsOf(std::size_t rank, std::size_t ranks, std::size_t scale) {
  std::vector<Bytes> out;
  for (std::size_t to = 0; to < ranks; ++to) out.push_back(pairBytes(rank, to, scale));
  return out;
}

/// What allToAll must return on rank `rank`.
inline std::vector<Bytes> receivesOf(std::size_t rank, std::size_t ranks, std::size_t scale) {
  std::vector<Bytes> out;
  for (std::size_t from = 0; from < ranks; ++from) out.push_back(pairBytes(from, rank, scale));
  return out;
}

/// Rank `rank`'s allGather input: rank * scale bytes (rank 0's is empty).
inline Bytes rankBytes(std::size_t rank, std::size_t scale) {
  Bytes b(rank * scale, '\0');
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<char>('A' + (rank * 13 + i) % 26);
  return b;
}

/// What allGather must return on every rank.
inline std::vector<Bytes> gathered(std::size_t ranks, std::size_t scale) {
  std::vector<Bytes> out;
  for (std::size_t r = 0; r < ranks; ++r) out.push_back(rankBytes(r, scale));
  return out;
}

/// The message of the E that `body` throws, or a note that it threw something else or nothing.
template <class E, class Body>
std::string messageOf(Body body) {
  try {
    body();
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("<another exception: ") + e.what() + ">";
  } catch (...) {
    return "<a non-standard exception>";
  }
  return "<nothing thrown>";
}

inline bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

}  // namespace cluster_test
