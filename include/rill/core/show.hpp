#pragma once
// How elements are printed by print()/pprint() and saveAsTextFile: Spark uses
// Scala's toString, so a pair prints as "(word,3)" with no space, a double as
// Java prints it ("2.0", "1.0E-7"), a map (collectAsMap, countByKey,
// countByValue) as "Map(a -> 1, b -> 2)" and a set as "Set(a, b)".
#include <rill/core/runtime.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace rill {

template <class T>
void show(std::ostream& os, const T& value);

/// What write(os) writes to a std::ostream, as a string.
template <class Write>
std::string formatted(Write&& write) {
  std::ostringstream os;
  write(os);
  return std::move(os).str();
}

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

/// A std::map, std::unordered_map or the like: key_type, mapped_type, iteration.
template <class M>
concept MapLike = requires(const M& m) {
  typename M::key_type;
  typename M::mapped_type;
  m.begin();
  m.end();
};
/// A std::set, std::unordered_set or the like: elements that are their own keys.
template <class S>
concept SetLike = !MapLike<S> && std::same_as<typename S::key_type, typename S::value_type> && requires(const S& s) {
  s.begin();
  s.end();
};

/// The key of a map's or a set's element.
template <class C, class E>
const auto& keyOf(const E& e) {
  if constexpr (MapLike<C>)
    return e.first;
  else
    return e;
}

/// A container's elements in the order they print: their own for an ordered
/// one; by key for a hashed one (whose order is the hash's), so that the same
/// contents always print alike. Keys without < sort by their printed form.
template <class C>
auto inPrintOrder(const C& c) {
  std::vector<const typename C::value_type*> out;
  for (const auto& e : c) out.push_back(&e);
  if constexpr (requires { typename C::hasher; }) {
    using K = typename C::key_type;
    if constexpr (std::totally_ordered<K>) {
      std::stable_sort(out.begin(), out.end(), [](auto* a, auto* b) { return keyOf<C>(*a) < keyOf<C>(*b); });
    } else {
      std::vector<std::pair<std::string, const typename C::value_type*>> shown;
      for (auto* e : out) shown.emplace_back(formatted([&](std::ostream& os) { show(os, keyOf<C>(*e)); }), e);
      std::stable_sort(shown.begin(), shown.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      for (std::size_t i = 0; i < shown.size(); ++i) out[i] = shown[i].second;
    }
  }
  return out;
}

/// Scala's layout: "Map(k -> v, ...)" or "Set(k, ...)".
template <class C>
void showCollection(std::ostream& os, const C& c) {
  os << (MapLike<C> ? "Map(" : "Set(");
  bool first = true;
  for (const auto* e : inPrintOrder(c)) {
    if (!first) os << ", ";
    first = false;
    show(os, keyOf<C>(*e));
    if constexpr (MapLike<C>) {
      os << " -> ";
      show(os, e->second);
    }
  }
  os << ')';
}

template <class T>
struct ShowTraits {
  static void write(std::ostream& os, const T& v) {
    constexpr bool printable = requires(std::ostream& o, const T& x) { o << x; };
    static_assert(printable,
                  "rill: printing an element (toString, saveAsTextFile, print, saveAsTextFiles) needs operator<< "
                  "for it or a rill::detail::ShowTraits specialisation");
    if constexpr (printable) os << v;
  }
};
template <class C>
  requires MapLike<C> || SetLike<C>
struct ShowTraits<C> {
  static void write(std::ostream& os, const C& c) { showCollection(os, c); }
};
/// x (finite) as its shortest round-trip decimal digits: x = (negative ? -1 : 1) *
/// d.ddd * 10^exp10, the digits without the point ("0" for zero).
struct ShortestDigits {
  bool negative;
  std::string digits;
  int exp10;
};
template <class F>
ShortestDigits shortestDigits(F x) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);  // "-d.ddde+XX"
  std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
  const bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  const std::size_t e = sci.find('e');
  std::string digits(sci.substr(0, e));
  if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
  return {negative, std::move(digits), std::stoi(std::string(sci.substr(e + 1)))};
}

/// Java's words for NaN and the infinities; false (nothing written) for a finite x.
template <class F>
bool showJavaNonFinite(std::ostream& os, F x) {
  if (std::isnan(x))
    os << "NaN";
  else if (std::isinf(x))
    os << (x < 0 ? "-Infinity" : "Infinity");
  else
    return false;
  return true;
}

