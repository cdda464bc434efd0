// libFuzzer target: the socket sources' line framing. Whatever bytes arrive,
// in whatever pieces, the framer must emit exactly the lines a one-shot split
// gives (overlong ones dropped and counted) and never hold more than its limit.
#include <rill/io/line_framer.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

// The reference: split the whole input at once.
std::vector<std::string> referenceLines(std::string_view data, std::size_t limit, std::size_t& overlong) {
  std::vector<std::string> out;
  std::size_t start = 0;
  auto take = [&](std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > limit)
      ++overlong;
    else
      out.emplace_back(line);
  };
  for (std::size_t i = 0; i < data.size(); ++i)
    if (data[i] == '\n') {
      take(data.substr(start, i - start));
      start = i + 1;
    }
  if (start < data.size()) take(data.substr(start));
  return out;
}

}  // namespace

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
    if (framer.bufferedBytes() > limit + 1) std::abort();  // memory must stay bounded
  }
  framer.finish(onLine);

  std::size_t overlong = 0;
  if (got != referenceLines(data, limit, overlong) || framer.overlongLines() != overlong) std::abort();
  return 0;
}
