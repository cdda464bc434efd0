// libFuzzer target: textFile's split reading. Cutting a file into N byte
// ranges and reading each must give every line exactly once, in order.
#include <rill/io/file_lines.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t splits = 1 + bytes[0] % 9;
  const std::string_view data(reinterpret_cast<const char*>(bytes + 1), size - 1);
  static const std::string path = "/tmp/rill-fuzz-file-lines-" + std::to_string(::getpid());
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
  } else {
    return 0;
  }

  std::vector<std::string> whole, pieces;
  rill::io::forEachLine(path, [&](std::string_view l) { whole.emplace_back(l); });
  for (std::size_t i = 0; i < splits; ++i) {
    const std::size_t b = data.size() * i / splits, e = data.size() * (i + 1) / splits;
    rill::io::forEachLineInRange(path, b, e, [&](std::string_view l) { pieces.emplace_back(l); });
  }
  if (whole != pieces) std::abort();
  return 0;
}
