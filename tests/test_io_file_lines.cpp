// Tests for rill::io file reading: whole-file lines, and byte-range splits
// that must together yield every line exactly once.
#include <doctest/doctest.h>
#include "line_reference.hpp"
#include "temp_dir.hpp"
#include <rill/io/file_lines.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

using rill_test::TempDir;

void writeFile(const std::string& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
}

Lines readAll(const std::string& path) {
  Lines out;
  rill::io::forEachLine(path, [&](std::string_view line) { out.emplace_back(line); });
  return out;
}

// Reads the file as the ranges between consecutive `cuts` (offsets, in order).
Lines readCut(const std::string& path, const std::vector<std::uintmax_t>& cuts) {
  Lines out;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const bool done = rill::io::forEachLineInRange(path, cuts[i], cuts[i + 1], [&](std::string_view line) {
      out.emplace_back(line);
      return true;
    });
    CHECK(done);
  }
  return out;
}

// Reads the file as `parts` ranges cut at equal byte offsets.
Lines readInParts(const std::string& path, std::uintmax_t parts) {
  const std::uintmax_t size = rill::io::fileSize(path);
  std::vector<std::uintmax_t> cuts;
  for (std::uintmax_t i = 0; i <= parts; ++i) cuts.push_back(size * i / parts);
  return readCut(path, cuts);
}

}  // namespace

TEST_CASE("forEachLine reads exact lines") {
  TempDir dir("file-lines");
  struct Case {
    std::string contents;
    Lines expected;
  };
  const std::vector<Case> cases{
      {"", {}},
      {"\n", {""}},
      {"a", {"a"}},
      {"a\n", {"a"}},
      {"a\nb", {"a", "b"}},
      {"a\n\n\nb\n", {"a", "", "", "b"}},
      {"one\r\ntwo\r\n", {"one", "two"}},
      {"one\r\ntwo", {"one", "two"}},
      {"x\r\r\n\r\n", {"x", "", ""}},
      {"\r", {""}},
      {"\r\r", {"", ""}},
      {"a\rb", {"a", "b"}},
      {"a\rb\r", {"a", "b"}},
      {"a\n\rb\r\n", {"a", "", "b"}},
  };
  for (const auto& c : cases) {
    const std::string path = dir.file("f.txt");
    writeFile(path, c.contents);
    CHECK(rill::io::fileSize(path) == c.contents.size());
    CHECK(readAll(path) == c.expected);
  }
}

TEST_CASE("splitting a file into 1..7 ranges yields every line exactly once") {
  TempDir dir("file-split");
  const std::vector<std::string> contents{
      "",
      "\n",
      "single",
      "alpha\nbeta\ngamma\n",
      "alpha\nbeta\ngamma",
      "\n\nx\n\n\ny\n\n",
      "crlf one\r\ncrlf two\r\n\r\nlast\r\n",
      "cr\rcr\r\r\nmixed\n\r\rend\r",
      "a\nbb\nccc\ndddd\neeeee\nffffff\nggggggg\nhhhhhhhh\n",
  };
  for (const auto& text : contents) {
    const std::string path = dir.file("split.txt");
    writeFile(path, text);
    const Lines whole = readAll(path);
    for (std::uintmax_t parts = 1; parts <= 7; ++parts) {
      INFO("contents: '" << text << "', parts: " << parts);
      CHECK(readInParts(path, parts) == whole);
    }
  }
}

TEST_CASE("random mixes of a, b, \\r and \\n cut at every offset and every pair of offsets give each line once") {
  TempDir dir("file-mixes");
  const std::string path = dir.file("mix.txt");
  std::mt19937 random(5);
  for (int round = 0; round < 40; ++round) {
    const std::string text = rill_test::randomLineBytes(random, 1 + random() % 24);
    writeFile(path, text);
    const Lines expected = rill_test::referenceLines(text);
    INFO("round " << round);
    REQUIRE(readAll(path) == expected);
    const std::uintmax_t size = text.size();
    for (std::uintmax_t i = 0; i <= size; ++i) {
      CHECK(readCut(path, {0, i, size}) == expected);
      for (std::uintmax_t j = i; j <= size; ++j) CHECK(readCut(path, {0, i, j, size}) == expected);
    }
  }
}

