#pragma once
// One place that turns an errno value into the io layer's error text, so all
// messages share the shape "rill: <what failed, naming the path/host>: <strerror>".
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>

#include <cstring>
#include <string>

namespace rill::io {

/// Formats "rill: <what>: <strerror(err)>".
RILL_RUNTIME std::string systemErrorMessage(const std::string& what, int err);

/// Throws IoError for a failed system call. Takes errno by value because any
/// call made while building the message could overwrite the global.
[[noreturn]] RILL_RUNTIME void throwSystemError(const std::string& what, int err);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::string systemErrorMessage(const std::string& what, int err) {
  return "rill: " + what + ": " + std::strerror(err);
}

[[noreturn]] RILL_RUNTIME void throwSystemError(const std::string& what, int err) {
  throw IoError(systemErrorMessage(what, err));
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::io
