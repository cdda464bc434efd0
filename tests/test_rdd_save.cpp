// saveAsTextFile: Spark's layout (part-NNNNN per partition, toString + '\n'
// per element, an empty _SUCCESS), an existing directory refused, and a failed
// job leaving no _SUCCESS and no partial output.
#include "rdd_test_support.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <limits>
#include <string>
#include <utility>
#include <vector>

using rill_test::iota;
using rill_test::listDir;
using rill_test::readFile;
using VI = std::vector<int>;
using VS = std::vector<std::string>;

TEST_CASE("saveAsTextFile writes one part file per partition and _SUCCESS") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    const auto dir = rill_test::tmpPath("ints-" + std::to_string(sc.defaultParallelism()));
    sc.parallelize(iota(1, 6), 2).saveAsTextFile(dir);
    CHECK(listDir(dir) == VS{"_SUCCESS", "part-00000", "part-00001"});
    CHECK(readFile(dir + "/part-00000") == "1\n2\n");
    CHECK(readFile(dir + "/part-00001") == "3\n4\n5\n");
    CHECK(readFile(dir + "/_SUCCESS").empty());
  });
}

TEST_CASE("saveAsTextFile prints elements as Spark does: pairs, strings, doubles, optionals") {
  rill::SparkContext sc(rill_test::conf(2));
  const auto pairs = rill_test::tmpPath("pairs");
  sc.parallelize(VS{"apple", "fig"}, 1).keyBy([](const auto& s) { return s.size(); }).saveAsTextFile(pairs);
  CHECK(readFile(pairs + "/part-00000") == "(5,apple)\n(3,fig)\n");

  const auto strings = rill_test::tmpPath("strings");
  sc.parallelize(VS{"a b", "", "c"}, 1).saveAsTextFile(strings);
  CHECK(readFile(strings + "/part-00000") == "a b\n\nc\n");

  const auto doubles = rill_test::tmpPath("doubles");
  sc.parallelize(std::vector<double>{0.5, 2.0, 1e-7}, 1).saveAsTextFile(doubles);
  CHECK(readFile(doubles + "/part-00000") == "0.5\n2.0\n1.0E-7\n");

  const auto optionals = rill_test::tmpPath("optionals");
  sc.parallelize(std::vector<std::optional<int>>{1, std::nullopt}, 1).saveAsTextFile(optionals);
  CHECK(readFile(optionals + "/part-00000") == "Some(1)\nNone\n");
}

