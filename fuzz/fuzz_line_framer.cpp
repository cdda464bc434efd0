// libFuzzer target: the socket sources' line framing. Whatever bytes arrive,
// in whatever pieces, the framer must emit exactly the lines the byte-by-byte
// reference gives (overlong ones dropped and counted) and never hold more than its limit.
#include "../tests/line_reference.hpp"  // the tests' byte-by-byte statement of the rule
#include <rill/io/line_framer.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t limit = 1 + bytes[0] % 64;  // small limits reach the overflow paths
  const std::size_t piece = 1 + bytes[1] % 17;  // feed in pieces of this size
  const std::string_view data(reinterpret_cast<const char*>(bytes + 2), size - 2);

  rill::io::LineFramer framer(limit);
  std::vector<std::string> got;
  auto onLine = [&](std::string_view line) { got.emplace_back(line); };
  for (std::size_t i = 0; i < data.size(); i += piece) {
    framer.feed(data.substr(i, piece), onLine);
    if (framer.bufferedBytes() > limit) std::abort();  // memory must stay bounded
  }
  framer.finish(onLine);

  std::size_t overlong = 0;
  if (got != rill_test::referenceLines(data, limit, overlong) || framer.overlongLines() != overlong) std::abort();
  return 0;
}
