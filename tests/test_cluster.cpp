// The cluster collectives on the in-process cluster (ranks as threads) for 1, 2,
// 3 and 5 ranks: exact results of allToAll, allGather and broadcast (empty and
// large buffers too), operations that differ between ranks, a rank that never
// arrives, failures rethrown on every rank; plus the single-process cluster and
// the raw-bytes fast path. Each rank records what it saw; the test thread checks.
#include <doctest/doctest.h>

#include <rill/exec/cluster.hpp>
#include <rill/exec/local_cluster.hpp>
#include <rill/exec/trivial_bytes.hpp>

#include "cluster_test_support.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <ios>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

using cluster_test::Bytes;
using cluster_test::contains;
using cluster_test::messageOf;
using rill::exec::Cluster;
using rill::exec::runLocalCluster;

namespace {

constexpr std::size_t kRankCounts[] = {1, 2, 3, 5};

/// One value per rank, each written only by its own rank's thread.
template <class T>
std::vector<T> perRank(std::size_t ranks, auto body, std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  std::vector<T> out(ranks);
  runLocalCluster(ranks, [&](Cluster& c) { out[c.rank()] = body(c); }, timeout);
  return out;
}

struct CustomError : std::exception {
  const char* what() const noexcept override { return "custom failure"; }
};

/// A function that throws `e` as another rank would, from its failure bytes.
auto rethrown(std::exception_ptr e) {
  return [bytes = rill::exec::encodeFailure(e)] { rill::exec::throwFailure(bytes); };
}

}  // namespace

TEST_CASE("every rank knows its rank and the cluster's size") {
  for (const std::size_t n : kRankCounts) {
    const auto seen = perRank<std::pair<std::size_t, std::size_t>>(n, [](Cluster& c) {
      return std::pair(c.rank(), c.size());
    });
    for (std::size_t r = 0; r < n; ++r) CHECK(seen[r] == std::pair(r, n));
  }
}

TEST_CASE("allToAll delivers each rank's buffer for r to r, in rank order") {
  for (const std::size_t n : kRankCounts)
    for (const std::size_t scale : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, std::size_t{1} << 20}) {
      CAPTURE(n);
      CAPTURE(scale);
      const auto got = perRank<std::vector<Bytes>>(n, [&](Cluster& c) {
        return c.allToAll("shuffle", cluster_test::sendsOf(c.rank(), n, scale));
      });
      for (std::size_t r = 0; r < n; ++r) CHECK(got[r] == cluster_test::receivesOf(r, n, scale));
    }
}

TEST_CASE("allToAll needs one buffer per rank") {
  const auto messages = perRank<std::string>(2, [](Cluster& c) {
    return messageOf<std::invalid_argument>([&] { c.allToAll("shuffle", std::vector<Bytes>(3)); });
  });
  for (const std::string& m : messages) CHECK(m == "rill: allToAll 'shuffle' needs one buffer per rank: got 3 for 2 ranks");
}

TEST_CASE("allGather gives every rank every buffer in rank order") {
  for (const std::size_t n : kRankCounts)
    for (const std::size_t scale : {std::size_t{0}, std::size_t{7}, std::size_t{1} << 20}) {
      CAPTURE(n);
      CAPTURE(scale);
      const auto got = perRank<std::vector<Bytes>>(n, [&](Cluster& c) {
        return c.allGather("collect", cluster_test::rankBytes(c.rank(), scale));
      });
      for (std::size_t r = 0; r < n; ++r) CHECK(got[r] == cluster_test::gathered(n, scale));
    }
}

