// Inputs beyond one file: textFile on a directory and on a glob, gzip-compressed
// files (.gz, through <rill/io/gzip.hpp>), wholeTextFiles, and sc.union_.
#include "line_reference.hpp"
#include "rdd_test_support.hpp"

#include <rill/io/gzip.hpp>
#include <rill/rdd.hpp>

#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using rill_test::iota;
using rill_test::writeFile;
using VS = std::vector<std::string>;
using VVS = std::vector<VS>;
using Whole = std::vector<std::pair<std::string, std::string>>;

namespace {

void writeGzip(const std::string& path, const std::string& contents) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, contents.data(), static_cast<unsigned>(contents.size())) == static_cast<int>(contents.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

/// A directory with a.txt, b.txt, c.log, and files Hadoop hides (_SUCCESS, .crc).
std::string logsDir(const std::string& name) {
  const std::string dir = rill_test::tmpPath(name);
  std::filesystem::create_directories(dir);
  writeFile(dir + "/b.txt", "b1\nb2\n");
  writeFile(dir + "/a.txt", "a1\r\na2\na3");
  writeFile(dir + "/c.log", "c1\n");
  writeFile(dir + "/_SUCCESS", "");
  writeFile(dir + "/.a.txt.crc", "hidden\n");
  return dir;
}

const struct EnableGzip {
  EnableGzip() { rill::io::enableGzip(); }
} enableGzip;

}  // namespace

TEST_CASE("textFile on a directory: every file in path order, hidden files skipped") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    const std::string dir = logsDir("dir");
    const auto rdd = sc.textFile(dir, 1);
    CHECK(rdd.glom().collect() == VVS{{"a1", "a2", "a3"}, {"b1", "b2"}, {"c1"}});  // one split per file at least
    CHECK(sc.textFile(dir + "/").collect() == VS{"a1", "a2", "a3", "b1", "b2", "c1"});
  });
}

TEST_CASE("textFile: each file gets its share of minPartitions by size") {
  rill::SparkContext sc(rill_test::conf(2));
  const std::string dir = rill_test::tmpPath("shares");
  std::filesystem::create_directories(dir);
  std::string big, small;
  for (int i = 0; i < 30; ++i) big += "line" + std::to_string(i % 10) + "\n";  // 300 bytes
  for (int i = 0; i < 10; ++i) small += "line" + std::to_string(i) + "\n";     // 100 bytes
  writeFile(dir + "/1-big", big);
  writeFile(dir + "/2-small", small);
  const auto rdd = sc.textFile(dir, 4);
  CHECK(rdd.getNumPartitions() == 4);  // 3 splits of the 300 bytes, 1 of the 100
  CHECK(rdd.count() == 40);
  CHECK(rdd.glom().collect()[3].size() == 10);
  writeFile(dir + "/3-empty", "");  // an empty file is a split of its own, with no lines
  CHECK(sc.textFile(dir, 4).getNumPartitions() == 5);
  CHECK(sc.textFile(dir, 4).count() == 40);
}

TEST_CASE("textFile on a directory holding a directory fails as Hadoop's does") {
  rill::SparkContext sc(rill_test::conf(1));
  const std::string dir = logsDir("nested");
  std::filesystem::create_directories(dir + "/sub");
  CHECK_THROWS_WITH_AS(sc.textFile(dir),
                       ("rill: input path '" + dir + "': '" + dir +
                        "/sub' is a directory, not a file (only the files directly in a directory are read)")
                           .c_str(),
                       rill::IoError);
  std::filesystem::create_directories(dir + "/_temporary");  // hidden: skipped, not an error
  std::filesystem::remove(dir + "/sub");
  CHECK(sc.textFile(dir).count() == 6);
}

TEST_CASE("textFile on a glob: the matches in path order; a matching directory stands for its files") {
  rill::SparkContext sc(rill_test::conf(2));
  const std::string dir = logsDir("glob");
  CHECK(sc.textFile(dir + "/*.txt").collect() == VS{"a1", "a2", "a3", "b1", "b2"});
  CHECK(sc.textFile(dir + "/*.log").collect() == VS{"c1"});
  CHECK(sc.textFile(dir + "/?.txt").collect() == VS{"a1", "a2", "a3", "b1", "b2"});
  CHECK(sc.textFile(dir + "/[bc].*").collect() == VS{"b1", "b2", "c1"});
  CHECK(sc.textFile(dir + "/{c.log,a.txt}").collect() == VS{"a1", "a2", "a3", "c1"});
  CHECK(sc.textFile(dir + "/*").count() == 6);  // not _SUCCESS, not .a.txt.crc
  const std::string root = rill_test::tmpPath("days");
  std::filesystem::create_directories(root + "/day2");
  std::filesystem::create_directories(root + "/day1");
  writeFile(root + "/day2/x", "2x\n");
  writeFile(root + "/day1/y", "1y\n");
  writeFile(root + "/day1/x", "1x\n");
  writeFile(root + "/day1/_SUCCESS", "");
  CHECK(sc.textFile(root + "/day*").collect() == VS{"1x", "1y", "2x"});
}

