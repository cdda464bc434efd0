#pragma once
// How elements are printed by print()/pprint() and saveAsTextFile: Spark uses
// Scala's toString, so a pair prints as "(word,3)" with no space.
#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rill {

template <class T>
void show(std::ostream& os, const T& value);

namespace detail {

template <class Tuple, std::size_t... I>
void showTuple(std::ostream& os, const Tuple& t, std::index_sequence<I...>) {
  os << '(';
  ((os << (I == 0 ? "" : ","), show(os, std::get<I>(t))), ...);
  os << ')';
}

template <class Seq>
void showSequence(std::ostream& os, const Seq& seq) {
  os << '[';
  bool first = true;
  for (const auto& x : seq) {
    if (!first) os << ", ";
    first = false;
    show(os, x);
  }
  os << ']';
}

template <class T>
struct ShowTraits {
  static void write(std::ostream& os, const T& v) { os << v; }
};
template <>
struct ShowTraits<bool> {
  static void write(std::ostream& os, bool v) { os << (v ? "true" : "false"); }
};
template <class A, class B>
struct ShowTraits<std::pair<A, B>> {
  static void write(std::ostream& os, const std::pair<A, B>& p) {
    showTuple(os, p, std::index_sequence_for<A, B>{});
  }
};
template <class... Ts>
struct ShowTraits<std::tuple<Ts...>> {
  static void write(std::ostream& os, const std::tuple<Ts...>& t) {
    showTuple(os, t, std::index_sequence_for<Ts...>{});
  }
};
template <class T>
struct ShowTraits<std::optional<T>> {  // Scala's Option: Some(x) / None
  static void write(std::ostream& os, const std::optional<T>& o) {
    if (!o) {
      os << "None";
      return;
    }
    os << "Some(";
    show(os, *o);
    os << ')';
  }
};
template <class T, class A>
struct ShowTraits<std::vector<T, A>> {
  static void write(std::ostream& os, const std::vector<T, A>& v) { showSequence(os, v); }
};

}  // namespace detail

/// Writes `value` as Spark would print it (pairs as "(a,1)", optionals as Some(x)/None,
/// vectors as [a, b]). Specialise rill::detail::ShowTraits<T> for your own types, or give
/// them an operator<<.
template <class T>
void show(std::ostream& os, const T& value) {
  detail::ShowTraits<T>::write(os, value);
}

template <class T>
std::string toString(const T& value) {
  std::ostringstream os;
  show(os, value);
  return os.str();
}

}  // namespace rill
