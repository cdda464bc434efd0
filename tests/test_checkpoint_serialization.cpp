// What checkpoints can hold (core/serialization.hpp): every type the header
// lists round-trips through toBytes/fromBytes exactly, nested and empty
// containers and std::nullopt included, and user types join through the
// documented hooks (a member serialize, a free serialize next to the type,
// a save/load pair). A getOrCreate restart then carries updateStateByKey and
// mapWithState states of user types across the restart.
#include "window_state_support.hpp"

#include <rill/core/serialization.hpp>
#include <rill/stream/streaming_context.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

using namespace ws_test;

namespace ser_test {

/// A user type joining through a member serialize (the state of the restart test).
struct Tally {
  long count = 0;
  std::vector<std::string> last;  // the key's words in the last batch that had any, sorted

  template <class Archive>
  void serialize(Archive& ar) {
    ar(count, last);
  }
  bool operator==(const Tally&) const = default;
  bool operator<(const Tally& o) const { return std::tie(count, last) < std::tie(o.count, o.last); }
};

/// A user type joining through a free serialize in its namespace.
struct Seen {
  int times = 0;
  std::string smallest;
  bool operator==(const Seen&) const = default;
  bool operator<(const Seen& o) const { return std::tie(times, smallest) < std::tie(o.times, o.smallest); }
};
template <class Archive>
void serialize(Archive& ar, Seen& s) {
  ar(s.times, s.smallest);
}

/// A user type joining through cereal's save/load pair (private data, an invariant restored on load).
class Span {
 public:
  Span() = default;
  Span(int from, int to) : from_(from), length_(to - from) {}
  int from() const { return from_; }
  int to() const { return from_ + length_; }
  bool operator==(const Span&) const = default;

  template <class Archive>
  void save(Archive& ar) const {
    ar(from_, to());
  }
  template <class Archive>
  void load(Archive& ar) {
    int to = 0;
    ar(from_, to);
    length_ = to - from_;
  }

 private:
  int from_ = 0;
  int length_ = 0;
};

enum class Colour : std::uint8_t { red = 1, green = 7, blue = 200 };

/// No serialisation hook: not Checkpointable.
struct Opaque {
  int x = 0;
};

}  // namespace ser_test

using ser_test::Colour;
using ser_test::Opaque;
using ser_test::Seen;
using ser_test::Span;
using ser_test::Tally;

namespace {

template <class T>
T roundTrip(const T& value) {
  static_assert(rill::Checkpointable<T>);
  return rill::detail::fromBytes<T>(rill::detail::toBytes(value));
}

/// value survives a round trip, and a copy cut short by one byte or more is refused.
template <class T>
void checkRoundTrip(const T& value) {
  const std::string bytes = rill::detail::toBytes(value);
  CHECK(rill::detail::fromBytes<T>(bytes) == value);
  if (!bytes.empty())
    CHECK_THROWS_AS(rill::detail::fromBytes<T>(std::string_view(bytes).substr(0, bytes.size() - 1)),
                    rill::SparkException);
}

}  // namespace

// The concept, for what the header lists and what it does not.
static_assert(rill::Checkpointable<int> && rill::Checkpointable<bool> && rill::Checkpointable<double> &&
              rill::Checkpointable<Colour> && rill::Checkpointable<std::string>);
static_assert(rill::Checkpointable<std::pair<std::string, int>> && rill::Checkpointable<std::tuple<int, std::string>>);
static_assert(rill::Checkpointable<std::optional<std::vector<std::map<std::string, std::tuple<int, double>>>>>);
static_assert(rill::Checkpointable<Tally> && rill::Checkpointable<Seen> && rill::Checkpointable<Span>);
static_assert(rill::Checkpointable<std::map<std::string, std::vector<Tally>>>);
static_assert(!rill::Checkpointable<Opaque>);
static_assert(!rill::Checkpointable<std::vector<Opaque>>);
static_assert(!rill::Checkpointable<std::pair<int, Opaque>>);
static_assert(!rill::Checkpointable<std::map<std::string, std::optional<Opaque>>>);

TEST_CASE("serialisation: arithmetic types and enums round-trip exactly, extremes included") {
  checkRoundTrip(true);
  checkRoundTrip(false);
  checkRoundTrip('x');
  checkRoundTrip(static_cast<signed char>(-128));
  checkRoundTrip(static_cast<unsigned char>(255));
  checkRoundTrip(std::numeric_limits<std::int16_t>::min());
  checkRoundTrip(std::numeric_limits<std::uint16_t>::max());
  checkRoundTrip(std::numeric_limits<int>::min());
  checkRoundTrip(-1);
  checkRoundTrip(std::numeric_limits<std::uint32_t>::max());
  checkRoundTrip(std::numeric_limits<std::int64_t>::min());
  checkRoundTrip(std::numeric_limits<std::int64_t>::max());
  checkRoundTrip(std::numeric_limits<std::uint64_t>::max());
  checkRoundTrip(std::numeric_limits<long>::min());
  checkRoundTrip(0.1f);
  checkRoundTrip(-0.1);
  checkRoundTrip(std::numeric_limits<double>::denorm_min());
  checkRoundTrip(std::numeric_limits<double>::infinity());
  checkRoundTrip(std::numeric_limits<double>::lowest());
  checkRoundTrip(static_cast<long double>(1) / 3);
  checkRoundTrip(Colour::red);
  checkRoundTrip(Colour::blue);
  // Bit for bit: -0.0 keeps its sign and NaN stays NaN.
  CHECK(std::signbit(roundTrip(-0.0)));
  CHECK(std::isnan(roundTrip(std::numeric_limits<double>::quiet_NaN())));
}

