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

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
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

/// cereal's binary format, read from bytes in memory without trusting the
/// sizes in them. cereal's BinaryInputArchive resizes a string or container to
/// the size it reads before reading the elements, so one corrupt size in data
/// that passed the checkpoint checksum (a file of another build, or crafted)
/// made it allocate up to 2^64 bytes: std::bad_alloc, or the OOM killer. Here
/// a size larger than the bytes left is an error, since every element takes
/// at least one byte (so an allocation is at most a small multiple of the
/// input). The one exception, elements that serialise to nothing (an empty
/// struct), cannot be read back in vectors longer than the bytes that follow.
class CheckpointInputArchive
    : public cereal::InputArchive<CheckpointInputArchive, cereal::AllowEmptyClassElision> {
 public:
  explicit CheckpointInputArchive(std::string_view bytes)
      : cereal::InputArchive<CheckpointInputArchive, cereal::AllowEmptyClassElision>(this), bytes_(bytes) {}

  void loadBinary(void* data, std::size_t size) {
    if (size > bytes_.size())
      throw cereal::Exception("needs " + std::to_string(size) + " more bytes, " + std::to_string(bytes_.size()) +
                              " left");
    if (size == 0) return;  // data may be null (an empty vector)
    std::memcpy(data, bytes_.data(), size);
    bytes_.remove_prefix(size);
  }
  void checkSize(std::uint64_t elements) const {
    if (elements > bytes_.size())
      throw cereal::Exception("a size of " + std::to_string(elements) + " elements, with " +
                              std::to_string(bytes_.size()) + " bytes left");
  }

 private:
  std::string_view bytes_;
};

// What cereal needs of an input archive (as cereal/archives/binary.hpp gives
// BinaryInputArchive), found by ADL.
template <class T>
std::enable_if_t<std::is_arithmetic_v<T>> CEREAL_LOAD_FUNCTION_NAME(CheckpointInputArchive& ar, T& t) {
  if constexpr (std::is_same_v<T, bool>) {  // a byte other than 0 or 1 is no bool (reading it is UB)
    unsigned char byte = 0;
    ar.loadBinary(&byte, 1);
    if (byte > 1) throw cereal::Exception("a bool of value " + std::to_string(byte));
    t = byte == 1;
  } else {
    ar.loadBinary(std::addressof(t), sizeof(t));
  }
}
template <class T>
void CEREAL_SERIALIZE_FUNCTION_NAME(CheckpointInputArchive& ar, cereal::NameValuePair<T>& t) {
  ar(t.value);
}
template <class T>
void CEREAL_SERIALIZE_FUNCTION_NAME(CheckpointInputArchive& ar, cereal::SizeTag<T>& t) {
  ar(t.size);
  ar.checkSize(static_cast<std::uint64_t>(t.size));
}
template <class T>
void CEREAL_LOAD_FUNCTION_NAME(CheckpointInputArchive& ar, cereal::BinaryData<T>& bd) {
  ar.loadBinary(bd.data, static_cast<std::size_t>(bd.size));
}

// cereal's own traits accept std::vector<X> for any X (its vector code is an
// unconstrained template) and fail deep inside on use; so containers are
// looked through here and the leaves asked of cereal.
template <class T>
struct CheckpointableLeaf
    : std::bool_constant<cereal::traits::is_output_serializable<T, cereal::BinaryOutputArchive>::value &&
                         cereal::traits::is_input_serializable<T, CheckpointInputArchive>::value &&
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
/// checkpoint file's checksum catches corruption before it gets here, but not
/// a file of another build or a crafted one).
template <Checkpointable T>
T fromBytes(std::string_view bytes) {
  T value{};
  try {
    CheckpointInputArchive archive(bytes);
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

// Tells cereal which output archive writes what CheckpointInputArchive reads
// (used to check load_minimal/save_minimal pairs).
template <>
struct cereal::traits::detail::get_output_from_input<rill::detail::CheckpointInputArchive> {
  using type = cereal::BinaryOutputArchive;
};