TEST_CASE("textFile: a missing path or a glob without matches is an error naming it; an empty directory is empty") {
  rill::SparkContext sc(rill_test::conf(1));
  const std::string dir = logsDir("missing");
  CHECK_THROWS_WITH_AS(sc.textFile(dir + "/none.txt"),
                       ("rill: cannot open file '" + dir + "/none.txt': No such file or directory").c_str(),
                       rill::IoError);
  CHECK_THROWS_WITH_AS(sc.textFile(dir + "/*.csv"),
                       ("rill: the input pattern '" + dir + "/*.csv' matches no files").c_str(), rill::IoError);
  CHECK_THROWS_WITH_AS(sc.wholeTextFiles(dir + "/x*"),
                       ("rill: the input pattern '" + dir + "/x*' matches no files").c_str(), rill::IoError);
  CHECK_THROWS_WITH_AS(sc.textFile(dir + "/_S*"),  // only a hidden file matches
                       ("rill: the input pattern '" + dir + "/_S*' matches no files").c_str(), rill::IoError);
  const std::string empty = rill_test::tmpPath("empty");
  std::filesystem::create_directories(empty);
  CHECK(sc.textFile(empty).getNumPartitions() == 0);
  CHECK(sc.textFile(empty).collect().empty());
  CHECK(sc.wholeTextFiles(empty).getNumPartitions() == 0);
  CHECK(sc.wholeTextFiles(empty).count() == 0);
  // An empty path is an invalid argument (Hadoop's Path refuses it), not a missing file.
  CHECK_THROWS_WITH_AS(sc.textFile(""), "rill: textFile: Can not create a Path from an empty string",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(sc.wholeTextFiles(""), "rill: wholeTextFiles: Can not create a Path from an empty string",
                       std::invalid_argument);
}

TEST_CASE("textFile ends lines at \\n, \\r\\n and a lone \\r at 1..22 partitions, a .gz file as a plain one") {
  rill::SparkContext sc(rill_test::conf(2));
  const std::string dir = rill_test::tmpPath("line-ends");
  std::filesystem::create_directories(dir);
  std::mt19937 random(3);
  const std::string text = "first\r\rsecond\r\n" + rill_test::randomLineBytes(random, 300) + "\rlast\r";
  writeFile(dir + "/mixed.txt", text);
  writeGzip(dir + "/mixed.gz", text);
  const VS expected = rill_test::referenceLines(text);
  REQUIRE(expected.size() > 100);
  for (std::size_t parts = 1; parts <= 22; ++parts) {
    INFO(parts << " partitions");
    const auto rdd = sc.textFile(dir + "/mixed.txt", parts);
    CHECK(rdd.getNumPartitions() == parts);
    CHECK(rdd.collect() == expected);
  }
  CHECK(sc.textFile(dir + "/mixed.gz").collect() == expected);
  CHECK(sc.textFile(dir + "/mixed.txt").count() == static_cast<std::int64_t>(expected.size()));
}

TEST_CASE("textFile reads .gz files decompressed, each as one partition") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    const std::string dir = rill_test::tmpPath("gz");
    std::filesystem::create_directories(dir);
    writeGzip(dir + "/a.gz", "x\ny\r\n\nlast");
    writeFile(dir + "/b.txt", "plain\n");
    writeGzip(dir + "/c.gz", "");
    CHECK(sc.textFile(dir + "/a.gz", 5).glom().collect() == VVS{{"x", "y", "", "last"}});
    CHECK(sc.textFile(dir, 1).glom().collect() == VVS{{"x", "y", "", "last"}, {"plain"}, {}});
  });
}

TEST_CASE("textFile on a large .gz: lines across decompressed chunks, take stops early") {
  rill::SparkContext sc(rill_test::conf(2));
  const std::string path = rill_test::tmpPath("big.txt.gz");
  std::string text;
  VS lines;
  for (int i = 0; i < 200'000; ++i) {
    lines.push_back("line number " + std::to_string(i));
    text += lines.back() + "\n";
  }
  writeGzip(path, text);
  const auto rdd = sc.textFile(path);
  CHECK(rdd.getNumPartitions() == 1);
  CHECK(rdd.collect() == lines);
  CHECK(rdd.take(2) == VS{"line number 0", "line number 1"});
}

