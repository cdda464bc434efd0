// How values cross ranks (exec/wire.hpp): raw bytes for values whose bytes are
// their value, rill's archive for the rest, frames to put several in one buffer,
// and the errors for a type that cannot travel and for a cut buffer.
#include <doctest/doctest.h>

#include <rill/exec/wire.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using rill::exec::Bytes;

namespace {

struct Point {  // trivially copyable, no serialize function: travels as bytes
  int x = 0;
  double y = 0;
  bool operator==(const Point&) const = default;
};

struct Named {  // travels through its serialize function
  std::string name;
  std::vector<int> values;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(name, values);
  }
  bool operator==(const Named&) const = default;
};

struct Opaque {  // neither
  std::string text;
};

template <class T>
T roundTrip(const T& value) {
  Bytes out;
  rill::exec::appendFrame(out, value, "test");
  rill::exec::FrameReader in(out);
  T back = rill::exec::readWire<T>(in.next(), "test");
  CHECK(in.done());
  return back;
}

}  // namespace

TEST_CASE("values round-trip, as raw bytes or through the archive") {
  CHECK(roundTrip(42) == 42);
  CHECK(roundTrip(-0.0) == 0.0);
  CHECK(roundTrip(Point{3, 2.5}) == Point{3, 2.5});
  CHECK(roundTrip(std::pair<std::int64_t, double>(-7, 1e300)) == std::pair<std::int64_t, double>(-7, 1e300));
  CHECK(roundTrip(std::vector<std::pair<int, std::int64_t>>{{1, 2}, {3, 4}}) ==
        std::vector<std::pair<int, std::int64_t>>{{1, 2}, {3, 4}});
  CHECK(roundTrip(std::vector<Point>{{1, 1}, {2, 2}}) == std::vector<Point>{{1, 1}, {2, 2}});
  CHECK(roundTrip(std::vector<int>{}).empty());
  CHECK(roundTrip(std::string("text")) == "text");
  CHECK(roundTrip(std::vector<std::pair<std::string, int>>{{"a", 1}, {"", 2}}) ==
        std::vector<std::pair<std::string, int>>{{"a", 1}, {"", 2}});
  CHECK(roundTrip(std::optional<std::string>()) == std::nullopt);
  CHECK(roundTrip(std::vector<bool>{true, false, true}) == std::vector<bool>{true, false, true});
  CHECK(roundTrip(std::map<std::string, std::vector<int>>{{"k", {1, 2}}}) ==
        std::map<std::string, std::vector<int>>{{"k", {1, 2}}});
  CHECK(roundTrip(Named{"n", {4, 5}}) == Named{"n", {4, 5}});
}

TEST_CASE("raw vectors take exactly their elements' bytes, pairs without padding") {
  Bytes out;
  rill::exec::appendWire(out, std::vector<std::pair<char, std::int64_t>>{{'a', 1}, {'b', 2}}, "test");
  CHECK(out.size() == 2 * 9);
  CHECK(rill::exec::frameSizeHint(std::vector<std::pair<char, std::int64_t>>(3)) == 8 + 3 * 9);
  CHECK(rill::exec::frameSizeHint(std::string("not known in advance")) == 0);
}

TEST_CASE("addresses never travel as bytes") {
  static_assert(!rill::exec::RawWire<const char*>);
  static_assert(!rill::exec::RawWire<std::string_view>);
  static_assert(!rill::exec::RawWire<std::pair<int, std::string_view>>);
  static_assert(rill::exec::RawWire<std::pair<int, double>>);
  static_assert(!rill::exec::WireEncodable<Opaque>);
  static_assert(rill::exec::WireEncodable<Named>);
}

TEST_CASE("several frames share a buffer and come back in order") {
  Bytes out;
  rill::exec::appendFrame(out, std::vector<int>{1, 2}, "test");
  rill::exec::appendFrame(out, std::string("two"), "test");
  rill::exec::appendFrame(out, std::vector<int>{}, "test");
  rill::exec::FrameReader in(out);
  CHECK(rill::exec::readWire<std::vector<int>>(in.next(), "test") == std::vector<int>{1, 2});
  CHECK(rill::exec::readWire<std::string>(in.next(), "test") == "two");
  CHECK(rill::exec::readWire<std::vector<int>>(in.next(), "test").empty());
  CHECK(in.done());
}

TEST_CASE("a type that cannot travel fails naming the operation and the type") {
  Bytes out;
  try {
    rill::exec::appendWire(out, std::vector<Opaque>(1), "groupByKey");
    FAIL("no exception");
  } catch (const rill::SparkException& e) {
    const std::string what = e.what();
    CHECK(what.find("rill: groupByKey sends values of type std::vector<(anonymous namespace)::Opaque") == 0);
    CHECK(what.find("cannot be serialised: give it a serialize function") != std::string::npos);
  }
}

TEST_CASE("a cut buffer is an error, not a crash") {
  Bytes out;
  rill::exec::appendFrame(out, std::vector<std::int64_t>{1, 2, 3}, "test");
  rill::exec::FrameReader cut(std::string_view(out).substr(0, out.size() - 1));
  CHECK_THROWS_WITH_AS(cut.next(), "rill: a buffer from another rank ends inside a frame", rill::SparkException);
  rill::exec::FrameReader shortHeader(std::string_view(out).substr(0, 4));
  CHECK_THROWS_AS(shortHeader.next(), rill::SparkException);
  CHECK_THROWS_AS(rill::exec::readWire<std::vector<std::int64_t>>(std::string_view(out).substr(8, 12), "test"),
                  rill::SparkException);
  CHECK_THROWS_AS(rill::exec::readWire<int>(std::string_view("abc"), "test"), rill::SparkException);
}
