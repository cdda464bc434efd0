// textFileStream: files moved into a directory are read, each once, in the
// batch during which they appeared; files there when the stream is defined and hidden names
// are ignored; an unlistable directory fails at definition; lines longer than
// rill.streaming.maxLineLength are skipped with a warning; .gz files are read
// decompressed.
#include "stream_test_support.hpp"

#include <rill/io/gzip.hpp>

#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

using namespace rill_stream_test;
using Lines = std::vector<std::string>;

namespace {

// Written in a staging directory, then renamed in: the protocol textFileStream supports.
void moveIn(const std::string& staging, const std::string& dir, const std::string& name, const std::string& text) {
  const auto tmp = std::filesystem::path(staging) / name;
  std::ofstream(tmp, std::ios::binary) << text;
  std::filesystem::rename(tmp, std::filesystem::path(dir) / name);
}

// Compressed with zlib in the staging directory, then renamed in.
void moveInGzip(const std::string& staging, const std::string& dir, const std::string& name, const std::string& text) {
  const auto tmp = std::filesystem::path(staging) / name;
  gzFile f = gzopen(tmp.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
  REQUIRE(gzclose(f) == Z_OK);
  std::filesystem::rename(tmp, std::filesystem::path(dir) / name);
}

std::string contentsOf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("files moved into the directory become the lines of the next batch, each file once") {
  const auto dir = tmpDir("watched");
  const auto staging = tmpDir("staging");
  moveIn(staging, dir, "old.txt", "before start\n");
  ManualContext m;
  auto events = record(m.ssc);
  auto lines = m.ssc.textFileStream(dir);
  auto out = collectBatches(lines);
  moveIn(staging, dir, "early.txt", "defined, not started\n");  // after the definition: new
  m.ssc.start();

  moveIn(staging, dir, "a.txt", "a1\na2\r\n\na4");
  moveIn(staging, dir, ".hidden", "never\n");
  moveIn(staging, dir, "_temporary", "never\n");
  m.clock->advance(1s);
  m.clock->advance(1s);
  moveIn(staging, dir, "c.txt", "c1\rc2\r\rc4\r");  // a lone '\r' ends a line, as in Hadoop's LineReader
  moveIn(staging, dir, "b.txt", "b1\nb2\n");
  m.clock->advance(1s);
  std::filesystem::remove(std::filesystem::path(dir) / "a.txt");
  moveIn(staging, dir, "a.txt", "a again\n");  // listed at every batch: already seen
  m.clock->advance(1s);
  m.ssc.stop(false);

  CHECK(out->values() ==
        std::vector<Lines>{{"a1", "a2", "", "a4", "defined, not started"}, {}, {"b1", "b2", "c1", "c2", "", "c4"}, {}});
  std::vector<std::int64_t> counts;
  for (const auto& b : events->completed()) counts.push_back(b.numRecords);
  CHECK(counts == std::vector<std::int64_t>{5, 0, 6, 0});
  CHECK(events->warnings().empty());
}

TEST_CASE("a directory that cannot be listed fails at definition, and later gives a warning") {
  ManualContext m;
  const auto missing = tmpDir("gone") + "/nope";
  CHECK_THROWS_WITH_AS(m.ssc.textFileStream(missing),
                       ("rill: cannot list directory '" + missing + "': No such file or directory").c_str(),
                       rill::IoError);

  const auto dir = tmpDir("vanishing");
  auto events = record(m.ssc);
  auto out = collectBatches(m.ssc.textFileStream(dir));
  m.ssc.start();
  std::filesystem::remove_all(dir);
  m.clock->advance(1s);
  m.ssc.stop(false);
  CHECK(out->values() == std::vector<Lines>{{}});
  REQUIRE(events->warnings().size() == 1);
  CHECK(events->warnings()[0] == "rill: textFileStream " + dir + ", batch 1000 ms: rill: cannot list directory '" +
                                     dir + "': No such file or directory");
}

TEST_CASE("a line longer than rill.streaming.maxLineLength is skipped with a warning, never read whole") {
  const auto dir = tmpDir("long-lines");
  const auto staging = tmpDir("long-lines-staging");
  ManualContext m(conf().set("rill.streaming.maxLineLength", "16"));
  auto events = record(m.ssc);
  auto out = collectBatches(m.ssc.textFileStream(dir));
  m.ssc.start();
  // 16 bytes (its "\r\n" not counted) is within the limit, 17 is not.
  moveIn(staging, dir, "edge.txt", "0123456789abcdef\r\n0123456789abcdefg\nshort");
  // A sparse 256 MiB run of zero bytes without a newline between two short lines.
  const auto huge = std::filesystem::path(staging) / "huge.txt";
  std::ofstream(huge, std::ios::binary) << "first\n";
  std::filesystem::resize_file(huge, 6 + (std::uintmax_t{1} << 28));
  std::ofstream(huge, std::ios::binary | std::ios::app) << "\nlast\n";
  std::filesystem::rename(huge, std::filesystem::path(dir) / "huge.txt");
  m.clock->advance(1s);
  m.ssc.stop(false);

  CHECK(out->values() == std::vector<Lines>{{"0123456789abcdef", "short", "first", "last"}});
  REQUIRE(events->completed().size() == 1);
  CHECK(events->completed()[0].numRecords == 4);
  const std::string prefix = "rill: textFileStream " + dir + ", batch 1000 ms: skipped 1 line longer than 16 bytes "
                             "(rill.streaming.maxLineLength) in '";
  CHECK(events->warnings() == Lines{prefix + dir + "/edge.txt'", prefix + dir + "/huge.txt'"});
}

TEST_CASE("rill.streaming.maxLineLength must be positive for textFileStream too") {
  ManualContext m(conf().set("rill.streaming.maxLineLength", "0"));
  CHECK_THROWS_WITH_AS(m.ssc.textFileStream(tmpDir("no-limit")),
                       "rill: setting 'rill.streaming.maxLineLength' must be positive, got 0", std::invalid_argument);
}

TEST_CASE("a .gz file moved in gives its decompressed lines, within rill.streaming.maxLineLength") {
  rill::io::enableGzip();
  const auto dir = tmpDir("gzip");
  const auto staging = tmpDir("gzip-staging");
  ManualContext m(conf().set("rill.streaming.maxLineLength", "8"));
  auto out = collectBatches(m.ssc.textFileStream(dir));
  auto events = record(m.ssc);
  m.ssc.start();
  moveInGzip(staging, dir, "a.log.gz", "x\r\ny\n\n0123456789\nlast");
  moveIn(staging, dir, "b.txt", "plain\n");
  m.clock->advance(1s);
  moveIn(staging, dir, "fake.gz", "not compressed\n");
  m.clock->advance(1s);
  m.ssc.stop(false);

  CHECK(out->values() == std::vector<Lines>{{"x", "y", "", "last", "plain"}, {}});
  REQUIRE(events->completed().size() == 2);
  CHECK(events->completed()[0].numRecords == 5);
  const std::string batch = "rill: textFileStream " + dir + ", batch ";
  CHECK(events->warnings() == Lines{batch + "1000 ms: skipped 1 line longer than 8 bytes "
                                            "(rill.streaming.maxLineLength) in '" + dir + "/a.log.gz'",
                                    batch + "2000 ms: rill: cannot decompress '" + dir +
                                        "/fake.gz': not in gzip format (read again at the next batch: attempt 2 of 3)"});
}

TEST_CASE("a file that cannot be read is read again at the next batches, and its lines join a batch whole") {
  rill::io::enableGzip();
  const auto dir = tmpDir("retry");
  const auto staging = tmpDir("retry-staging");
  ManualContext m;
  auto out = collectBatches(m.ssc.textFileStream(dir));
  auto events = record(m.ssc);
  m.ssc.start();
  // A cut-off .gz file fails after its first lines; completed, it reads.
  moveInGzip(staging, dir, "whole.gz", "one\ntwo\nthree\n");
  const std::string whole = contentsOf(dir + "/whole.gz");
  std::filesystem::remove(std::filesystem::path(dir) / "whole.gz");
  moveIn(staging, dir, "cut.gz", whole.substr(0, whole.size() - 12));
  m.clock->advance(1s);
  std::ofstream(std::filesystem::path(dir) / "cut.gz", std::ios::binary) << whole;
  moveIn(staging, dir, "gone.gz", "not compressed\n");
  moveIn(staging, dir, "bad.gz", "not compressed\n");
  m.clock->advance(1s);
  std::filesystem::remove(std::filesystem::path(dir) / "gone.gz");
  m.clock->advance(1s);
  m.clock->advance(1s);
  m.clock->advance(1s);
  m.ssc.stop(false);

  CHECK(out->values() == std::vector<Lines>{{}, {"one", "two", "three"}, {}, {}, {}});
  const std::string batch = "rill: textFileStream " + dir + ", batch ";
  const std::string bad = "rill: cannot decompress '" + dir + "/bad.gz': not in gzip format";
  const std::string gone = "rill: cannot decompress '" + dir + "/gone.gz': not in gzip format";
  const auto warnings = events->warnings();
  REQUIRE(warnings.size() == 6);
  CHECK(warnings[0].starts_with(batch + "1000 ms: rill: cannot decompress '" + dir + "/cut.gz'"));
  CHECK(warnings[0].ends_with(" (read again at the next batch: attempt 2 of 3)"));
  CHECK(Lines(warnings.begin() + 1, warnings.end()) ==
        Lines{batch + "2000 ms: " + bad + " (read again at the next batch: attempt 2 of 3)",
              batch + "2000 ms: " + gone + " (read again at the next batch: attempt 2 of 3)",
              batch + "3000 ms: " + bad + " (read again at the next batch: attempt 3 of 3)",
              batch + "3000 ms: rill: cannot open file '" + dir +
                  "/gone.gz': No such file or directory (the file is gone: skipped)",
              batch + "4000 ms: " + bad + " (skipped after 3 attempts)"});
}
