#pragma once
// The rule the distributed RDD tests check: a job run by P ranks of local[N]
// each (the in-process cluster, ranks as threads) gives every rank exactly what
// one process of local[P*N] gives: the same value, or the same exception type
// and message. sameAsOneProcess(body) runs body(sc) both ways for P in
// {1, 2, 3, 5} and N in {1, 3}; each test case is one body. With the value,
// or (sameFailureAsOneProcess) the error, one process must give, the one
// process is checked too.
#include <doctest/doctest.h>

#include <rill/core/show.hpp>
#include <rill/exec/local_cluster.hpp>
#include <rill/rdd/spark_context.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <exception>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace distributed_test {

inline constexpr std::size_t kRanks[] = {1, 2, 3, 5};
inline constexpr std::size_t kThreads[] = {1, 3};
/// Long enough for any test job, short enough that a hang fails the test.
inline constexpr std::chrono::milliseconds kTimeout{60'000};

inline rill::SparkConf conf(std::size_t threads) {
  return rill::SparkConf().setAppName("rill-distributed-test").setMaster("local[" + std::to_string(threads) + "]");
}

/// What a job gave: its value, or "<exception type>: <message>".
template <class R>
struct Outcome {
  std::optional<R> value;
  std::string error;
  bool operator==(const Outcome&) const = default;

  friend std::ostream& operator<<(std::ostream& os, const Outcome& o) {
    if (!o.value) return os << "threw " << o.error;
    if constexpr (requires { rill::toString(*o.value); })
      return os << rill::toString(*o.value);
    else
      return os << "(a value)";
  }
};

template <class F>
auto outcomeOf(F&& f) {
  using R = std::remove_cvref_t<decltype(f())>;
  Outcome<R> out;
  try {
    out.value.emplace(f());
  } catch (const std::exception& e) {
    out.error = rill::detail::demangledName(typeid(e)) + ": " + e.what();
  }
  return out;
}

/// A number unique to each run of a body (one process or one cluster), for
/// bodies that need a fresh output path per run; the same on every rank of a run.
inline std::size_t nextRun() {
  static std::atomic<std::size_t> runs{0};
  return ++runs;
}

/// body(sc) or body(sc, run): every rank's value per (P, N).
template <class Body>
auto callBody(Body& body, rill::SparkContext& sc, std::size_t run) {
  if constexpr (std::is_invocable_v<Body&, rill::SparkContext&, std::size_t>)
    return body(sc, run);
  else
    return body(sc);
}

/// The outcomes of body on P in-process ranks of local[N] each, indexed by rank.
template <class Body>
auto onRanks(std::size_t ranks, std::size_t threads, Body& body) {
  using R = std::remove_cvref_t<decltype(callBody(body, std::declval<rill::SparkContext&>(), 0))>;
  std::vector<Outcome<R>> got(ranks);
  const std::size_t run = nextRun();
  rill::exec::runLocalCluster(
      ranks,
      [&](rill::exec::Cluster& cluster) {
        rill::SparkContext sc(conf(threads), cluster);
        got[cluster.rank()] = outcomeOf([&] { return callBody(body, sc, run); });
      },
      kTimeout);
  return got;
}

/// The outcome of body in one process of local[threads].
template <class Body>
auto inOneProcess(std::size_t threads, Body& body) {
  rill::SparkContext sc(conf(threads));
  const std::size_t run = nextRun();
  return outcomeOf([&] { return callBody(body, sc, run); });
}

/// Checks that P ranks of local[N] give every rank what one process of
/// local[P*N] gives, after checkOne(that outcome).
template <class Body, class CheckOne>
void compareWithOneProcess(Body& body, CheckOne checkOne) {
  for (const std::size_t ranks : kRanks)
    for (const std::size_t threads : kThreads) {
      CAPTURE(ranks);
      CAPTURE(threads);
      const auto expected = inOneProcess(ranks * threads, body);
      checkOne(expected);
      const auto got = onRanks(ranks, threads, body);
      for (std::size_t r = 0; r < ranks; ++r) {
        CAPTURE(r);
        CHECK(got[r] == expected);
      }
    }
}

/// Checks that P ranks of local[N] give every rank what one process of local[P*N] gives.
template <class Body>
void sameAsOneProcess(Body body) {
  compareWithOneProcess(body, [](const auto&) {});
}

/// sameAsOneProcess, where one process gives `value`: so ranks that agree
/// with a wrong one-process result fail too.
template <class Body, class R>
void sameAsOneProcess(Body body, const R& value) {
  compareWithOneProcess(body, [&](const auto& one) { CHECK(one == std::remove_cvref_t<decltype(one)>{value, {}}); });
}

/// sameAsOneProcess, where one process fails with `error`, "<exception type>:
/// <message>" (e.g. "std::runtime_error: element 42 is bad"): so a failure
/// every run swallowed, or turned into another, fails the test.
template <class Body>
void sameFailureAsOneProcess(Body body, const std::string& error) {
  compareWithOneProcess(body,
                        [&](const auto& one) { CHECK(one == std::remove_cvref_t<decltype(one)>{std::nullopt, error}); });
}

/// A sorted copy of a map's entries (unordered maps compare, and print, in one order).
template <class Map>
auto sortedEntries(const Map& map) {
  std::vector<std::pair<typename Map::key_type, typename Map::mapped_type>> out(map.begin(), map.end());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace distributed_test
