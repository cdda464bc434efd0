#pragma once
// Checkpoint files: "checkpoint-<batch time ms>" in the checkpoint directory,
// each a 32-byte header and a payload:
//   magic "RILLCKPT" (8 bytes), format version (u32), reserved (u32),
//   payload length (u64), FNV-1a 64 checksum of the payload (u64); little-endian.
// A truncated or corrupted file fails the length or checksum test and the
// reader falls back to the previous file. Files are written atomically (temp
// file, fsync, rename) and only the newest few are kept.
#include <rill/io/atomic_file.hpp>
#include <rill/io/directory.hpp>
#include <rill/io/file_lines.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rill::detail {

inline constexpr std::string_view kCheckpointMagic = "RILLCKPT";
inline constexpr std::uint32_t kCheckpointVersion = 1;
inline constexpr std::size_t kCheckpointHeaderSize = 32;
inline constexpr std::string_view kCheckpointPrefix = "checkpoint-";

inline std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

inline void putLittleEndian(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline std::uint64_t getLittleEndian(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint64_t{static_cast<unsigned char>(in[at + i])} << (8 * i);
  return v;
}

/// The file contents for a payload: header then payload.
inline std::string encodeCheckpoint(std::string_view payload) {
  std::string out(kCheckpointMagic);
  putLittleEndian(out, kCheckpointVersion, 4);
  putLittleEndian(out, 0, 4);
  putLittleEndian(out, payload.size(), 8);
  putLittleEndian(out, fnv1a64(payload), 8);
  out.append(payload);
  return out;
}

/// The payload of a checkpoint file, or why the file cannot be used.
struct DecodedCheckpoint {
  std::optional<std::string_view> payload;
  std::string problem;
};

inline DecodedCheckpoint decodeCheckpoint(std::string_view file) {
  if (file.size() < kCheckpointHeaderSize) return {std::nullopt, "truncated header"};
  if (file.substr(0, kCheckpointMagic.size()) != kCheckpointMagic) return {std::nullopt, "not a rill checkpoint"};
  const auto version = getLittleEndian(file, 8, 4);
  if (version != kCheckpointVersion)
    return {std::nullopt, "unsupported format version " + std::to_string(version)};
  const auto length = getLittleEndian(file, 16, 8);
  const auto payload = file.substr(kCheckpointHeaderSize);
  if (payload.size() != length)
    return {std::nullopt, "length mismatch (header says " + std::to_string(length) + " bytes, file has " +
                              std::to_string(payload.size()) + ")"};
  if (fnv1a64(payload) != getLittleEndian(file, 24, 8)) return {std::nullopt, "checksum mismatch"};
  return {payload, {}};
}

inline std::string checkpointPath(const std::string& dir, std::int64_t timeMs) {
  return io::joinPath(dir, std::string(kCheckpointPrefix) + std::to_string(timeMs));
}

/// The checkpoint files in dir as (batch time, path), newest first. Other names
/// (hidden temporaries of interrupted writes among them) are ignored; a missing
/// or unreadable directory has none.
inline std::vector<std::pair<std::int64_t, std::string>> listCheckpoints(const std::string& dir) {
  std::vector<std::string> names;
  io::readDirectory(dir, names);
  std::vector<std::pair<std::int64_t, std::string>> found;
  for (const auto& name : names) {
    if (name.size() <= kCheckpointPrefix.size() || name.compare(0, kCheckpointPrefix.size(), kCheckpointPrefix) != 0)
      continue;
    const std::string digits = name.substr(kCheckpointPrefix.size());
    if (digits.size() > 18 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    found.emplace_back(std::stoll(digits), io::joinPath(dir, name));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  return found;
}

/// Writes the checkpoint of batch timeMs atomically, then deletes all but the newest `keep`.
inline void writeCheckpointFile(const std::string& dir, std::int64_t timeMs, std::string_view payload,
                         std::size_t keep) {
  io::writeFileAtomically(checkpointPath(dir, timeMs), encodeCheckpoint(payload));
  auto files = listCheckpoints(dir);
  for (std::size_t i = keep; i < files.size(); ++i) io::removeFile(files[i].second);
}

/// Removes the hidden temporaries of checkpoint writes a killed program left behind.
inline void removeStaleCheckpointTemps(const std::string& dir) {
  const std::string prefix = "." + std::string(kCheckpointPrefix);
  std::vector<std::string> names;
  io::readDirectory(dir, names);
  for (const auto& name : names)
    if (name.compare(0, prefix.size(), prefix) == 0 && name.find(".tmp-") != std::string::npos)
      io::removeFile(io::joinPath(dir, name));
}

}  // namespace rill::detail
