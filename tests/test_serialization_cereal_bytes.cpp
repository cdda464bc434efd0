// rill's checkpoint archive (core/serialization.hpp) writes exactly the bytes of
// cereal's BinaryOutputArchive and reads cereal's bytes back, for every kind of
// type it supports and for user types through each hook: checkpoint files
// written by earlier versions (which used cereal) still restore. cereal is a
// dependency of this test only. Also: the checkpoint manifest
// (stream/checkpoint_manifest.hpp) is what cereal writes for it.
#include <rill/core/serialization.hpp>
#include <rill/stream/checkpoint_manifest.hpp>

#include <cereal/archives/binary.hpp>
#include <cereal/types/deque.hpp>
#include <cereal/types/list.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/set.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/tuple.hpp>
#include <cereal/types/unordered_map.hpp>
#include <cereal/types/unordered_set.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

#include <doctest/doctest.h>

#include <cstdint>
#include <deque>
#include <limits>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace bytes_test {

struct Member {
  long count = 0;
  std::vector<std::string> words;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(count, words);
  }
  bool operator==(const Member&) const = default;
};

struct Free {
  int times = 0;
  std::optional<std::string> note;
  bool operator==(const Free&) const = default;
};
template <class Archive>
void serialize(Archive& ar, Free& f) {
  ar(f.times, f.note);
}

/// Private save/load, reachable by both libraries through their access classes.
class Private {
 public:
  Private() = default;
  Private(int from, int to) : from_(from), length_(to - from) {}
  bool operator==(const Private&) const = default;

 private:
  friend struct rill::SerializationAccess;
  friend class cereal::access;
  template <class Archive>
  void save(Archive& ar) const {
    ar(from_, from_ + length_);
  }
  template <class Archive>
  void load(Archive& ar) {
    int to = 0;
    ar(from_, to);
    length_ = to - from_;
  }
  int from_ = 0;
  int length_ = 0;
};

struct FreePair {
  double x = 0;
  bool operator==(const FreePair&) const = default;
};
template <class Archive>
void save(Archive& ar, const FreePair& p) {
  ar(p.x);
}
template <class Archive>
void load(Archive& ar, FreePair& p) {
  ar(p.x);
}

enum class Colour : std::uint16_t { red = 1, blue = 500 };

}  // namespace bytes_test

namespace {

template <class T>
std::string cerealBytes(const T& value) {
  std::ostringstream os(std::ios::binary);
  {
    cereal::BinaryOutputArchive ar(os);
    ar(value);
  }
  return std::move(os).str();
}

template <class T>
T fromCereal(const std::string& bytes) {
  std::istringstream is(bytes, std::ios::binary);
  T value{};
  cereal::BinaryInputArchive ar(is);
  ar(value);
  return value;
}

/// Same bytes as cereal, and each library reads the other's bytes back to value.
template <class T>
void checkSameAsCereal(const T& value) {
  static_assert(rill::Checkpointable<T>);
  const std::string ours = rill::detail::toBytes(value);
  const std::string theirs = cerealBytes(value);
  CHECK(ours == theirs);
  CHECK(fromCereal<T>(ours) == value);
  CHECK(rill::detail::fromBytes<T>(theirs) == value);
}

}  // namespace

using namespace bytes_test;

TEST_CASE("cereal's bytes: arithmetic types, bools and enums") {
  checkSameAsCereal(true);
  checkSameAsCereal('q');
  checkSameAsCereal(std::numeric_limits<std::int64_t>::min());
  checkSameAsCereal(std::numeric_limits<std::uint32_t>::max());
  checkSameAsCereal(-0.25);
  checkSameAsCereal(1.5f);
  checkSameAsCereal(Colour::blue);
  // The layout itself: a u64 size, then the characters.
  CHECK(rill::detail::toBytes(std::string("ab")) == std::string("\x02\0\0\0\0\0\0\0ab", 10));
  CHECK(rill::detail::toBytes(std::int32_t{1}) == std::string("\x01\0\0\0", 4));
}

TEST_CASE("cereal's bytes: strings, pairs, tuples and optionals") {
  checkSameAsCereal(std::string());
  checkSameAsCereal(std::string("with\0nul", 8));
  checkSameAsCereal(std::pair<std::string, int>("key", 7));
  checkSameAsCereal(std::tuple<>());
  checkSameAsCereal(std::tuple<int, std::string, bool>(1, "two", false));
  checkSameAsCereal(std::optional<int>());
  checkSameAsCereal(std::optional<std::string>("x"));
  checkSameAsCereal(std::optional<std::optional<int>>(std::optional<int>()));
}