TEST_CASE("a \\r\\n split across two reads of the file is one terminator, in whole and in ranges") {
  TempDir dir("file-crlf-reads");
  const std::string path = dir.file("c.txt");
  // The first read takes detail::kFileReadChunk bytes: the '\r' is its last.
  const std::size_t chunk = rill::io::detail::kFileReadChunk;
  for (const std::string after : {"\nnext\n", "next\r\n", "\r\nnext"}) {
    std::string text(chunk - 1, 'x');  // appended to, not built with operator+: g++ 12 -O1 warns there falsely
    text += '\r';
    text += after;
    writeFile(path, text);
    const Lines expected = rill_test::referenceLines(text);
    INFO("after: " << after.size() << " bytes");
    CHECK(readAll(path) == expected);
    for (std::uintmax_t cut = chunk - 2; cut <= chunk + 2; ++cut)
      CHECK(readCut(path, {0, cut, text.size()}) == expected);
  }
}

TEST_CASE("ranges own the lines that start inside them") {
  TempDir dir("file-range");
  const std::string path = dir.file("r.txt");
  writeFile(path, "aa\nbb\ncc\n");  // lines start at offsets 0, 3, 6
  auto range = [&](std::uintmax_t b, std::uintmax_t e) {
    Lines out;
    rill::io::forEachLineInRange(path, b, e, [&](std::string_view l) {
      out.emplace_back(l);
      return true;
    });
    return out;
  };
  CHECK(range(0, 1) == Lines{"aa"});
  CHECK(range(1, 3) == Lines{});
  CHECK(range(1, 4) == Lines{"bb"});
  CHECK(range(3, 4) == Lines{"bb"});
  CHECK(range(3, 7) == Lines{"bb", "cc"});
  CHECK(range(4, 9) == Lines{"cc"});
  CHECK(range(7, 100) == Lines{});
  CHECK(range(2, 2) == Lines{});
}

TEST_CASE("lines longer than the read buffer are read whole and split correctly") {
  TempDir dir("file-long");
  const std::string path = dir.file("long.txt");
  const std::string big(3 * (1 << 20) + 17, 'L');
  writeFile(path, "head\n" + big + "\r\nmid\n" + big + "\ntail");
  const Lines expected{"head", big, "mid", big, "tail"};
  CHECK(readAll(path) == expected);
  for (std::uintmax_t parts = 1; parts <= 7; ++parts) CHECK(readInParts(path, parts) == expected);
}

TEST_CASE("a line longer than the bound throws naming the path; a range starting inside it goes on after it") {
  TempDir dir("file-bound");
  const std::string path = dir.file("b.txt");
  writeFile(path, "aa\n" + std::string(10, 'x') + "\nbbbb\r\n");  // the long line starts at 3, bbbb at 14
  auto range = [&](std::uintmax_t b, std::uintmax_t e) {
    Lines out;
    rill::io::forEachLineInRange(path, b, e, 4, [&](std::string_view l) { out.emplace_back(l); });
    return out;
  };
  const std::string error = "rill: cannot read '" + path + "': a line is longer than 4 bytes";
  CHECK_THROWS_WITH_AS(range(0, 20), error.c_str(), rill::IoError);
  CHECK_THROWS_WITH_AS(range(3, 4), error.c_str(), rill::IoError);
  CHECK(range(0, 3) == Lines{"aa"});
  CHECK(range(4, 20) == Lines{"bbbb"});
}

TEST_CASE("returning false stops the scan early") {
  TempDir dir("file-stop");
  const std::string path = dir.file("s.txt");
  writeFile(path, "1\n2\n3\n");
  Lines seen;
  const bool done = rill::io::forEachLineInRange(path, 0, 6, [&](std::string_view l) {
    seen.emplace_back(l);
    return seen.size() < 2;
  });
  CHECK_FALSE(done);
  CHECK(seen == Lines{"1", "2"});
}

TEST_CASE("missing files produce errors naming the path") {
  TempDir dir("file-missing");
  const std::string path = dir.file("nope.txt");
  const std::string expected = "rill: cannot open file '" + path + "': No such file or directory";
  CHECK_THROWS_WITH_AS(rill::io::fileSize(path), expected.c_str(), rill::IoError);
  CHECK_THROWS_WITH_AS(readAll(path), expected.c_str(), rill::IoError);
  CHECK_THROWS_WITH_AS(
      rill::io::forEachLineInRange(path, 0, 0, [](std::string_view) { return true; }),
      expected.c_str(), rill::IoError);
}
