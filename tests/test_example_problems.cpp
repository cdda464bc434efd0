// Tests for what every example prints about problems (examples/common/problems.hpp)
// and how it shows batch times (examples/common/date_time.hpp).
#include "../examples/common/date_time.hpp"
#include "../examples/common/problems.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <sstream>
#include <string>

TEST_CASE("batch times read as UTC dates, milliseconds only when there are some") {
  CHECK(examples::dateTime(rill::Time(examples::kDemoStartMillis)) == "2023-10-10 13:00:00 UTC");
  CHECK(examples::dateTime(rill::Time(examples::kDemoStartMillis + 1000)) == "2023-10-10 13:00:01 UTC");
  CHECK(examples::dateTime(rill::Time(examples::kDemoStartMillis + 500)) == "2023-10-10 13:00:00.500 UTC");
  CHECK(examples::dateTime(rill::Time(1'733'442'171'007)) == "2024-12-05 23:42:51.007 UTC");
  CHECK(examples::dateTime(rill::Time(0)) == "1970-01-01 00:00:00 UTC");
  CHECK(examples::dateTime(rill::Time(-1)) == "1969-12-31 23:59:59.999 UTC");
}

TEST_CASE("warnings, receiver errors and failed batches go to the stream, one line each") {
  std::ostringstream out;
  examples::ProblemReporter reporter(out);
  reporter.onWarning(
      "rill: checkpoint file 'ck/checkpoint-2000' is unusable (truncated header); trying the previous one");
  rill::ReceiverInfo receiver;
  receiver.streamId = 1;
  receiver.name = "SocketReceiver-1";
  receiver.lastErrorMessage = "rill: cannot connect to localhost:9999: Connection refused";
  receiver.restartDelay = std::chrono::milliseconds(200);
  reporter.onReceiverError(receiver);
  receiver.restartDelay.reset();
  receiver.lastErrorMessage = "rill: socketTextStream localhost:9999: dropped 1 line longer than 10 bytes";
  reporter.onReceiverError(receiver);
  rill::BatchInfo batch;
  batch.batchTime = rill::Time(examples::kDemoStartMillis + 3000);
  reporter.onBatchCompleted(batch);  // a batch that did not fail prints nothing
  batch.failureReason = "unlucky 13";
  reporter.onBatchCompleted(batch);
  CHECK(out.str() ==
        "warning: rill: checkpoint file 'ck/checkpoint-2000' is unusable (truncated header); trying the previous one\n"
        "receiver error (SocketReceiver-1, stream 1): rill: cannot connect to localhost:9999: Connection refused; "
        "restarting in 200 ms\n"
        "receiver error (SocketReceiver-1, stream 1): rill: socketTextStream localhost:9999: dropped 1 line longer "
        "than 10 bytes\n"
        "batch of 2023-10-10 13:00:03 UTC failed: unlucky 13\n");
}