TEST_CASE("a broken or fake .gz is an IoError naming the file") {
  rill::SparkContext sc(rill_test::conf(1));
  const std::string path = rill_test::tmpPath("cut.gz");
  std::string text;
  for (int i = 0; i < 1000; ++i) text += std::to_string(i * 7919) + "\n";
  writeGzip(path, text);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  CHECK_THROWS_WITH_AS(sc.textFile(path).count(), ("rill: cannot decompress '" + path + "': unexpected end of file").c_str(),
                       rill::IoError);
  const std::string fake = rill_test::tmpPath("fake.gz");
  writeFile(fake, "not compressed\n");
  CHECK_THROWS_WITH_AS(sc.textFile(fake).count(), ("rill: cannot decompress '" + fake + "': not in gzip format").c_str(),
                       rill::IoError);
}

TEST_CASE("textFile fails on a line longer than rill.textFile.maxLineLength, a .gz file as a plain one") {
  rill::SparkContext sc(rill_test::conf(2).set("rill.textFile.maxLineLength", "16"));
  const std::string dir = rill_test::tmpPath("overlong");
  std::filesystem::create_directories(dir);
  const std::string text = "head\n" + std::string(17, 'x') + "\nafter\n";
  writeFile(dir + "/long.txt", text);
  writeGzip(dir + "/long.gz", text);
  writeGzip(dir + "/unending.gz", std::string(1 << 20, 'z'));  // no newline at all, 64 Ki times the bound
  for (const char* name : {"/long.txt", "/long.gz", "/unending.gz"}) {
    const std::string path = dir + name;
    CHECK_THROWS_WITH_AS(sc.textFile(path, 3).collect(),
                         ("rill: cannot read '" + path + "': a line is longer than 16 bytes").c_str(), rill::IoError);
  }
  // 16 bytes, its "\r\n" not counted, is within the bound, and so is a line ended by a lone '\r'.
  writeFile(dir + "/edge.txt", "0123456789abcdef\r\nshort\r0123456789abcdef\r");
  writeGzip(dir + "/edge.gz", "0123456789abcdef\r\nshort\r0123456789abcdef\r");
  const VS edge{"0123456789abcdef", "short", "0123456789abcdef"};
  CHECK(sc.textFile(dir + "/edge.txt", 3).collect() == edge);
  CHECK(sc.textFile(dir + "/edge.gz").collect() == edge);
  rill::SparkContext zero(rill_test::conf(1).set("rill.textFile.maxLineLength", "0"));
  CHECK_THROWS_WITH_AS(zero.textFile(dir + "/edge.txt"),
                       "rill: setting 'rill.textFile.maxLineLength' must be positive, got '0'", std::invalid_argument);
}

TEST_CASE("wholeTextFiles: (path, content) per file, in path order") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    const std::string dir = logsDir("whole");
    writeGzip(dir + "/d.gz", "zipped\ncontent");
    writeFile(dir + "/e.bin", std::string("\0\r\n\xff", 4));
    const Whole all{{dir + "/a.txt", "a1\r\na2\na3"},
                    {dir + "/b.txt", "b1\nb2\n"},
                    {dir + "/c.log", "c1\n"},
                    {dir + "/d.gz", "zipped\ncontent"},
                    {dir + "/e.bin", std::string("\0\r\n\xff", 4)}};
    CHECK(sc.wholeTextFiles(dir).collect() == all);
    const auto two = sc.wholeTextFiles(dir, 2);
    CHECK(two.getNumPartitions() == 2);
    CHECK(two.glom().collect() == std::vector<Whole>{{all[0], all[1]}, {all[2], all[3], all[4]}});
    CHECK(sc.wholeTextFiles(dir, 50).getNumPartitions() == 5);  // no more partitions than files
    CHECK(sc.wholeTextFiles(dir + "/*.txt").keys().collect() == VS{dir + "/a.txt", dir + "/b.txt"});
    CHECK(sc.wholeTextFiles(dir + "/c.log").collect() == Whole{all[2]});
  });
}

TEST_CASE("sc.union_: the partitions of every RDD, one after the other") {
  rill_test::withWorkers([](rill::SparkContext& sc) {
    const auto a = sc.parallelize(iota(0, 4), 2);
    const auto b = sc.parallelize(std::vector<int>{}, 1);
    const auto c = sc.parallelize(iota(10, 13), 3);
    const auto u = sc.union_(std::vector<rill::RDD<int>>{a, b, c});
    CHECK(u.getNumPartitions() == 6);
    CHECK(u.glom().collect() == std::vector<std::vector<int>>{{0, 1}, {2, 3}, {}, {10}, {11}, {12}});
    const auto mapped = sc.union_(a.map([](int x) { return x * 2; }), c, a);
    CHECK(mapped.collect() == std::vector<int>{0, 2, 4, 6, 10, 11, 12, 0, 1, 2, 3});
    CHECK(sc.union_(std::vector<rill::RDD<int>>{}).getNumPartitions() == 0);
    CHECK(sc.union_(std::vector<rill::RDD<int>>{}).count() == 0);
  });
}
