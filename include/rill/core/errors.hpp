#pragma once
// Exception types shared by every layer. Messages name what went wrong and the
// value that caused it, so a user can act on the text alone.
#include <stdexcept>
#include <string>

namespace rill {

/// A failure of a job or of the runtime (Spark's SparkException).
class SparkException : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An I/O failure: a missing file, a refused connection, a failed write.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Wraps an exception thrown by a user function inside a batch, so the
/// streaming context can say which batch failed while keeping the cause.
class BatchFailed : public SparkException {
 public:
  using SparkException::SparkException;
};

/// An operation that has no answer for this input, e.g. reduce on an empty RDD
/// (Spark throws UnsupportedOperationException("empty collection")).
class UnsupportedOperationException : public SparkException {
 public:
  using SparkException::SparkException;
};

/// A call that is not allowed in the object's current state, e.g. defining a
/// DStream after StreamingContext::start() (Spark's IllegalStateException).
class IllegalStateException : public SparkException {
 public:
  using SparkException::SparkException;
};

}  // namespace rill
