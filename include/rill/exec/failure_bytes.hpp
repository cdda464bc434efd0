#pragma once
// An exception as bytes, so a failure on one rank can be thrown on every rank.
// rill's exception types and the standard ones come back as the same type with
// the same message; any other type becomes SparkException("<type>: <message>"),
// since a rank cannot construct a type it knows nothing about.
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>
#include <rill/core/type_name.hpp>
#include <rill/exec/frames.hpp>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <typeinfo>

namespace rill::exec {

namespace detail {

/// What a rank knows of a failure: enough to throw it again elsewhere.
struct FailureText {
  std::string type;     // the demangled type name
  std::string message;  // what(), for system_error without the ": <code message>" suffix
  int code = 0;         // system_error only
  int category = 0;     // system_error only: 1 generic, 2 system
  bool bare = false;    // system_error only: made without a message, what() is the code's alone
};

template <class E>
[[noreturn]] void raiseWithMessage(const FailureText& f) {
  throw E(f.message);
}
template <class E>
[[noreturn]] void raiseWithoutMessage(const FailureText&) {
  throw E();
}
[[noreturn]] inline void raiseSystemError(const FailureText& f) {
  const std::error_category& cat = f.category == 1 ? std::generic_category() : std::system_category();
  if (f.bare) throw std::system_error(std::error_code(f.code, cat));
  throw std::system_error(std::error_code(f.code, cat), f.message);
}

struct KnownFailure {
  const std::type_info* type;
  void (*raise)(const FailureText&);
};

/// The types that keep their identity across ranks (matched exactly: a subclass
/// is another type).
RILL_RUNTIME std::span<const KnownFailure> knownFailures();

RILL_RUNTIME FailureText describeFailure(const std::exception_ptr& failure);

}  // namespace detail

/// Bytes from which throwFailure() throws the same error on any rank; never
/// empty, so an empty buffer can stand for "no failure".
RILL_RUNTIME std::string encodeFailure(const std::exception_ptr& failure);

/// Throws what encodeFailure() described: the same type and message when it is
/// one of rill's or a standard exception type, else SparkException("<type>: <message>").
[[noreturn]] RILL_RUNTIME void throwFailure(std::string_view bytes);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::span<const detail::KnownFailure> detail::knownFailures() {
  static const KnownFailure known[] = {
      {&typeid(SparkException), &raiseWithMessage<SparkException>},
      {&typeid(IoError), &raiseWithMessage<IoError>},
      {&typeid(BatchFailed), &raiseWithMessage<BatchFailed>},
      {&typeid(UnsupportedOperationException), &raiseWithMessage<UnsupportedOperationException>},
      {&typeid(IllegalStateException), &raiseWithMessage<IllegalStateException>},
      {&typeid(std::logic_error), &raiseWithMessage<std::logic_error>},
      {&typeid(std::invalid_argument), &raiseWithMessage<std::invalid_argument>},
      {&typeid(std::domain_error), &raiseWithMessage<std::domain_error>},
      {&typeid(std::length_error), &raiseWithMessage<std::length_error>},
      {&typeid(std::out_of_range), &raiseWithMessage<std::out_of_range>},
      {&typeid(std::runtime_error), &raiseWithMessage<std::runtime_error>},
      {&typeid(std::range_error), &raiseWithMessage<std::range_error>},
      {&typeid(std::overflow_error), &raiseWithMessage<std::overflow_error>},
      {&typeid(std::underflow_error), &raiseWithMessage<std::underflow_error>},
      {&typeid(std::system_error), &raiseSystemError},
      {&typeid(std::bad_alloc), &raiseWithoutMessage<std::bad_alloc>},
      {&typeid(std::exception), &raiseWithoutMessage<std::exception>},
  };
  return known;
}

RILL_RUNTIME detail::FailureText detail::describeFailure(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const std::system_error& e) {
    FailureText f{rill::detail::demangledName(typeid(e)), e.what()};
    const std::error_category& cat = e.code().category();
    f.category = cat == std::generic_category() ? 1 : cat == std::system_category() ? 2 : 0;
    f.code = e.code().value();
    // Only a std::system_error of a standard category is built again on the other
    // side; a subclass or another category becomes a SparkException keeping what().
    if (typeid(e) != typeid(std::system_error) || f.category == 0) return f;
    // system_error's what() is "<message>: <code message>", or the code message
    // alone when made without one; keep the first part, the constructor on the
    // other side adds the second again
    const std::string codeMessage = e.code().message();
    const std::string suffix = ": " + codeMessage;
    if (f.message == codeMessage) {
      f.bare = true;
      f.message.clear();
    } else if (f.message.ends_with(suffix)) {
      f.message.resize(f.message.size() - suffix.size());
    }
    return f;
  } catch (const std::exception& e) {
    return {rill::detail::demangledName(typeid(e)), e.what()};
  } catch (...) {
    return {"an exception of a type not derived from std::exception", ""};
  }
}

RILL_RUNTIME std::string encodeFailure(const std::exception_ptr& failure) {
  const detail::FailureText f = detail::describeFailure(failure);
  std::string out;
  appendFrameBytes(out, f.type);
  appendFrameBytes(out, f.message);
  appendFrameBytes(out, std::to_string(f.code));
  appendFrameBytes(out, std::to_string(f.category));
  appendFrameBytes(out, f.bare ? "1" : "0");
  return out;
}

[[noreturn]] RILL_RUNTIME void throwFailure(std::string_view bytes) {
  FrameReader in(bytes);
  detail::FailureText f;
  f.type = in.next();
  f.message = in.next();
  f.code = std::atoi(std::string(in.next()).c_str());
  f.category = std::atoi(std::string(in.next()).c_str());
  f.bare = in.next() == "1";
  const bool systemErrorOk = f.category != 0;  // a custom error category exists only where it was thrown
  for (const detail::KnownFailure& k : detail::knownFailures())
    if (rill::detail::demangledName(*k.type) == f.type && (*k.type != typeid(std::system_error) || systemErrorOk))
      k.raise(f);
  throw SparkException(f.message.empty() ? f.type : rill::detail::message({f.type, ": ", f.message}));
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::exec
