// A receiver's buffer counts bytes as well as records: the byte size of each
// kind of record, the byte bound blocking writers exactly where the next record
// would pass it, a record larger than the bound taken into an empty buffer,
// sizes a receiver reports, the settings that set the bounds, and a receiver
// stream cut by its byte bound.
#include "stream_test_support.hpp"

#include <rill/stream/block_buffer.hpp>
#include <rill/stream/receiver_settings.hpp>
#include <rill/stream/receiver_stream.hpp>
#include <rill/stream/record_size.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

using namespace rill_stream_test;
using Strings = std::vector<std::string>;

namespace {

struct Point {
  int x;
  double y;
};

}  // namespace

TEST_CASE("a record counts for its byte length if it is a contiguous container of plain elements, sizeof otherwise") {
  CHECK(rill::recordBytes(std::string("hello")) == 5);
  CHECK(rill::recordBytes(std::string()) == 0);
  CHECK(rill::recordBytes(std::string(1 << 20, 'x')) == 1 << 20);
  CHECK(rill::recordBytes(std::u16string(u"abc")) == 6);
  CHECK(rill::recordBytes(std::vector<int>{1, 2, 3}) == 3 * sizeof(int));
  CHECK(rill::recordBytes(std::vector<double>(4)) == 4 * sizeof(double));
  CHECK(rill::recordBytes(std::vector<Point>(2)) == 2 * sizeof(Point));
  CHECK(rill::recordBytes(std::array<std::int16_t, 3>{}) == 6);
  CHECK(rill::recordBytes(Point{1, 2.0}) == sizeof(Point));
  CHECK(rill::recordBytes(std::int64_t{7}) == 8);
  CHECK(rill::recordBytes(std::pair<int, int>{1, 2}) == sizeof(std::pair<int, int>));
  // Elements that own memory elsewhere, and views, count for their own size only.
  CHECK(rill::recordBytes(Strings{"a", "bb"}) == sizeof(Strings));
  CHECK(rill::recordBytes(std::string_view("abc")) == sizeof(std::string_view));
  CHECK(rill::recordBytes(std::vector<bool>(100)) == sizeof(std::vector<bool>));
}

TEST_CASE("a full buffer in bytes makes the writer wait at exactly the record that would pass the bound") {
  rill::detail::BlockBuffer<std::string> buffer(100, 10);
  std::thread writer([&] { buffer.pushAll(Strings{"aaaa", "bbb", "ccc", "d", "ee"}); });
  REQUIRE(buffer.awaitSize(3, kSafety));  // 4 + 3 + 3 = 10 bytes: "d" would make 11
  CHECK(buffer.bytes() == 10);
  CHECK(buffer.drain() == Strings{"aaaa", "bbb", "ccc"});
  writer.join();
  CHECK(buffer.bytes() == 3);
  CHECK(buffer.drain() == Strings{"d", "ee"});
  CHECK(buffer.bytes() == 0);

  std::thread one([&] {
    buffer.push("0123456789");
    buffer.push("x");
  });
  REQUIRE(buffer.awaitSize(1, kSafety));
  CHECK(buffer.drain() == Strings{"0123456789"});
  one.join();
  CHECK(buffer.drain() == Strings{"x"});
}

TEST_CASE("a record larger than the byte bound is taken into an empty buffer, then the next waits for the cut") {
  rill::detail::BlockBuffer<std::string> buffer(100, 10);
  buffer.push(std::string(25, 'x'));  // would never fit: taken alone instead of blocking forever
  CHECK(buffer.bytes() == 25);
  std::thread writer([&] { buffer.push("y"); });
  CHECK(buffer.drain() == Strings{std::string(25, 'x')});  // "y" may only enter after this
  writer.join();
  CHECK(buffer.drain() == Strings{"y"});
}

TEST_CASE("the record bound still applies, and a stopping buffer takes everything") {
  rill::detail::BlockBuffer<int> buffer(2, 1000);
  std::thread writer([&] { buffer.pushAll({1, 2, 3}); });
  REQUIRE(buffer.awaitSize(2, kSafety));
  CHECK(buffer.drain() == std::vector<int>{1, 2});
  writer.join();
  CHECK(buffer.drain() == std::vector<int>{3});

  buffer.setBlocking(false);
  buffer.pushAll({4, 5, 6, 7});
  CHECK(buffer.size() == 4);
  CHECK(buffer.bytes() == 4 * sizeof(int));
}

TEST_CASE("a receiver may report a record's size itself") {
  rill::detail::BlockBuffer<Point> buffer(100, 1000);
  buffer.push(Point{1, 2.0}, 600);
  CHECK(buffer.bytes() == 600);
  std::thread writer([&] { buffer.push(Point{3, 4.0}, 500); });  // 1100 > 1000: waits
  REQUIRE(buffer.awaitSize(1, kSafety));
  CHECK(buffer.drain().size() == 1);
  writer.join();
  CHECK(buffer.bytes() == 500);
}

TEST_CASE("rill.streaming.receiver.maxBufferedBytes sets the byte bound, 64 MiB by default, and must be positive") {
  auto conf = rill::SparkConf();
  CHECK(rill::ReceiverSettings::fromConf(conf).maxBufferedBytes == std::size_t{64} << 20);
  CHECK(rill::detail::BlockBuffer<int>(rill::ReceiverSettings::fromConf(conf)).maxBytes() == std::size_t{64} << 20);
  CHECK(rill::detail::BlockBuffer<int>(5).maxBytes() == std::size_t{64} << 20);

  conf.set("rill.streaming.receiver.maxBufferedBytes", "1000").set("rill.streaming.receiver.maxBufferedRecords", "7");
  const rill::detail::BlockBuffer<int> configured(rill::ReceiverSettings::fromConf(conf));
  CHECK(configured.maxBytes() == 1000);
  CHECK(configured.capacity() == 7);

  conf.set("rill.streaming.receiver.maxBufferedBytes", "0");
  CHECK_THROWS_WITH_AS(rill::ReceiverSettings::fromConf(conf),
                       "rill: setting 'rill.streaming.receiver.maxBufferedBytes' must be positive, got 0",
                       std::invalid_argument);
  CHECK_THROWS_AS(rill::detail::BlockBuffer<int>(5, 0), std::invalid_argument);
}

namespace {

// Stores the given lines in one store() call from its own thread.
class Lines final : public rill::Receiver<std::string> {
 public:
  explicit Lines(Strings lines) : lines_(std::move(lines)) {}
  void onStart() override {
    spawn([this] { store(std::exchange(lines_, {})); });
  }
  void onStop() override {}

 private:
  Strings lines_;
};

}  // namespace

TEST_CASE("a receiver stream's batches are cut by rill.streaming.receiver.maxBufferedBytes") {
  ManualContext m(conf().set("rill.streaming.receiver.maxBufferedBytes", "10"));
  auto input = m.ssc.receiverStream(std::make_shared<Lines>(Strings{"aaaa", "bbb", "ccc", "d", "ee"}));
  auto out = collectBatches(input);
  m.ssc.start();
  REQUIRE(rill::detail::awaitBuffered(input, 3, kSafety));  // 10 bytes: "d" waits for the cut
  m.clock->advance(1s);
  REQUIRE(rill::detail::awaitBuffered(input, 2, kSafety));
  m.clock->advance(1s);
  m.ssc.stop(false);
  CHECK(out->values() == std::vector<Strings>{{"aaaa", "bbb", "ccc"}, {"d", "ee"}});
}