TEST_CASE("broadcast gives every rank the root's buffer and ignores the others'") {
  for (const std::size_t n : kRankCounts)
    for (std::size_t root = 0; root < n; ++root) {
      CAPTURE(n);
      CAPTURE(root);
      const Bytes data = cluster_test::rankBytes(root + 1, 100'000);
      const auto got = perRank<Bytes>(n, [&](Cluster& c) {
        return c.broadcast("time", root, c.rank() == root ? data : Bytes("not the root's"));
      });
      for (std::size_t r = 0; r < n; ++r) CHECK(got[r] == data);
      const auto empty = perRank<Bytes>(n, [&](Cluster& c) { return c.broadcast("nothing", root, Bytes()); });
      for (std::size_t r = 0; r < n; ++r) CHECK(empty[r].empty());
    }
  const auto messages = perRank<std::string>(2, [](Cluster& c) {
    return messageOf<std::invalid_argument>([&] { c.broadcast("time", 2, Bytes()); });
  });
  CHECK(messages[0] == "rill: broadcast 'time' from rank 2, but there are 2 ranks");
}

TEST_CASE("barrier returns only after every rank has reached it") {
  for (const std::size_t n : kRankCounts) {
    std::mutex m;
    std::size_t arrived = 0;
    const auto seen = perRank<std::size_t>(n, [&](Cluster& c) {
      {
        std::lock_guard lock(m);
        ++arrived;
      }
      c.barrier("sync");
      std::lock_guard lock(m);
      return arrived;
    });
    for (std::size_t r = 0; r < n; ++r) CHECK(seen[r] == n);
  }
}

TEST_CASE("ranks that call different operations all fail, naming both") {
  for (const std::size_t n : {2, 3, 5}) {
    CAPTURE(n);
    const auto messages = perRank<std::string>(n, [](Cluster& c) {
      c.barrier("warm-up");  // collective #1
      std::string m = messageOf<rill::SparkException>([&] {
        if (c.rank() == 0)
          c.allGather("collect", "x");
        else
          c.allToAll("reduceByKey", std::vector<Bytes>(c.size()));
      });
      c.barrier("still usable");  // every rank stopped at the same collective
      return m;
    });
    for (const std::string& m : messages)
      CHECK(m ==
            "rill: ranks called different collective operations: rank 0 called 'collect' (allGather, collective #2)"
            " while rank 1 called 'reduceByKey' (allToAll, collective #2) (every rank must run the same jobs in the "
            "same order)");
  }
}

TEST_CASE("a different tag or root is a different operation") {
  const auto tags = perRank<std::string>(3, [](Cluster& c) {
    return messageOf<rill::SparkException>([&] { c.barrier(c.rank() == 2 ? "count" : "collect"); });
  });
  for (const std::string& m : tags)
    CHECK(contains(m, "rank 0 called 'collect' (barrier, collective #1) while rank 2 called 'count' (barrier"));
  const auto roots = perRank<std::string>(2, [](Cluster& c) {
    return messageOf<rill::SparkException>([&] { c.broadcast("batch time", c.rank(), "t"); });
  });
  for (const std::string& m : roots)
    CHECK(contains(m, "rank 0 called 'batch time' (broadcast from rank 0, collective #1) while rank 1 called "
                      "'batch time' (broadcast from rank 1, collective #1)"));
  // tags are compared on their first 31 bytes
  const std::string longTag(40, 't');
  const auto same = perRank<std::string>(2, [&](Cluster& c) {
    return messageOf<rill::SparkException>([&] { c.barrier(longTag + std::to_string(c.rank())); });
  });
  CHECK(same[0] == "<nothing thrown>");
}

TEST_CASE("a rank that never reaches a collective is reported after the timeout") {
  for (const std::size_t n : {2, 3, 5}) {
    CAPTURE(n);
    const std::size_t absent = n - 1;
    std::mutex m;
    std::condition_variable cv;
    std::size_t reported = 0;
    const auto messages = perRank<std::vector<std::string>>(
        n,
        [&](Cluster& c) {
          std::vector<std::string> seen;
          if (c.rank() == absent) {
            // alive but elsewhere until every other rank has given up (bounded wait)
            std::unique_lock lock(m);
            cv.wait_for(lock, std::chrono::seconds(30), [&] { return reported == n - 1; });
          } else {
            seen.push_back(messageOf<rill::SparkException>([&] { c.barrier("sync"); }));
            std::lock_guard lock(m);
            ++reported;
            cv.notify_all();
          }
          seen.push_back(messageOf<rill::SparkException>([&] { c.barrier("later"); }));  // fails at once
          return seen;
        },
        std::chrono::milliseconds(200));
    const std::string timeout = "did not reach it within 200 ms (rill.cluster.timeout)";
    for (std::size_t r = 0; r + 1 < n; ++r) {
      CHECK(contains(messages[r][0], "'sync' (barrier, collective #1)"));
      CHECK(contains(messages[r][0], "rank " + std::to_string(absent) + " " + timeout));
      CHECK(contains(messages[r][1], timeout));
    }
    CHECK(contains(messages[absent][0], timeout));
  }
}

TEST_CASE("a timeout beyond the clock's range waits as long as it takes") {
  // Long.MaxValue milliseconds, as "never time out" is often written.
  for (const auto timeout : {std::chrono::milliseconds::max(), std::chrono::milliseconds(std::int64_t{1} << 50)}) {
    CAPTURE(timeout.count());
    const auto got = perRank<std::vector<Bytes>>(3, [&](Cluster& c) {
      c.setTimeout(timeout);
      if (c.rank() == 2) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      return c.allGather("late", cluster_test::rankBytes(c.rank(), 3));
    });
    for (std::size_t r = 0; r < 3; ++r) CHECK(got[r] == cluster_test::gathered(3, 3));
  }
}

TEST_CASE("a rank that returns without reaching a collective is reported at once") {
  const auto messages = perRank<std::string>(
      3,
      [](Cluster& c) -> std::string {
        if (c.rank() == 1) return "";
        return messageOf<rill::SparkException>([&] { c.barrier("sync"); });
      },
      std::chrono::seconds(60));  // were it missed, the timeout's message would fail the checks below
  for (const std::size_t r : {0, 2}) {  // "on rank 0" or "on rank 2": the rank that noticed first
    CHECK(contains(messages[r], "rill: collective 'sync' (barrier, collective #1) on rank "));
    CHECK(contains(messages[r], ": rank 1 finished without reaching it"));
  }
}

TEST_CASE("runLocalCluster rethrows the exception of the lowest rank that threw") {
  CHECK(messageOf<std::runtime_error>([] {
          runLocalCluster(3, [](Cluster& c) {
            if (c.rank() > 0) throw std::runtime_error("rank " + std::to_string(c.rank()));
          });
        }) == "rank 1");
  CHECK(messageOf<std::invalid_argument>([] { runLocalCluster(0, [](Cluster&) {}); }) ==
        "rill: runLocalCluster needs at least one rank");
}

TEST_CASE("a failure on one rank is thrown on every rank with its type and message") {
  for (const std::size_t n : kRankCounts) {
    CAPTURE(n);
    const std::size_t last = n - 1;
    const auto seen = perRank<std::vector<std::string>>(n, [&](Cluster& c) {
      const auto failOn = [&](std::size_t rank, auto error) {
        return c.rank() == rank ? std::make_exception_ptr(error) : nullptr;
      };
      std::vector<std::string> s;
      s.push_back(messageOf<rill::SparkException>([&] { c.agreeOnFailure("none", nullptr); }));
      s.push_back(messageOf<std::invalid_argument>(
          [&] { c.agreeOnFailure("stdlib", failOn(last, std::invalid_argument("bad key on the last rank"))); }));
      s.push_back(messageOf<rill::IoError>(
          [&] { c.agreeOnFailure("rill", failOn(last, rill::IoError("rill: cannot open 'x'"))); }));
      s.push_back(messageOf<rill::UnsupportedOperationException>([&] {
        c.agreeOnFailure("subclass", failOn(0, rill::UnsupportedOperationException("empty collection")));
      }));
      s.push_back(messageOf<rill::SparkException>([&] { c.agreeOnFailure("custom", failOn(last, CustomError())); }));
      s.push_back(messageOf<rill::SparkException>([&] { c.agreeOnFailure("int", failOn(0, 42)); }));
      std::exception_ptr two = failOn(last, std::logic_error("the last rank"));
      if (c.rank() == 0) two = std::make_exception_ptr(std::overflow_error("rank 0"));
      s.push_back(messageOf<std::overflow_error>([&] { c.agreeOnFailure("two", two); }));
      return s;
    });
    for (std::size_t r = 0; r < n; ++r) {
      CAPTURE(r);
      CHECK(seen[r][0] == "<nothing thrown>");
      CHECK(seen[r][1] == "bad key on the last rank");
      CHECK(seen[r][2] == "rill: cannot open 'x'");
      CHECK(seen[r][3] == "empty collection");
      CHECK(seen[r][4] == "(anonymous namespace)::CustomError: custom failure");
      CHECK(seen[r][5] == "an exception of a type not derived from std::exception");
      CHECK(seen[r][6] == "rank 0");
    }
  }
}

/// Every rank's view of two agreements, agree(cluster, tag, failure): a calm one, and
/// one where the middle and the last rank fail.
struct AgreementsSeen {
  std::vector<Bytes> calm, stormy;
  std::string thrown;  // what the stormy one rethrew
};
std::vector<AgreementsSeen> calmAndStormy(std::size_t n, auto agree) {
  return perRank<AgreementsSeen>(n, [&](Cluster& c) {
    AgreementsSeen s;
    const rill::exec::Agreement calm = agree(c, "calm", nullptr);
    s.calm = calm.payloads;
    CHECK(calm.failure.empty());
    calm.rethrow();
    std::exception_ptr failure;
    if (c.rank() == n - 1) failure = std::make_exception_ptr(std::out_of_range("the last rank"));
    if (c.rank() == n / 2) failure = std::make_exception_ptr(std::domain_error("the middle rank"));
    const rill::exec::Agreement stormy = agree(c, "stormy", failure);
    s.stormy = stormy.payloads;
    s.thrown = messageOf<std::domain_error>([&] { stormy.rethrow(); });
    return s;
  });
}

TEST_CASE("agree: every rank's payload in rank order, also when a rank failed, then the lowest failure") {
  for (const std::size_t n : kRankCounts) {
    CAPTURE(n);
    const auto seen = calmAndStormy(n, [](Cluster& c, std::string_view tag, std::exception_ptr failure) {
      return c.agree(tag, failure, cluster_test::rankBytes(c.rank(), 700));
    });
    for (std::size_t r = 0; r < n; ++r) {
      CAPTURE(r);
      CHECK(seen[r].calm == cluster_test::gathered(n, 700));
      CHECK(seen[r].stormy == cluster_test::gathered(n, 700));
      CHECK(seen[r].thrown == "the middle rank");
    }
  }
}

TEST_CASE("agreeAllToAll: what each rank sent here, in rank order, also when a rank failed, then the lowest failure") {
  const auto path = [](std::size_t from, std::size_t to) { return std::to_string(from) + "->" + std::to_string(to); };
  for (const std::size_t n : kRankCounts) {
    CAPTURE(n);
    const auto seen = calmAndStormy(n, [&](Cluster& c, std::string_view tag, std::exception_ptr failure) {
      std::vector<Bytes> send;
      for (std::size_t j = 0; j < n; ++j) send.push_back(path(c.rank(), j));
      return c.agreeAllToAll(tag, failure, std::move(send));
    });
    for (std::size_t r = 0; r < n; ++r) {
      CAPTURE(r);
      std::vector<Bytes> toMe;
      for (std::size_t i = 0; i < n; ++i) toMe.push_back(path(i, r));
      CHECK(seen[r].calm == toMe);
      CHECK(seen[r].stormy == toMe);
      CHECK(seen[r].thrown == "the middle rank");
    }
  }
}

TEST_CASE("failure bytes keep the standard types exactly, a subclass is another type") {
  CHECK(messageOf<std::out_of_range>(rethrown(std::make_exception_ptr(std::out_of_range("i")))) == "i");
  CHECK(messageOf<std::bad_alloc>(rethrown(std::make_exception_ptr(std::bad_alloc()))) == std::bad_alloc().what());
  const std::system_error sys(std::make_error_code(std::errc::no_such_file_or_directory), "open 'x'");
  const std::string sysMessage = messageOf<std::system_error>(rethrown(std::make_exception_ptr(sys)));
  CHECK(sysMessage == sys.what());
  struct Derived : std::runtime_error {
    using std::runtime_error::runtime_error;
  };
  const std::string derived = messageOf<rill::SparkException>(rethrown(std::make_exception_ptr(Derived("d"))));
  CHECK(contains(derived, "Derived: d"));
  try {
    rethrown(std::make_exception_ptr(rill::BatchFailed("batch 3 failed")))();
  } catch (const rill::BatchFailed& e) {
    CHECK(std::string(e.what()) == "batch 3 failed");
  }
}

TEST_CASE("failure bytes keep a system_error's or its subclass's what() as it was") {
  // Made without a message of its own, what() is the code's message alone.
  const std::system_error bare(std::make_error_code(std::errc::no_such_file_or_directory));
  const std::system_error empty(std::make_error_code(std::errc::no_such_file_or_directory), "");
  for (const std::system_error& sys : {bare, empty}) {
    CAPTURE(std::string(sys.what()));
    try {
      rethrown(std::make_exception_ptr(sys))();
      FAIL("expected an exception");
    } catch (const std::system_error& e) {
      CHECK(std::string(e.what()) == sys.what());
      CHECK(e.code() == sys.code());
    }
  }
  // A subclass becomes a SparkException, whose message keeps all of what().
  const std::ios_base::failure io("read failed");
  const std::string ioMessage = messageOf<rill::SparkException>(rethrown(std::make_exception_ptr(io)));
  CHECK(ioMessage.ends_with(std::string(": ") + io.what()));
}

TEST_CASE("the single-process cluster returns every input as it is") {
  rill::exec::SingleProcessCluster c;
  CHECK(c.rank() == 0);
  CHECK(c.size() == 1);
  CHECK(c.isDriver());
  CHECK(c.allToAll("shuffle", {Bytes("abc")}) == std::vector<Bytes>{"abc"});
  CHECK(c.allGather("collect", "x") == std::vector<Bytes>{"x"});
  CHECK(c.broadcast("time", 0, "t") == "t");
  c.barrier("sync");
  CHECK(messageOf<rill::SparkException>([&] {
          c.agreeOnFailure("custom", std::make_exception_ptr(CustomError()));
        }) == "(anonymous namespace)::CustomError: custom failure");
  CHECK(messageOf<std::invalid_argument>([&] { c.setTimeout(std::chrono::milliseconds(0)); }) ==
        "rill: rill.cluster.timeout must be positive, got 0 ms");
  c.setTimeout(std::chrono::milliseconds(5));
  CHECK(c.timeout() == std::chrono::milliseconds(5));
}

TEST_CASE("numbers and pairs of numbers travel as raw bytes") {
  using rill::exec::appendTrivial;
  using rill::exec::readTrivial;
  const std::vector<int> ints = {1, -2, 3};
  Bytes b;
  appendTrivial<int>(b, ints);
  appendTrivial<int>(b, std::vector<int>{4});
  CHECK(b.size() == 4 * sizeof(int));
  CHECK(readTrivial<int>(b) == std::vector<int>{1, -2, 3, 4});

  using Pair = std::pair<std::int64_t, std::pair<char, double>>;
  static_assert(rill::exec::encodedSize<Pair>() == 8 + 1 + 8);  // members only, no padding
  const std::vector<Pair> pairs = {{1, {'a', 0.5}}, {-7, {'z', -1e300}}};
  Bytes p;
  appendTrivial<Pair>(p, pairs);
  CHECK(p.size() == 2 * 17);
  CHECK(readTrivial<Pair>(p) == pairs);
  CHECK(readTrivial<Pair>(Bytes()).empty());
  CHECK(messageOf<rill::SparkException>([&] { readTrivial<Pair>(p.substr(1)); }) ==
        "rill: 33 bytes are not a whole number of 17-byte elements");
  static_assert(!rill::exec::TriviallyEncodable<std::pair<int, std::string>>);
  static_assert(!rill::exec::TriviallyEncodable<std::string>);
}