TEST_CASE("serialisation: strings, empty, binary and long") {
  checkRoundTrip(std::string());
  checkRoundTrip(std::string("word"));
  checkRoundTrip(std::string("a\0b\xff\n", 5));
  checkRoundTrip(std::string(100000, 'z'));
  CHECK(roundTrip(std::string("a\0b", 3)).size() == 3);
}

TEST_CASE("serialisation: pairs and tuples, nested") {
  checkRoundTrip(std::pair<std::string, int>("key", -7));
  checkRoundTrip(std::pair<std::string, std::pair<int, std::string>>("k", {3, ""}));
  checkRoundTrip(std::tuple<>());
  checkRoundTrip(std::tuple<int>(5));
  checkRoundTrip(std::tuple<int, std::string, double, bool>(1, "two", 3.5, true));
  checkRoundTrip(std::tuple<std::pair<int, int>, std::tuple<std::string, long>>({1, 2}, {"x", 9L}));
}

TEST_CASE("serialisation: optionals, engaged and std::nullopt, nested") {
  checkRoundTrip(std::optional<int>(0));
  checkRoundTrip(std::optional<int>());
  checkRoundTrip(std::optional<std::string>(""));
  checkRoundTrip(std::optional<std::string>(std::nullopt));
  checkRoundTrip(std::optional<std::optional<int>>(std::optional<int>()));  // engaged, holding nullopt
  checkRoundTrip(std::optional<std::optional<int>>());
  CHECK(roundTrip(std::optional<std::optional<int>>(std::optional<int>())).has_value());
  CHECK_FALSE(roundTrip(std::optional<std::optional<int>>()).has_value());
  checkRoundTrip(std::optional<std::pair<int, std::vector<int>>>({1, {2, 3}}));
}

TEST_CASE("serialisation: vectors and deques, empty and nested") {
  checkRoundTrip(std::vector<int>());
  checkRoundTrip(std::vector<int>{1, -2, 3});
  checkRoundTrip(std::vector<bool>{true, false, true});
  checkRoundTrip(std::vector<std::string>{"", "b", std::string(300, 'c')});
  checkRoundTrip(std::vector<std::vector<int>>{{}, {1}, {}, {2, 3}});
  checkRoundTrip(std::vector<std::vector<int>>(3));
  checkRoundTrip(std::vector<std::optional<std::string>>{std::nullopt, "x", std::nullopt});
  checkRoundTrip(std::vector<std::pair<std::string, std::int64_t>>{{"a", 1}, {"b", 2}});
  checkRoundTrip(std::deque<int>());
  checkRoundTrip(std::deque<std::string>{"x", "y"});
  CHECK(roundTrip(std::vector<std::vector<int>>(3)).size() == 3);
}

TEST_CASE("serialisation: maps and sets, ordered and unordered, empty and nested") {
  checkRoundTrip(std::map<std::string, int>());
  checkRoundTrip(std::map<std::string, int>{{"a", 1}, {"b", 2}});
  checkRoundTrip(std::map<int, std::map<std::string, std::vector<int>>>{{1, {}}, {2, {{"x", {}}, {"y", {1, 2}}}}});
  checkRoundTrip(std::unordered_map<std::string, std::optional<int>>());
  checkRoundTrip(std::unordered_map<std::string, std::optional<int>>{{"n", std::nullopt}, {"v", 4}});
  checkRoundTrip(std::set<std::string>());
  checkRoundTrip(std::set<std::string>{"a", "z", ""});
  checkRoundTrip(std::unordered_set<long>{1, 2, 3});
  checkRoundTrip(std::map<std::pair<int, int>, std::tuple<std::string, std::set<int>>>{{{1, 2}, {"t", {3}}}});
}

TEST_CASE("serialisation: user types through a member serialize, a free serialize and save/load") {
  checkRoundTrip(Tally{});
  checkRoundTrip(Tally{42, {"x", "y"}});
  checkRoundTrip(Seen{3, "apple"});
  checkRoundTrip(Seen{});
  checkRoundTrip(Span(3, 10));
  CHECK(roundTrip(Span(-5, 5)).to() == 5);
  // Inside the library's containers, as keys and as values.
  checkRoundTrip(std::vector<Tally>{{1, {}}, {2, {"a"}}});
  checkRoundTrip(std::map<std::string, std::optional<Seen>>{{"a", Seen{1, "a"}}, {"b", std::nullopt}});
  checkRoundTrip(std::pair<std::string, Tally>("k", {7, {"p", "q"}}));
  checkRoundTrip(std::tuple<Span, Seen, std::vector<Span>>(Span(1, 2), Seen{1, ""}, {Span(0, 0), Span(4, 9)}));
  checkRoundTrip(std::optional<std::vector<std::pair<std::string, Tally>>>(
      std::vector<std::pair<std::string, Tally>>{{"a", {1, {"a"}}}, {"b", {}}}));
}

