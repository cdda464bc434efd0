// Tests for rill::io::LineFramer: exact framing, '\r' and "\r\n", partial
// tails across every split point, and the memory bound for overlong lines.
#include <doctest/doctest.h>
#include "line_reference.hpp"
#include <rill/io/line_framer.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using rill::io::LineFramer;
using Lines = std::vector<std::string>;

// Feeds `input` in one piece (or in the given pieces) and finishes.
Lines frameAll(LineFramer& framer, const std::vector<std::string_view>& pieces) {
  Lines out;
  auto collect = [&](std::string_view line) { out.emplace_back(line); };
  for (auto piece : pieces) framer.feed(piece, collect);
  framer.finish(collect);
  return out;
}

Lines frame(std::string_view input, std::size_t maxLen = 1 << 20) {
  LineFramer framer(maxLen);
  return frameAll(framer, {input});
}

}  // namespace

TEST_CASE("LineFramer splits on newline and keeps empty lines") {
  CHECK(frame("") == Lines{});
  CHECK(frame("a") == Lines{"a"});
  CHECK(frame("a\n") == Lines{"a"});
  CHECK(frame("a\nb") == Lines{"a", "b"});
  CHECK(frame("a\n\nb\n") == Lines{"a", "", "b"});
  CHECK(frame("\n") == Lines{""});
  CHECK(frame("\n\n") == Lines{"", ""});
}

TEST_CASE("LineFramer ends a line at \\r\\n and at a lone \\r, as Hadoop's LineReader") {
  CHECK(frame("a\r\nb\r\n") == Lines{"a", "b"});
  CHECK(frame("a\r\r\n") == Lines{"a", ""});
  CHECK(frame("a\rb\n") == Lines{"a", "b"});
  CHECK(frame("a\rb") == Lines{"a", "b"});
  CHECK(frame("\r\n") == Lines{""});
  CHECK(frame("\r") == Lines{""});
  CHECK(frame("\r\r") == Lines{"", ""});
  CHECK(frame("\n\r") == Lines{"", ""});
  CHECK(frame("\r\n\n") == Lines{"", ""});
  CHECK(frame("last\r") == Lines{"last"});
  CHECK(frame("x\n\r") == Lines{"x", ""});
}

TEST_CASE("LineFramer takes a \\r\\n split across feeds, empty feeds between, for one terminator") {
  LineFramer framer;
  CHECK(frameAll(framer, {"a\r", "\nb"}) == Lines{"a", "b"});
  CHECK(frameAll(framer, {"a\r", "", "", "\nb\r", "\r", "\n"}) == Lines{"a", "b", ""});
  CHECK(frameAll(framer, {"a\r", "b"}) == Lines{"a", "b"});
  // finish() forgets the '\r': a '\n' opening the next stream is a line end of its own.
  CHECK(frameAll(framer, {"a\r"}) == Lines{"a"});
  CHECK(frameAll(framer, {"\nb"}) == Lines{"", "b"});
}

TEST_CASE("LineFramer frames random mixes of a, b, \\r and \\n fed in random pieces as the reference does") {
  std::mt19937 random(11);
  for (int round = 0; round < 3000; ++round) {
    const std::string input = rill_test::randomLineBytes(random, random() % 40);
    const std::size_t limit = round % 2 == 0 ? std::size_t{1} << 20 : random() % 4;
    std::vector<std::string_view> pieces;
    for (std::size_t at = 0; at < input.size();) {
      const std::size_t n = std::min<std::size_t>(random() % 6, input.size() - at);  // 0 gives an empty feed
      pieces.push_back(std::string_view(input).substr(at, n));
      at += n;
    }
    std::size_t overlong = 0;
    const Lines expected = rill_test::referenceLines(input, limit, overlong);
    LineFramer framer(limit);
    INFO("round " << round << ", limit " << limit);
    CHECK(frameAll(framer, pieces) == expected);
    CHECK(framer.overlongLines() == overlong);
    CHECK(framer.bufferCapacity() <= limit);
  }
}

TEST_CASE("LineFramer passes arbitrary bytes through unchanged") {
  const std::string binary("\xff\xfe\x00z\x80\n\xc3(\n", 9);
  CHECK(frame(binary) == Lines{std::string("\xff\xfe\x00z\x80", 5), "\xc3("});
}

TEST_CASE("LineFramer gives the same lines for every split into two and three pieces") {
  const std::string input = "alpha\r\nbeta\n\ngamma\r\n\rdelta\r\repsilon\rzeta";
  const Lines expected{"alpha", "beta", "", "gamma", "", "delta", "", "epsilon", "zeta"};
  const std::string_view all(input);
  for (std::size_t i = 0; i <= input.size(); ++i) {
    LineFramer two;
    CHECK(frameAll(two, {all.substr(0, i), all.substr(i)}) == expected);
    for (std::size_t j = i; j <= input.size(); ++j) {
      LineFramer three;
      CHECK(frameAll(three, {all.substr(0, i), all.substr(i, j - i), all.substr(j)}) == expected);
    }
  }
  LineFramer bytewise;
  std::vector<std::string_view> singles;
  for (std::size_t i = 0; i < input.size(); ++i) singles.push_back(all.substr(i, 1));
  CHECK(frameAll(bytewise, singles) == expected);
}

TEST_CASE("LineFramer treats lines at exactly the limit as valid, one more as overlong") {
  const std::size_t limit = 8;
  const std::string exact(limit, 'x');
  const std::string over(limit + 1, 'y');
  const std::string input = exact + "\n" + over + "\n" + exact + "\r\n" + over + "\r\nok\r" + over + "\r";
  const std::string_view all(input);
  for (std::size_t i = 0; i <= input.size(); ++i) {
    LineFramer framer(limit);
    CHECK(frameAll(framer, {all.substr(0, i), all.substr(i)}) == Lines{exact, exact, "ok"});
    CHECK(framer.overlongLines() == 3);
    CHECK(framer.bufferCapacity() <= limit);
  }
}