TEST_CASE("cereal's bytes: sequences, maps and sets") {
  checkSameAsCereal(std::vector<int>());
  checkSameAsCereal(std::vector<std::int64_t>{1, -2, 3});
  checkSameAsCereal(std::vector<bool>{true, false, true});
  checkSameAsCereal(std::vector<std::string>{"", "b"});
  checkSameAsCereal(std::vector<std::vector<int>>{{}, {1}, {2, 3}});
  checkSameAsCereal(std::deque<std::string>{"x", "y"});
  checkSameAsCereal(std::deque<char>{'a', 'b'});
  checkSameAsCereal(std::list<int>{4, 5});
  checkSameAsCereal(std::map<std::string, int>{{"a", 1}, {"b", 2}});
  checkSameAsCereal(std::map<int, std::map<std::string, std::vector<int>>>{{1, {}}, {2, {{"y", {1, 2}}}}});
  checkSameAsCereal(std::set<std::string>{"a", "z", ""});
  checkSameAsCereal(std::multiset<int>{1, 1, 2});
  // Unordered: the same elements in the same iteration order of one table.
  using UM = std::unordered_map<std::string, std::optional<int>>;
  const UM um{{"n", std::nullopt}, {"v", 4}};
  CHECK(rill::detail::toBytes(um) == cerealBytes(um));
  CHECK(rill::detail::fromBytes<UM>(cerealBytes(um)) == um);
  const std::unordered_set<long> us{1, 2, 3};
  CHECK(rill::detail::toBytes(us) == cerealBytes(us));
  CHECK(fromCereal<std::unordered_set<long>>(rill::detail::toBytes(us)) == us);
}

TEST_CASE("cereal's bytes: user types through each hook, alone and nested") {
  checkSameAsCereal(Member{3, {"a", "bc"}});
  checkSameAsCereal(Free{2, "note"});
  checkSameAsCereal(Free{});
  checkSameAsCereal(Private(3, 10));
  checkSameAsCereal(FreePair{2.5});
  checkSameAsCereal(std::map<std::string, std::vector<Member>>{{"k", {Member{1, {}}, Member{2, {"x"}}}}});
  checkSameAsCereal(std::tuple<Private, Free, std::optional<FreePair>>(Private(1, 2), Free{1, {}}, FreePair{1}));
}

TEST_CASE("a type without a hook is not Checkpointable, in any container") {
  struct Opaque {
    int x = 0;
  };
  static_assert(!rill::Checkpointable<Opaque>);
  static_assert(!rill::Checkpointable<std::vector<Opaque>>);
  static_assert(!rill::Checkpointable<std::map<int, Opaque>>);
  static_assert(!rill::Checkpointable<std::set<std::pair<int, Opaque>>>);
  static_assert(!rill::Checkpointable<std::optional<std::tuple<int, Opaque>>>);
  static_assert(rill::Checkpointable<std::list<std::multimap<int, Member>>>);
  CHECK(rill::Checkpointable<Member>);
}

TEST_CASE("a checkpoint manifest is what cereal writes for it, and a cut one is refused") {
  using rill::detail::CheckpointManifest;
  const std::vector<CheckpointManifest> records{
      {1000, 0, 5000, 1, {{"a stream", 0, "its bytes"}}, {}, {}},
      {2000, -2000, 0, 1, {}, {{0, 1000, "segment-0", 0, 64}}, {{1, 1000, "words", 3, 10, 20}}},
      {1, 2, 3, 2, {{"", 0, ""}, {"state (std::string -> long)", 1, std::string("\0\x01\xff", 3)}}, {}, {}},
  };
  for (const auto& manifest : records) {
    const std::string bytes = rill::detail::toBytes(manifest);
    CHECK(bytes == cerealBytes(manifest));
    CHECK(rill::detail::fromBytes<CheckpointManifest>(cerealBytes(manifest)) == manifest);
    CHECK_THROWS_AS(rill::detail::fromBytes<CheckpointManifest>(std::string_view(bytes).substr(0, bytes.size() - 1)),
                    rill::SparkException);
  }
}
