// Failures and misuse on P in-process ranks never hang: a task that throws on
// one rank makes the action throw on every rank (the same type and message as
// in one process for rill's and the standard exception types); ranks that run
// different operations fail naming both; a rank that stops early is reported;
// elements that cannot be serialised fail only when they must travel.
#include <doctest/doctest.h>

#include <rill/rdd.hpp>

#include "distributed_test_support.hpp"
#include "rdd_test_support.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using distributed_test::onRanks;
using distributed_test::sameAsOneProcess;
using distributed_test::sameFailureAsOneProcess;
using rill::SparkContext;
using rill_test::iota;

namespace {

const std::string kBad42 = "std::runtime_error: element 42 is bad";

/// Throws on one element only, so one task on one rank fails.
int failOn42(int x) {
  if (x == 42) throw std::runtime_error("element 42 is bad");
  return x;
}

struct CustomError : std::exception {
  const char* what() const noexcept override { return "custom failure"; }
};

/// Not trivially copyable, no serialize function: cannot travel between ranks.
struct Opaque {
  std::string text;
  bool operator==(const Opaque&) const = default;
};

/// Each rank's outcome for P ranks of local[2], for P = 2, 3, 5.
template <class Body, class Check>
void onSeveralRanks(Body body, Check check) {
  for (const std::size_t ranks : {2, 3, 5}) {
    CAPTURE(ranks);
    for (const auto& got : onRanks(ranks, 2, body)) check(got);
  }
}

}  // namespace

TEST_CASE("a task failing on one rank fails the action on every rank, as in one process") {
  sameFailureAsOneProcess([](SparkContext& sc) { return sc.parallelize(iota(0, 100), 10).map(failOn42).collect(); },
                          kBad42);
  sameFailureAsOneProcess([](SparkContext& sc) { return sc.parallelize(iota(0, 100), 10).map(failOn42).count(); },
                          kBad42);
  sameFailureAsOneProcess([](SparkContext& sc) { return sc.parallelize(iota(0, 100), 10).map(failOn42).take(70); },
                          kBad42);
}

TEST_CASE("a failure on either side of a shuffle fails it on every rank") {
  sameFailureAsOneProcess(
      [](SparkContext& sc) {  // map side
        return sc.parallelize(iota(0, 100), 10)
            .map([](int x) { return std::pair(x % 10, failOn42(x)); })
            .reduceByKey([](int a, int b) { return a + b; })
            .collect();
      },
      kBad42);
  sameFailureAsOneProcess(
      [](SparkContext& sc) {  // reduce side: combiners of key 2 from two map tasks meet
        return sc.parallelize(iota(0, 100), 10)
            .map([](int x) { return std::pair(x % 10, x); })
            .reduceByKey([](int a, int b) {
              if (b == 92) throw std::invalid_argument("merge failed");
              return a + b;
            })
            .collect();
      },
      "std::invalid_argument: merge failed");
  sameFailureAsOneProcess(
      [](SparkContext& sc) {  // the sort's sample job
        return sc.parallelize(iota(0, 100), 10).map([](int x) { return std::pair(failOn42(x), x); }).sortByKey().count();
      },
      kBad42);
}

TEST_CASE("work after a failed job goes on normally on every rank") {
  sameAsOneProcess(
      [](SparkContext& sc) {
        std::string error;
        try {
          sc.parallelize(iota(0, 100), 10).map(failOn42).collect();
        } catch (const std::runtime_error& e) {
          error = e.what();
        }
        return std::pair(error, sc.parallelize(iota(0, 100), 10).reduce([](int a, int b) { return a + b; }));
      },
      std::pair(std::string("element 42 is bad"), 4950));
}

TEST_CASE("saveAsTextFile that fails leaves no parts and no _SUCCESS on any rank") {
  const std::string root = rill_test::tmpPath("distributed-save-failure");
  std::filesystem::create_directories(root);
  sameAsOneProcess(
      [&](SparkContext& sc, std::size_t run) {
        const std::string dir = root + "/run" + std::to_string(run);
        std::string error;
        try {
          sc.parallelize(iota(0, 100), 8).map(failOn42).saveAsTextFile(dir);
        } catch (const std::runtime_error& e) {
          error = e.what();
        }
        return std::pair(error, std::filesystem::is_empty(dir));
      },
      std::pair(std::string("element 42 is bad"), true));
}

TEST_CASE("a missing file fails textFile on every rank") {
  const std::string missing = rill_test::tmpPath("no-such-file.txt");
  sameFailureAsOneProcess([&](SparkContext& sc) { return sc.textFile(missing).count(); },
                          "rill::IoError: rill: cannot open file '" + missing + "': No such file or directory");
}