TEST_CASE("doubles and floats print as Java's Double.toString / Float.toString (Scala's toString)") {
  using rill::toString;
  // Plain notation in [10^-3, 10^7), always with a decimal; shortest round-trip digits.
  CHECK(toString(2.0) == "2.0");
  CHECK(toString(-2.0) == "-2.0");
  CHECK(toString(0.5) == "0.5");
  CHECK(toString(0.1 + 0.2) == "0.30000000000000004");
  CHECK(toString(100.0) == "100.0");
  CHECK(toString(123456.789) == "123456.789");
  CHECK(toString(9999999.0) == "9999999.0");
  CHECK(toString(0.001) == "0.001");
  CHECK(toString(0.0123) == "0.0123");
  CHECK(toString(1.0 / 3) == "0.3333333333333333");
  // Outside it: d.dddE<n>, no '+' and no leading zeros in the exponent.
  CHECK(toString(1e7) == "1.0E7");
  CHECK(toString(12345678.9) == "1.23456789E7");
  CHECK(toString(1e-7) == "1.0E-7");
  CHECK(toString(0.000999) == "9.99E-4");
  CHECK(toString(-1.5e300) == "-1.5E300");
  CHECK(toString(2.5e-10) == "2.5E-10");
  // Specials.
  CHECK(toString(0.0) == "0.0");
  CHECK(toString(-0.0) == "-0.0");
  CHECK(toString(std::numeric_limits<double>::infinity()) == "Infinity");
  CHECK(toString(-std::numeric_limits<double>::infinity()) == "-Infinity");
  CHECK(toString(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  // float uses float's own shortest digits (Java's Float.toString).
  CHECK(toString(0.1f) == "0.1");
  CHECK(toString(1.0e10f) == "1.0E10");
  // Inside pairs and sequences too.
  CHECK(toString(std::pair<std::string, double>("mean", 3.0)) == "(mean,3.0)");
  CHECK(toString(std::vector<double>{1.0, 0.25}) == "[1.0, 0.25]");
}

TEST_CASE("saveAsTextFile: empty partitions give empty part files; no partitions give only _SUCCESS") {
  rill::SparkContext sc(rill_test::conf(2));
  const auto sparse = rill_test::tmpPath("sparse");
  sc.parallelize(VI{7}, 3).saveAsTextFile(sparse);
  CHECK(listDir(sparse) == VS{"_SUCCESS", "part-00000", "part-00001", "part-00002"});
  CHECK(readFile(sparse + "/part-00000").empty());
  CHECK(readFile(sparse + "/part-00002") == "7\n");

  const auto none = rill_test::tmpPath("none");
  sc.emptyRDD<int>().saveAsTextFile(none);
  CHECK(listDir(none) == VS{"_SUCCESS"});
}

TEST_CASE("saveAsTextFile: many partitions, large partitions, a fused chain, nested directories") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    const auto dir = rill_test::tmpPath("nested-" + std::to_string(sc.defaultParallelism())) + "/a/b/out/";
    sc.range(0, 100000, 1, 12).map([](std::int64_t x) { return x * 2; }).saveAsTextFile(dir);
    const auto names = listDir(dir);
    REQUIRE(names.size() == 13);
    CHECK(names.front() == "_SUCCESS");
    CHECK(names.back() == "part-00011");
    // Reading the parts back in order gives every element once.
    std::string expected, actual;
    for (std::int64_t x = 0; x < 100000; ++x) expected += std::to_string(x * 2) + "\n";
    for (std::size_t p = 0; p < 12; ++p) actual += readFile(dir + rill::detail::partFileName(p));
    CHECK(actual == expected);
    CHECK(sc.textFile(dir + "part-00003").count() == 8333);  // elements [25000, 33333) of range's slicing
  });
}

TEST_CASE("saveAsTextFile refuses an existing output directory") {
  rill::SparkContext sc(rill_test::conf(2));
  const auto dir = rill_test::tmpPath("exists");
  auto rdd = sc.parallelize(VI{1, 2}, 2);
  rdd.saveAsTextFile(dir);
  try {
    rdd.saveAsTextFile(dir);
    FAIL("expected rill::IoError");
  } catch (const rill::IoError& e) {
    const std::string what = e.what();
    CHECK(what.find(dir) != std::string::npos);
    CHECK(what.find("already exists") != std::string::npos);
  }
  CHECK_THROWS_AS(rdd.saveAsTextFile(dir + "/"), rill::IoError);
  // An existing file of that name is refused as well, and left alone.
  const auto file = rill_test::tmpPath("a_file");
  rill_test::writeFile(file, "keep me");
  CHECK_THROWS_AS(rdd.saveAsTextFile(file), rill::IoError);
  CHECK(readFile(file) == "keep me");
  CHECK(readFile(dir + "/part-00001") == "2\n");  // the first save is untouched
}

TEST_CASE("saveAsTextFile refuses an empty path as an invalid argument, as Hadoop's Path does") {
  rill::SparkContext sc(rill_test::conf(1));
  CHECK_THROWS_WITH_AS(sc.parallelize(VI{1}, 1).saveAsTextFile(""),
                       "rill: saveAsTextFile: Can not create a Path from an empty string", std::invalid_argument);
}

TEST_CASE("saveAsTextFile: a failing job leaves no _SUCCESS and no part files") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    const auto dir = rill_test::tmpPath("failed-" + std::to_string(sc.defaultParallelism()));
    auto bad = sc.parallelize(iota(0, 4000), 8).map([](int x) {
      if (x == 3500) throw std::runtime_error("cannot format 3500");
      return x;
    });
    CHECK_THROWS_WITH_AS(bad.saveAsTextFile(dir), "cannot format 3500", std::runtime_error);
    CHECK(std::filesystem::is_directory(dir));  // as Spark: the directory stays, empty
    CHECK(listDir(dir).empty());                // no _SUCCESS, no parts, no hidden temporaries
    CHECK_THROWS_AS(bad.saveAsTextFile(dir), rill::IoError);  // and a rerun must pick a new one
  });
}