namespace {

/// A word count whose state is a user type: (first letter, word) pairs; per key a
/// Tally (updateStateByKey) and a Seen (mapWithState: how often, the smallest word).
const std::vector<std::optional<std::vector<std::string>>> kWords = {
    std::vector<std::string>{"apple", "avocado", "bean"},
    std::vector<std::string>{"cherry", "apple"},
    std::vector<std::string>{},
    std::vector<std::string>{"bean", "blueberry", "apple"},
    std::vector<std::string>{"avocado", "cherry"},
    std::vector<std::string>{},
};

std::string show(const Tally& t) { return std::to_string(t.count) + rill::toString(t.last); }
std::string show(const Seen& s) { return std::to_string(s.times) + ":" + s.smallest; }

struct UserStateRun {
  std::map<std::int64_t, std::string> tallies, seen;
  std::optional<rill::Time> restored;
};

UserStateRun runUserStates(const std::string& dir, std::int64_t untilMs) {
  using SS = std::pair<std::string, std::string>;
  rill::SparkContext sc(conf());
  auto clock = std::make_shared<rill::ManualClock>();
  UserStateRun run;
  auto tallies = std::make_shared<std::map<std::int64_t, std::string>>();
  auto seen = std::make_shared<std::map<std::int64_t, std::string>>();
  auto ssc = rill::StreamingContext::getOrCreate(dir, [&] {
    auto made = std::make_unique<rill::StreamingContext>(sc, std::chrono::seconds(1), clock);
    made->checkpoint(dir);
    auto pairs = scriptedStream<std::string>(*made, kWords).map([](const std::string& w) {
      return SS(std::string(1, w[0]), w);
    });
    auto state = pairs.updateStateByKey(
        [](const std::vector<std::string>& words, std::optional<Tally> tally) -> std::optional<Tally> {
          Tally t = tally.value_or(Tally{});
          t.count += static_cast<long>(words.size());
          if (!words.empty()) t.last = sorted(words);
          return t;
        },
        2);
    auto mapped = pairs.mapWithState(rill::StateSpec::function(
        [](const std::string& key, std::optional<std::string> word, rill::State<Seen>& state) {
          Seen s = state.getOption().value_or(Seen{0, *word});
          ++s.times;
          s.smallest = std::min(s.smallest, *word);
          state.update(s);
          return key;
        }));
    state.foreachRDD([tallies](const auto& rdd, rill::Time t) {
      std::string line;
      for (const auto& [key, tally] : sorted(rdd.collect())) line += key + "=" + show(tally) + " ";
      (*tallies)[t.milliseconds()] = line;
    });
    mapped.stateSnapshots().foreachRDD([seen](const auto& rdd, rill::Time t) {
      std::string line;
      for (const auto& [key, s] : sorted(rdd.collect())) line += key + "=" + show(s) + " ";
      (*seen)[t.milliseconds()] = line;
    });
    return made;
  });
  ssc->start();
  for (std::int64_t t = 1000; t <= untilMs; t += 1000) clock->setTime(t);
  ssc->stop(false);
  run.tallies = *tallies;
  run.seen = *seen;
  run.restored = ssc->restoredBatchTime();
  return run;
}

}  // namespace

TEST_CASE("getOrCreate restores updateStateByKey and mapWithState states of user types") {
  const std::string dir = freshDir("user-state");
  const auto first = runUserStates(dir, 4000);
  CHECK_FALSE(first.restored.has_value());
  REQUIRE(first.tallies.size() == 4);
  CHECK(first.tallies.at(4000) == "a=4[apple] b=3[bean, blueberry] c=1[cherry] ");
  CHECK(first.seen.at(4000) == "a=4:apple b=3:bean c=1:cherry ");

  const auto second = runUserStates(dir, 6000);
  REQUIRE(second.restored.has_value());
  CHECK(second.restored->milliseconds() == 4000);
  // Only the batches after the checkpoint ran; b and (at 6 s) every key had no
  // new data, so their values are the restored states themselves.
  REQUIRE(second.tallies.size() == 2);
  CHECK(second.tallies.at(5000) == "a=5[avocado] b=3[bean, blueberry] c=2[cherry] ");
  CHECK(second.tallies.at(6000) == "a=5[avocado] b=3[bean, blueberry] c=2[cherry] ");
  CHECK(second.seen.at(5000) == "a=5:apple b=3:bean c=2:cherry ");
  CHECK(second.seen.at(6000) == "a=5:apple b=3:bean c=2:cherry ");

  // The same as an uninterrupted run.
  const auto whole = runUserStates(freshDir("user-state-whole"), 6000);
  CHECK(whole.tallies.at(5000) == second.tallies.at(5000));
  CHECK(whole.tallies.at(6000) == second.tallies.at(6000));
  CHECK(whole.seen.at(6000) == second.seen.at(6000));
}