TEST_CASE("LineFramer drops an overlong unterminated last line at finish") {
  LineFramer framer(4);
  CHECK(frameAll(framer, {"abc\n", "toolong"}) == Lines{"abc"});
  CHECK(framer.overlongLines() == 1);
  CHECK(framer.bufferedBytes() == 0);
}

TEST_CASE("LineFramer keeps memory bounded for a 10 MB line") {
  const std::size_t limit = 1024;
  LineFramer framer(limit);
  Lines out;
  auto collect = [&](std::string_view line) { out.emplace_back(line); };
  framer.feed("before\n", collect);
  const std::string chunk(64 * 1024, 'z');
  for (int i = 0; i < 160; ++i) {  // 10 MiB without a newline, in pieces
    framer.feed(chunk, collect);
    CHECK(framer.bufferedBytes() <= limit);
    CHECK(framer.bufferCapacity() <= limit);
  }
  framer.feed("still the long line\nafter\n", collect);
  framer.finish(collect);
  CHECK(out == Lines{"before", "after"});
  CHECK(framer.overlongLines() == 1);
  CHECK(framer.bufferCapacity() <= limit);

  // The same line delivered in a single feed is counted without buffering.
  LineFramer single(limit);
  Lines out2;
  single.feed(std::string(10 << 20, 'q') + "\nend\n", [&](std::string_view l) { out2.emplace_back(l); });
  CHECK(out2 == Lines{"end"});
  CHECK(single.overlongLines() == 1);
  CHECK(single.bufferCapacity() == 0);
}

TEST_CASE("LineFramer buffers only the partial tail between feeds") {
  LineFramer framer;
  Lines out;
  auto collect = [&](std::string_view line) { out.emplace_back(line); };
  framer.feed("one\ntw", collect);
  CHECK(out == Lines{"one"});
  CHECK(framer.bufferedBytes() == 2);
  framer.feed("o\nthree", collect);
  CHECK(out == Lines{"one", "two"});
  CHECK(framer.bufferedBytes() == 5);
  framer.finish(collect);
  CHECK(out == Lines{"one", "two", "three"});
  CHECK(framer.bufferedBytes() == 0);
  framer.finish(collect);  // a second finish has nothing left to emit
  CHECK(out.size() == 3);
}

TEST_CASE("LineFramer with a zero limit accepts only empty lines") {
  LineFramer framer(0);
  CHECK(frameAll(framer, {"\na\n\r\n", "\r", "\n"}) == Lines{"", "", ""});
  CHECK(framer.overlongLines() == 1);
  CHECK(framer.bufferCapacity() == 0);
}

TEST_CASE("LineFramer stops where a bool-returning onLine returns false") {
  LineFramer framer;
  Lines out;
  auto upToTwo = [&](std::string_view line) {
    out.emplace_back(line);
    return out.size() < 2;
  };
  CHECK_FALSE(framer.feed("a\nb\nc\n", upToTwo));
  CHECK(out == Lines{"a", "b"});
  LineFramer tail;
  out.clear();
  CHECK(tail.feed("x\ny", upToTwo));
  CHECK_FALSE(tail.finish(upToTwo));
  CHECK(out == Lines{"x", "y"});
}

TEST_CASE("LineFramer skips a partial first line without counting it, and says when a line is open") {
  LineFramer framer(4);
  CHECK_FALSE(framer.midLine());
  framer.skipPartialLine();
  CHECK(framer.midLine());
  Lines out;
  auto collect = [&](std::string_view line) { out.emplace_back(line); };
  framer.feed("longer than four bytes", collect);
  CHECK(framer.midLine());
  framer.feed("\r\nok\nsec", collect);
  CHECK(framer.midLine());
  framer.feed("\n", collect);
  CHECK_FALSE(framer.midLine());
  CHECK(out == Lines{"ok", "sec"});
  CHECK(framer.overlongLines() == 0);
  framer.feed("end\r", collect);  // the '\r' ends the line: a '\n' next only completes it
  CHECK_FALSE(framer.midLine());
  CHECK(out == Lines{"ok", "sec", "end"});
  framer.finish(collect);
  CHECK(out == Lines{"ok", "sec", "end"});
  framer.skipPartialLine();
  framer.feed("x\r", collect);
  CHECK_FALSE(framer.midLine());
  framer.feed("\nnext\n", collect);
  CHECK(out == Lines{"ok", "sec", "end", "next"});
}

TEST_CASE("LineFramer under Overlong::stop stops at the first overlong line, held or not") {
  for (const char* input : {"ok\ntoolong\nafter\n", "ok\ntoolong", "ok\ntoolong\rafter\n"}) {
    LineFramer framer(4, rill::io::Overlong::stop);
    Lines out;
    const bool went = framer.feed(input, [&](std::string_view line) { out.emplace_back(line); });
    CHECK_FALSE(went);
    CHECK(out == Lines{"ok"});
    CHECK(framer.overlongLines() == 1);
    CHECK(framer.bufferCapacity() <= 4);
  }
  LineFramer byByte(4, rill::io::Overlong::stop);
  std::string_view input = "abcd\r\nabcde";
  Lines out;
  bool went = true;
  for (; went && !input.empty(); input.remove_prefix(1))
    went = byByte.feed(input.substr(0, 1), [&](std::string_view line) { out.emplace_back(line); });
  CHECK_FALSE(went);
  CHECK(input.empty());  // stopped at the fifth byte of the second line, the last one
  CHECK(out == Lines{"abcd"});
}
