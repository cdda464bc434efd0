#pragma once
// A small JSON writer for the REST API, indented as Spark's API indents
// ("key" : value). Strings go through jsonString; doubles are written in
// their shortest exact form (3.5, 5.0); absent optionals are left out, as
// Spark leaves out a None.
#include <rill/core/runtime.hpp>
#include <rill/ui/escape.hpp>
#include <rill/ui/format.hpp>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace rill::ui {

class JsonWriter {
 public:
  JsonWriter& beginObject() { return open('{'); }
  JsonWriter& endObject() { return close('}'); }
  JsonWriter& beginArray() { return open('['); }
  JsonWriter& endArray() { return close(']'); }

  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s) { return raw(jsonString(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b) { return raw(b ? "true" : "false"); }
  template <class I>
    requires(std::is_integral_v<I> && !std::is_same_v<I, bool>)
  JsonWriter& value(I n) {
    return raw(std::to_string(n));
  }
  JsonWriter& value(double d);

  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  /// The field only when `v` holds a value.
  template <class T>
  JsonWriter& field(std::string_view k, const std::optional<T>& v) {
    return v ? field(k, *v) : *this;
  }

  const std::string& str() const { return out_; }

 private:
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  JsonWriter& raw(std::string_view text);
  // Before a key, or a value that has no key: a comma after a sibling, then a new line.
  void separate();
  void newline();

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool afterKey_ = false;
};

#if RILL_PART_RUNTIME_BODIES

RILL_RUNTIME JsonWriter& JsonWriter::key(std::string_view k) {
  separate();
  out_ += jsonString(k);
  out_ += " : ";
  afterKey_ = true;
  return *this;
}

RILL_RUNTIME JsonWriter& JsonWriter::value(double d) {
  if (!std::isfinite(d)) return raw("null");
  std::string s = formatShortest(d);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return raw(s);
}

RILL_RUNTIME JsonWriter& JsonWriter::open(char c) {
  separate();
  out_ += c;
  first_.push_back(true);
  return *this;
}

RILL_RUNTIME JsonWriter& JsonWriter::close(char c) {
  const bool empty = first_.back();
  first_.pop_back();
  if (!empty) newline();
  out_ += c;
  return *this;
}

RILL_RUNTIME JsonWriter& JsonWriter::raw(std::string_view text) {
  separate();
  out_ += text;
  return *this;
}

RILL_RUNTIME void JsonWriter::separate() {
  if (afterKey_) {
    afterKey_ = false;
    return;
  }
  if (first_.empty()) return;
  if (!first_.back()) out_ += ',';
  first_.back() = false;
  newline();
}

RILL_RUNTIME void JsonWriter::newline() {
  out_ += '\n';
  out_.append(2 * first_.size(), ' ');
}

#endif  // RILL_PART_RUNTIME_BODIES

}  // namespace rill::ui