TEST_CASE("an exception of the program's own type arrives on other ranks as SparkException with its name") {
  auto body = [](SparkContext& sc) {
    return sc.parallelize(iota(0, 100), 10)
        .map([](int x) {
          if (x == 99) throw CustomError();
          return x;
        })
        .count();
  };
  CHECK(distributed_test::inOneProcess(4, body).error == "(anonymous namespace)::CustomError: custom failure");
  onSeveralRanks(body, [](const auto& got) {
    CHECK(got.error == "rill::SparkException: (anonymous namespace)::CustomError: custom failure");
  });
}

TEST_CASE("ranks that run different operations fail naming both") {
  onSeveralRanks(
      [](SparkContext& sc) {
        auto rdd = sc.parallelize(iota(0, 10));
        return sc.isDriver() ? rdd.collect().size() : static_cast<std::size_t>(rdd.count());
      },
      [](const auto& got) {
        CHECK(got.error.find("rill: ranks called different collective operations: rank 0 called 'collect'") !=
              std::string::npos);
        CHECK(got.error.find("while rank 1 called 'count'") != std::string::npos);
      });
}

TEST_CASE("a rank that skips a job is reported to the others") {
  onSeveralRanks(
      [](SparkContext& sc) {
        if (sc.cluster().rank() == 1) return std::int64_t{-1};
        return sc.parallelize(iota(0, 10)).count();
      },
      [](const auto& got) {
        if (got.value) {
          CHECK(*got.value == -1);  // rank 1
        } else {
          CHECK(got.error.find("rank 1 finished without reaching it") != std::string::npos);
        }
      });
}

TEST_CASE("elements that cannot be serialised work on one rank and fail clearly on several") {
  auto body = [](SparkContext& sc) {
    return sc.parallelize(iota(0, 10), 4).map([](int x) { return Opaque{std::to_string(x)}; }).collect().size();
  };
  CHECK(distributed_test::inOneProcess(2, body).value == 10u);
  onSeveralRanks(body, [](const auto& got) {
    CHECK(got.error.find("rill: collect sends values of type std::vector<(anonymous namespace)::Opaque") !=
          std::string::npos);
    CHECK(got.error.find("cannot be serialised") != std::string::npos);
  });
  // Nothing travels: count and the narrow chain work everywhere.
  sameAsOneProcess([](SparkContext& sc) {
    return sc.parallelize(iota(0, 10), 4).map([](int x) { return Opaque{std::to_string(x)}; }).count();
  });
}

#ifndef NDEBUG
TEST_CASE("parallelize checks that every rank passed the same collection (debug builds)") {
  onSeveralRanks(
      [](SparkContext& sc) {
        return sc.parallelize(iota(0, 10 + (sc.cluster().rank() == 1 ? 1 : 0))).count();
      },
      [](const auto& got) {
        CHECK(got.error ==
              "std::invalid_argument: rill: parallelize got different collections on different ranks: rank 0 passed "
              "10 elements and rank 1 passed 11; every rank must pass the same collection (parallelizeFrom(root, "
              "data) spreads one rank's collection, fromLocal(data) makes each rank's own data its partitions)");
      });
}
#endif

TEST_CASE("parallelize compares the ranks' elements by value, not by the padding bytes inside them") {
  struct Padded {
    char c;
    std::int64_t n;  // 7 bytes of padding before it
  };
  sameAsOneProcess(
      [](SparkContext& sc) {
        // The same values on every rank, over padding that holds other bytes on each
        // (as objects built elsewhere may hold).
        std::vector<Padded> data(6);
        const int junk = static_cast<int>(sc.cluster().rank() * 37 + 1);
        std::memset(static_cast<void*>(data.data()), junk, data.size() * sizeof(Padded));
        for (std::size_t i = 0; i < data.size(); ++i) {
          data[i].c = static_cast<char>('a' + i);
          data[i].n = static_cast<std::int64_t>(i);
        }
        return sc.parallelize(data, 4).map([](const Padded& p) { return p.n; }).collect();
      },
      std::vector<std::int64_t>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("fromLocal needs a partition per rank") {
  onSeveralRanks([](SparkContext& sc) { return sc.fromLocal(iota(0, 3), 1).count(); },
                 [](const auto& got) {
                   CHECK(got.error.find("rill: fromLocal needs at least one partition per rank: 1 partitions for") !=
                         std::string::npos);
                 });
}
