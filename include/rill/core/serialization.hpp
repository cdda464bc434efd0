#pragma once
// How checkpoints write keys, values and state: cereal's binary archives.
//
// Serialisable out of the box: arithmetic types and enums, std::string, pairs,
// tuples, optionals, vectors, deques, maps, sets and their unordered forms, and
// any nesting of those. A type of your own joins by giving cereal a serialize
// function, as a member
//     template <class Archive> void serialize(Archive& ar) { ar(x, y); }
// or as a free function next to the type (same namespace)
//     template <class Archive> void serialize(Archive& ar, Point& p) { ar(p.x, p.y); }
// (cereal's save/load pairs work too); it must be default-constructible to be read back.
//
// Checkpointable<T> says whether all that holds. Checkpoint code checks it
// where it is instantiated, so a type that cannot be serialised only matters
// to a program that checkpoints it. Checkpoint files are read back by the same
// program on the same machine: the archive is cereal's native binary form.
#include <rill/core/errors.hpp>

#include <cereal/archives/binary.hpp>
#include <cereal/types/common.hpp>
#include <cereal/types/deque.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/set.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/tuple.hpp>
#include <cereal/types/unordered_map.hpp>
#include <cereal/types/unordered_set.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/vector.hpp>

#include <cxxabi.h>

#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace rill {

namespace detail {

// cereal's own traits accept std::vector<X> for any X (its vector code is an
// unconstrained template) and fail deep inside on use; so containers are
// looked through here and the leaves asked of cereal.
template <class T>
struct CheckpointableLeaf
    : std::bool_constant<cereal::traits::is_output_serializable<T, cereal::BinaryOutputArchive>::value &&
                         cereal::traits::is_input_serializable<T, cereal::BinaryInputArchive>::value &&
                         std::is_default_constructible_v<T>> {};

template <class T>
struct CheckpointableTraits : CheckpointableLeaf<T> {};
template <class T>
  requires(std::is_arithmetic_v<T> || std::is_enum_v<T>)
struct CheckpointableTraits<T> : std::true_type {};
template <class C, class Tr, class A>
struct CheckpointableTraits<std::basic_string<C, Tr, A>> : std::is_arithmetic<C> {};
template <class A, class B>
struct CheckpointableTraits<std::pair<A, B>>
    : std::bool_constant<CheckpointableTraits<std::remove_cv_t<A>>::value &&
                         CheckpointableTraits<std::remove_cv_t<B>>::value> {};
template <class... Ts>
struct CheckpointableTraits<std::tuple<Ts...>>
    : std::bool_constant<(CheckpointableTraits<std::remove_cv_t<Ts>>::value && ...)> {};
template <class T>
struct CheckpointableTraits<std::optional<T>> : CheckpointableTraits<T> {};
template <class T, class A>
struct CheckpointableTraits<std::vector<T, A>> : CheckpointableTraits<T> {};
template <class T, class A>
struct CheckpointableTraits<std::deque<T, A>> : CheckpointableTraits<T> {};
template <class T, class C, class A>
struct CheckpointableTraits<std::set<T, C, A>> : CheckpointableTraits<T> {};
template <class T, class H, class E, class A>
struct CheckpointableTraits<std::unordered_set<T, H, E, A>> : CheckpointableTraits<T> {};
template <class K, class V, class C, class A>
struct CheckpointableTraits<std::map<K, V, C, A>>
    : std::bool_constant<CheckpointableTraits<K>::value && CheckpointableTraits<V>::value> {};
template <class K, class V, class H, class E, class A>
struct CheckpointableTraits<std::unordered_map<K, V, H, E, A>>
    : std::bool_constant<CheckpointableTraits<K>::value && CheckpointableTraits<V>::value> {};

}  // namespace detail

/// T can be written to a checkpoint and read back (see the top of this header).
template <class T>
concept Checkpointable = detail::CheckpointableTraits<std::remove_cv_t<T>>::value;

namespace detail {

/// A read-only stream buffer over bytes that stay owned by the caller.
class BytesBuffer : public std::streambuf {
 public:
  explicit BytesBuffer(std::string_view bytes) {
    char* begin = const_cast<char*>(bytes.data());  // only ever read through the get area
    setg(begin, begin, begin + bytes.size());
  }
};

template <Checkpointable T>
std::string toBytes(const T& value) {
  std::ostringstream os(std::ios::binary);
  {
    cereal::BinaryOutputArchive archive(os);
    archive(value);
  }
  return std::move(os).str();
}

/// Reads a value written by toBytes; malformed bytes throw SparkException (the
/// checkpoint file's checksum catches corruption before it gets here).
template <Checkpointable T>
T fromBytes(std::string_view bytes) {
  BytesBuffer buffer(bytes);
  std::istream is(&buffer);
  T value{};
  try {
    cereal::BinaryInputArchive archive(is);
    archive(value);
  } catch (const cereal::Exception& e) {
    throw SparkException(std::string("rill: cannot read checkpointed data: ") + e.what());
  }
  return value;
}

/// The readable name of a type, for messages ("std::pair<std::string, long>" style).
template <class T>
std::string typeName() {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(typeid(T).name(), nullptr, nullptr, &status),
                                               std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(typeid(T).name());
}

}  // namespace detail
}  // namespace rill
