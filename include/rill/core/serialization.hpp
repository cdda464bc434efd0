#pragma once
// How checkpoints write keys, values and state: a binary archive with cereal's
// protocol and cereal's bytes, without cereal.
//
// Serialisable out of the box: arithmetic types and enums, std::string, pairs,
// tuples, optionals, and the standard containers — sequences (vector, deque,
// list), maps and sets, ordered or unordered — with any nesting of those. A
// type of your own joins as it would join cereal, by a serialize function, as a
// member
//     template <class Archive> void serialize(Archive& ar) { ar(x, y); }
// or as a free function next to the type (same namespace)
//     template <class Archive> void serialize(Archive& ar, Point& p) { ar(p.x, p.y); }
// or by a save/load pair (members `void save(Archive&) const` and
// `void load(Archive&)`, or free `save(Archive&, const T&)` / `load(Archive&, T&)`).
// Private hooks need `friend struct rill::SerializationAccess;` (cereal's
// `friend class cereal::access;`). The type must be default-constructible to be
// read back. Not supported: cereal's versioned and *_minimal hooks and its
// name-value pairs (binary archives ignore the names; pass the value itself).
//
// Checkpointable<T> says whether all that holds. Checkpoint code checks it
// where it is instantiated, so a type that cannot be serialised only matters
// to a program that checkpoints it. Checkpoint files are read back by the same
// program on the same machine, so sizes are u64s and values their bytes in the
// machine's own order: exactly what cereal's BinaryOutputArchive writes
// (tests/test_serialization_cereal_bytes.cpp checks it both ways), so files of
// earlier versions, which used cereal, still restore.
//
// Why not cereal: the same protocol and bytes, but each size read is checked against the bytes left (fuzz-hardened).
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace rill {

/// Befriend it to keep serialize, save or load private.
struct SerializationAccess {
  template <class A, class T>
  static auto serialize(A& ar, T& t) -> decltype(t.serialize(ar)) {
    return t.serialize(ar);
  }
  template <class A, class T>
  static auto save(A& ar, const T& t) -> decltype(t.save(ar)) {
    return t.save(ar);
  }
  template <class A, class T>
  static auto load(A& ar, T& t) -> decltype(t.load(ar)) {
    return t.load(ar);
  }
};

namespace detail {

/// How one type is written and read: Codec<T>::save(ar, value) and
/// Codec<T>::load(ar, value). Undefined (no members) for types that cannot be.
template <class T>
struct Codec {};

template <class T>
concept Serializable = requires {
  &Codec<T>::save;
  &Codec<T>::load;
} && std::is_default_constructible_v<T>;

/// Appends the bytes of values to a string.
class BinaryWriter {
 public:
  explicit BinaryWriter(std::string& out) : out_(&out) {}
  template <class... Ts>
  void operator()(Ts&&... values) {
    (Codec<std::remove_cvref_t<Ts>>::save(*this, values), ...);
  }
  void writeBytes(const void* data, std::size_t size) { out_->append(static_cast<const char*>(data), size); }
  void writeSize(std::size_t n) {
    const auto size = static_cast<std::uint64_t>(n);
    writeBytes(&size, sizeof size);
  }

 private:
  std::string* out_;
};

/// Reads values back from bytes in memory without trusting the sizes in them:
/// a size larger than the bytes left is an error, since every element takes at
/// least one byte (so an allocation is at most a small multiple of the input;
/// elements that serialise to nothing, an empty struct, cannot be read back in
/// containers longer than the bytes that follow).
class BinaryReader {
 public:
  explicit BinaryReader(std::string_view bytes) : bytes_(bytes) {}
  template <class... Ts>
  void operator()(Ts&&... values) {
    (Codec<std::remove_cvref_t<Ts>>::load(*this, values), ...);
  }
  void readBytes(void* data, std::size_t size) {
    if (size > bytes_.size()) shortOf(size, bytes_.size());
    if (size == 0) return;  // data may be null (an empty vector)
    std::memcpy(data, bytes_.data(), size);
    bytes_.remove_prefix(size);
  }
  std::size_t readSize() {
    std::uint64_t n = 0;
    readBytes(&n, sizeof n);
    if (n > bytes_.size()) sizeTooLarge(n, bytes_.size());
    return static_cast<std::size_t>(n);
  }
  [[noreturn]] static void fail(const std::string& why);

 private:
  // The failures' messages are built out of line: readBytes and readSize are
  // inlined into every element's load, and the messages would be copied there.
  [[noreturn]] static void shortOf(std::size_t wanted, std::size_t left);
  [[noreturn]] static void sizeTooLarge(std::uint64_t n, std::size_t left);

  std::string_view bytes_;
};

// --- Arithmetic types and enums: their bytes. ---
template <class T>
  requires(std::is_arithmetic_v<T> || std::is_enum_v<T>)
struct Codec<T> {
  static void save(BinaryWriter& ar, const T& v) { ar.writeBytes(&v, sizeof v); }
  static void load(BinaryReader& ar, T& v) {
    if constexpr (std::is_same_v<T, bool>) {  // a byte other than 0 or 1 is no bool (reading it is UB)
      unsigned char byte = 0;
      ar.readBytes(&byte, 1);
      if (byte > 1) BinaryReader::fail("a bool of value " + std::to_string(byte));
      v = byte == 1;
    } else {
      ar.readBytes(&v, sizeof v);
    }
  }
};

// --- User types: their own hooks, found as cereal finds them. ---
template <class T>
concept HasMemberSerialize = requires(T& t, BinaryWriter& w, BinaryReader& r) {
  SerializationAccess::serialize(w, t);
  SerializationAccess::serialize(r, t);
};
template <class T>
concept HasFreeSerialize = requires(T& t, BinaryWriter& w, BinaryReader& r) {
  serialize(w, t);
  serialize(r, t);
};
template <class T>
concept HasMemberSaveLoad = requires(const T& c, T& t, BinaryWriter& w, BinaryReader& r) {
  SerializationAccess::save(w, c);
  SerializationAccess::load(r, t);
};
template <class T>
concept HasFreeSaveLoad = requires(const T& c, T& t, BinaryWriter& w, BinaryReader& r) {
  save(w, c);
  load(r, t);
};

template <class T>
concept HasUserHooks =
    HasMemberSerialize<T> || HasFreeSerialize<T> || HasMemberSaveLoad<T> || HasFreeSaveLoad<T>;

// Called from outside Codec: inside it, an unqualified save(ar, v) would find
// Codec::save itself and never look in the user's namespace.
template <class A, class T>
void freeSerialize(A& ar, T& v) {
  serialize(ar, v);
}
template <class T>
void freeSave(BinaryWriter& ar, const T& v) {
  save(ar, v);
}
template <class T>
void freeLoad(BinaryReader& ar, T& v) {
  load(ar, v);
}

template <class T>
  requires(!std::is_arithmetic_v<T> && !std::is_enum_v<T> && HasUserHooks<T>)
struct Codec<T> {
  // A serialize function is one for both directions, so it takes a T&; saving
  // hands it the value without const (as cereal does) and it only reads it.
  static void save(BinaryWriter& ar, const T& v) {
    if constexpr (HasMemberSerialize<T>) SerializationAccess::serialize(ar, const_cast<T&>(v));
    else if constexpr (HasFreeSerialize<T>) freeSerialize(ar, const_cast<T&>(v));
    else if constexpr (HasMemberSaveLoad<T>) SerializationAccess::save(ar, v);
    else freeSave(ar, v);
  }
  static void load(BinaryReader& ar, T& v) {
    if constexpr (HasMemberSerialize<T>) SerializationAccess::serialize(ar, v);
    else if constexpr (HasFreeSerialize<T>) freeSerialize(ar, v);
    else if constexpr (HasMemberSaveLoad<T>) SerializationAccess::load(ar, v);
    else freeLoad(ar, v);
  }
};

// --- Pairs, tuples, optionals. ---
template <Serializable A, Serializable B>
struct Codec<std::pair<A, B>> {
  static void save(BinaryWriter& ar, const std::pair<A, B>& p) { ar(p.first, p.second); }
  static void load(BinaryReader& ar, std::pair<A, B>& p) { ar(p.first, p.second); }
};
template <Serializable... Ts>
struct Codec<std::tuple<Ts...>> {
  static void save(BinaryWriter& ar, const std::tuple<Ts...>& t) {
    std::apply([&ar](const auto&... xs) { ar(xs...); }, t);
  }
  static void load(BinaryReader& ar, std::tuple<Ts...>& t) {
    std::apply([&ar](auto&... xs) { ar(xs...); }, t);
  }
};
/// The elements only, as cereal writes a std::array (its size is in the type).
template <Serializable T, std::size_t N>
struct Codec<std::array<T, N>> {
  static void save(BinaryWriter& ar, const std::array<T, N>& a) {
    for (const auto& x : a) ar(x);
  }
  static void load(BinaryReader& ar, std::array<T, N>& a) {
    for (auto& x : a) ar(x);
  }
};
/// A flag that is true for std::nullopt (cereal's "nullopt"), then the value.
template <Serializable T>
struct Codec<std::optional<T>> {
  static void save(BinaryWriter& ar, const std::optional<T>& o) {
    ar(!o.has_value());
    if (o) ar(*o);
  }
  static void load(BinaryReader& ar, std::optional<T>& o) {
    bool empty = true;
    ar(empty);
    if (empty) {
      o.reset();
    } else {
      o.emplace();
      ar(*o);
    }
  }
};

// --- Containers, by what they can do rather than by name, so any standard-like
// container works: the size as a u64, then the elements
// (for a map, each key then its value). A contiguous sequence of arithmetic
// values (std::string, std::vector<int>) is one block of bytes. ---
template <class C>
concept SequenceContainer = requires(C& c, const C& cc, typename C::value_type v) {
  cc.size();
  cc.begin();
  c.clear();
  c.push_back(std::move(v));
} && !requires { typename C::key_type; };
template <class C>
concept BytesContainer = SequenceContainer<C> && std::is_arithmetic_v<typename C::value_type> &&
                         !std::is_same_v<typename C::value_type, bool> && requires(C& c) {
                           c.resize(std::size_t{});
                           { c.data() } -> std::same_as<typename C::value_type*>;
                         };
template <class C>
concept AssociativeContainer = requires(C& c, const C& cc, typename C::value_type v) {
  typename C::key_type;
  cc.size();
  cc.begin();
  c.clear();
  c.emplace_hint(c.end(), std::move(v));
};

template <class C>
  requires(SequenceContainer<C> && !HasUserHooks<C> && Serializable<typename C::value_type>)
struct Codec<C> {
  static void save(BinaryWriter& ar, const C& c) {
    ar.writeSize(c.size());
    if constexpr (BytesContainer<C>)
      ar.writeBytes(c.data(), c.size() * sizeof(typename C::value_type));
    else
      for (const auto& x : c) ar(static_cast<const typename C::value_type&>(x));
  }
  static void load(BinaryReader& ar, C& c) {
    const std::size_t n = ar.readSize();
    if constexpr (BytesContainer<C>) {
      c.resize(n);
      ar.readBytes(c.data(), n * sizeof(typename C::value_type));
    } else {
      c.clear();
      for (std::size_t i = 0; i < n; ++i) {
        typename C::value_type x{};
        ar(x);
        c.push_back(std::move(x));
      }
    }
  }
};

template <class C>
struct ElementOf {
  using type = typename C::key_type;  // a set
};
template <class C>
  requires requires { typename C::mapped_type; }
struct ElementOf<C> {
  using type = std::pair<typename C::key_type, typename C::mapped_type>;  // a map: key, then value
};

template <class C>
  requires(AssociativeContainer<C> && !HasUserHooks<C> && Serializable<typename ElementOf<C>::type>)
struct Codec<C> {
  using Element = typename ElementOf<C>::type;
  static void save(BinaryWriter& ar, const C& c) {
    ar.writeSize(c.size());
    for (const auto& x : c) {
      if constexpr (requires { typename C::mapped_type; })
        ar(x.first, x.second);  // not the pair itself: its key is const
      else
        ar(x);
    }
  }
  static void load(BinaryReader& ar, C& c) {
    const std::size_t n = ar.readSize();
    c.clear();
    for (std::size_t i = 0; i < n; ++i) {
      Element x{};
      ar(x);
      c.emplace_hint(c.end(), std::move(x));
    }
  }
};

}  // namespace detail

/// T can be written to a checkpoint and read back (see the top of this header).
template <class T>
concept Checkpointable = detail::Serializable<std::remove_cv_t<T>>;

namespace detail {

template <Checkpointable T>
std::string toBytes(const T& value) {
  std::string bytes;
  BinaryWriter archive(bytes);
  archive(value);
  return bytes;
}

/// Reads a value written by toBytes; malformed bytes throw SparkException (the
/// checkpoint file's checksum catches corruption before it gets here, but not
/// a file of another build or a crafted one).
template <Checkpointable T>
T fromBytes(std::string_view bytes) {
  T value{};
  BinaryReader archive(bytes);
  archive(value);
  return value;
}

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void BinaryReader::fail(const std::string& why) {
  throw SparkException("rill: cannot read checkpointed data: " + why);
}
RILL_RUNTIME void BinaryReader::shortOf(std::size_t wanted, std::size_t left) {
  fail("needs " + std::to_string(wanted) + " more bytes, " + std::to_string(left) + " left");
}
RILL_RUNTIME void BinaryReader::sizeTooLarge(std::uint64_t n, std::size_t left) {
  fail("a size of " + std::to_string(n) + " elements, with " + std::to_string(left) + " bytes left");
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace detail
}  // namespace rill
