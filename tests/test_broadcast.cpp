// sc.broadcast(value): a read-only value every task reads; id(), unpersist(),
// destroy(); and sc.applicationId().
#include "rdd_test_support.hpp"

#include <rill/rdd.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

using rill_test::iota;

TEST_CASE("broadcast: every task reads the value") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    const std::map<int, std::string> names{{1, "one"}, {2, "two"}, {3, "three"}};
    const auto b = sc.broadcast(names);
    CHECK(b.value() == names);
    const auto got = sc.parallelize(std::vector<int>{3, 1, 4, 2}, 3)
                         .map([b](int x) {
                           const auto it = b.value().find(x);
                           return it == b.value().end() ? std::string("?") : it->second;
                         })
                         .collect();
    CHECK(got == std::vector<std::string>{"three", "one", "?", "two"});
  });
}

TEST_CASE("broadcast: ids count from 0 per context; toString as Spark's") {
  rill::SparkContext sc(rill_test::conf(2));
  const auto a = sc.broadcast(1);
  const auto b = sc.broadcast(std::vector<int>{1, 2});
  CHECK(a.id() == 0);
  CHECK(b.id() == 1);
  CHECK(b.toString() == "Broadcast(1)");
  rill::SparkContext other(rill_test::conf(1));
  CHECK(other.broadcast(std::string("x")).id() == 0);
}

TEST_CASE("broadcast: a moved-in value is not copied, a const one is") {
  rill::SparkContext sc(rill_test::conf(1));
  std::vector<int> big = iota(0, 1000);
  const int* data = big.data();
  const auto b = sc.broadcast(std::move(big));
  CHECK(b.value().data() == data);
  const std::vector<int> kept = iota(0, 3);
  const auto c = sc.broadcast(kept);
  CHECK(c.value() == kept);
  CHECK(c.value().data() != kept.data());
}

TEST_CASE("broadcast: unpersist keeps it usable; destroy makes value() throw") {
  rill::SparkContext sc(rill_test::conf(2));
  const auto b = sc.broadcast(std::string("shared"));
  b.unpersist();
  b.unpersist(true);
  CHECK(b.value() == "shared");
  CHECK(sc.parallelize(iota(0, 10), 4).map([b](int) { return b.value().size(); }).sum() == 60);
  const auto copy = b;
  b.destroy();
  CHECK_THROWS_WITH_AS(copy.value(), "rill: attempted to use Broadcast(0) after it was destroyed",
                       rill::SparkException);
  CHECK_THROWS_AS(sc.parallelize(iota(0, 4), 2).map([b](int) { return b.value().size(); }).collect(),
                  rill::SparkException);
}

TEST_CASE("broadcast after stop throws") {
  rill::SparkContext sc(rill_test::conf(1));
  sc.stop();
  CHECK_THROWS_AS(sc.broadcast(1), rill::IllegalStateException);
}

TEST_CASE("applicationId: local-<start time in ms>, fixed for the context's life") {
  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  rill::SparkContext sc(rill_test::conf(1));
  const auto after = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const std::string id = sc.applicationId();
  REQUIRE(id.rfind("local-", 0) == 0);
  const long long millis = std::stoll(id.substr(6));
  CHECK(millis >= before);
  CHECK(millis <= after);
  CHECK(sc.applicationId() == id);
}