/// Floating point as Java's Double.toString / Float.toString, which Scala's
/// toString uses: the shortest digits that read back to the same value, in
/// plain notation with at least one decimal ("2.0", "0.001") when
/// 10^-3 <= |x| < 10^7, otherwise as "d.dddE<n>" ("1.0E-7", "1.2345678E7").
template <class F>
void showJavaFloating(std::ostream& os, F x) {
  if (showJavaNonFinite(os, x)) return;
  if (x == 0) {
    os << (std::signbit(x) ? "-0.0" : "0.0");
    return;
  }
  const auto [negative, digits, exp10] = shortestDigits(x);
  std::string out = negative ? "-" : "";
  const F magnitude = negative ? -x : x;
  if (magnitude >= F(1e-3) && magnitude < F(1e7)) {
    if (exp10 < 0) {
      out += "0." + std::string(static_cast<std::size_t>(-exp10 - 1), '0') + digits;
    } else {
      const auto intDigits = static_cast<std::size_t>(exp10) + 1;
      if (digits.size() <= intDigits)
        out += digits + std::string(intDigits - digits.size(), '0') + ".0";
      else
        out += digits.substr(0, intDigits) + "." + digits.substr(intDigits);
    }
  } else {
    out += digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "E" + std::to_string(exp10);
  }
  os << out;
}

/// A double as Java's String.format("%.<decimals>f") (Scala's "%f".format with 6):
/// Java rounds the shortest decimal digits half up, not the binary value, so
/// 0.0078125 gives "0.007813" where printf gives "0.007812"; NaN and the
/// infinities print as words, and -0.0 keeps its sign.
RILL_RUNTIME void showJavaFixed(std::ostream& os, double x, int decimals);

template <>
struct ShowTraits<double> {
  static void write(std::ostream& os, double v) { showJavaFloating(os, v); }
};
template <>
struct ShowTraits<float> {
  static void write(std::ostream& os, float v) { showJavaFloating(os, v); }
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
template <class T, std::size_t N>
struct ShowTraits<std::array<T, N>> {
  static void write(std::ostream& os, const std::array<T, N>& a) { showSequence(os, a); }
};

}  // namespace detail

/// Writes `value` as Spark would print it (pairs as "(a,1)", optionals as Some(x)/None,
/// vectors as [a, b]). Specialise rill::detail::ShowTraits<T> for your own types, or give
/// them an operator<<.
template <class T>
void show(std::ostream& os, const T& value) {
  detail::ShowTraits<T>::write(os, value);
}

namespace detail {
struct ToString {
  template <class T>
  std::string operator()(const T& value) const {
    return formatted([&](std::ostream& os) { show(os, value); });
  }
};
}  // namespace detail

/// `value` as Spark prints it. An object, not a function template, so that an
/// unqualified toString(x) elsewhere (doctest's, a user's) never finds it by
/// argument-dependent lookup and becomes ambiguous.
inline constexpr detail::ToString toString{};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void detail::showJavaFixed(std::ostream& os, double x, int decimals) {
  if (showJavaNonFinite(os, x)) return;
  ShortestDigits d = shortestDigits(x);
  std::string& digits = d.digits;
  int point = d.exp10 + 1;  // digits before the decimal point (<= 0: that many zeros follow it first)
  const int keep = point + decimals;
  if (keep < 0) {
    digits.clear();  // below a tenth of the last decimal's unit
  } else if (static_cast<std::size_t>(keep) < digits.size()) {
    const bool up = digits[static_cast<std::size_t>(keep)] >= '5';
    digits.resize(static_cast<std::size_t>(keep));
    std::size_t i = digits.size();
    while (up && i > 0 && digits[i - 1] == '9') digits[--i] = '0';
    if (up && i == 0) {
      digits.insert(digits.begin(), '1');  // 9.9999995 -> 10.000000: one more integer digit
      ++point;
    } else if (up) {
      ++digits[i - 1];
    }
  }
  const auto digitAt = [&digits](int i) {
    return i >= 0 && static_cast<std::size_t>(i) < digits.size() ? digits[static_cast<std::size_t>(i)] : '0';
  };
  std::string out = d.negative ? "-" : "";
  if (point <= 0) out += '0';
  for (int i = 0; i < point; ++i) out += digitAt(i);
  if (decimals > 0) out += '.';
  for (int i = 0; i < decimals; ++i) out += digitAt(point + i);
  os << out;
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
