#pragma once
// Checkpoint files: "checkpoint-<batch time ms>" in the checkpoint directory,
// each a 32-byte header and a payload (the manifest, checkpoint_manifest.hpp):
//   magic "RILLCKPT" (8 bytes), format version (u32), file kind (u32, 1: a
//   manifest, 2: one process's parts of a checkpoint of several), payload
//   length (u64), FNV-1a 64 checksum of the payload (u64); little-endian.
// A job of several processes also writes "checkpoint-<ms>.rank-<r>", each
// process its own, before rank 0 writes the manifest that names them.
// A file is judged by its header and size before its payload is read: a file
// of another version or kind, or whose declared length is not what the file
// holds or more than this machine's memory, is refused without reading it; a
// corrupted payload fails the checksum. The reader then falls back to the
// previous file. Files are written atomically (temp file, fsync, rename) and
// only the newest few are kept.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/io/atomic_file.hpp>
#include <rill/io/directory.hpp>
#include <rill/io/file_lines.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rill::detail {

inline constexpr std::string_view kCheckpointMagic = "RILLCKPT";
/// 3: keyed state placed by rill::Hash (core/hash.hpp), which hashes composite keys
/// by their elements where 2 used std::hash (std::optional keys among them): a
/// version-2 checkpoint's keys would sit in the wrong partitions, so it is refused.
/// 4: the manifest names the files of each process's parts (jobs of several
/// processes); a version-3 file is read as one of a single process.
inline constexpr std::uint32_t kCheckpointVersion = 4;
inline constexpr std::uint32_t kOldestCheckpointVersion = 3;
inline constexpr std::uint32_t kCheckpointManifestKind = 1;
inline constexpr std::uint32_t kCheckpointRankPartsKind = 2;
inline constexpr std::size_t kCheckpointHeaderSize = 32;
inline constexpr std::string_view kCheckpointPrefix = "checkpoint-";

/// Why a checkpoint file cannot be used (its text says why, for the warning).
class CheckpointUnusable : public SparkException {
 public:
  using SparkException::SparkException;
};

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

/// The file contents for a payload of `kind` (a manifest by default): header then payload.
RILL_RUNTIME std::string encodeCheckpoint(std::string_view payload, std::uint32_t kind = kCheckpointManifestKind);

/// The most a payload may declare: more than the machine's memory cannot be read back.
RILL_RUNTIME std::uint64_t physicalMemoryBytes();

/// What a header says about the file it starts.
struct CheckpointHeader {
  std::uint32_t version = 0;
  std::uint64_t length = 0;  // of the payload
};

inline std::string kindName(std::uint64_t kind) {
  return kind == kCheckpointRankPartsKind ? "the parts of one process" : "a checkpoint manifest";
}

/// What the header of a file of fileSize bytes says; throws CheckpointUnusable
/// when it rules the file out (or it is not of `kind`).
RILL_RUNTIME CheckpointHeader judgeCheckpointHeader(std::string_view header, std::uint64_t fileSize,
                                                    std::uint32_t kind = kCheckpointManifestKind);

inline void checkPayload(std::string_view header, std::string_view payload) {
  if (fnv1a64(payload) != getLittleEndian(header, 24, 8)) throw CheckpointUnusable("checksum mismatch");
}

/// The payload of a checkpoint file's bytes; throws CheckpointUnusable.
RILL_RUNTIME std::string_view checkpointPayload(std::string_view file);

/// A checkpoint file's format version and payload.
struct CheckpointFile {
  std::uint32_t version = 0;
  std::string payload;
};

/// The checkpoint file of `kind` at path, its header judged before the rest is
/// read; throws CheckpointUnusable, or IoError when it cannot be read.
RILL_RUNTIME CheckpointFile readCheckpointFile(const std::string& path, std::uint32_t kind = kCheckpointManifestKind);

/// The payload of the manifest file at path (readCheckpointFile).
inline std::string readCheckpointPayload(const std::string& path) { return readCheckpointFile(path).payload; }

inline std::string checkpointPath(const std::string& dir, std::int64_t timeMs) {
  return io::joinPath(dir, std::string(kCheckpointPrefix) + std::to_string(timeMs));
}

inline constexpr std::string_view kRankPartsInfix = ".rank-";

/// The name of rank `rank`'s parts of the checkpoint of batch timeMs.
inline std::string rankPartsName(std::int64_t timeMs, std::size_t rank) {
  return std::string(kCheckpointPrefix) + std::to_string(timeMs) + std::string(kRankPartsInfix) + std::to_string(rank);
}

/// The files in dir named "checkpoint-<ms>" (rankParts false) or
/// "checkpoint-<ms>.rank-<r>" (true) as (batch time, path), newest first.
/// Other names (hidden temporaries of interrupted writes among them) are
/// ignored; a missing or unreadable directory has none.
RILL_RUNTIME std::vector<std::pair<std::int64_t, std::string>> listCheckpointFiles(const std::string& dir,
                                                                                  bool rankParts);

/// The checkpoint manifests in dir as (batch time, path), newest first.
inline std::vector<std::pair<std::int64_t, std::string>> listCheckpoints(const std::string& dir) {
  return listCheckpointFiles(dir, false);
}

/// Writes the checkpoint of batch timeMs atomically, then deletes all but the
/// newest `keep`, and the processes' parts no kept checkpoint names (those of
/// batches after the newest may belong to a checkpoint being written).
RILL_RUNTIME void writeCheckpointFile(const std::string& dir, std::int64_t timeMs, std::string_view payload,
                                      std::size_t keep);

/// Removes the hidden temporaries of checkpoint writes a killed program left behind.
RILL_RUNTIME void removeStaleCheckpointTemps(const std::string& dir);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::string encodeCheckpoint(std::string_view payload, std::uint32_t kind) {
  std::string out(kCheckpointMagic);
  putLittleEndian(out, kCheckpointVersion, 4);
  putLittleEndian(out, kind, 4);
  putLittleEndian(out, payload.size(), 8);
  putLittleEndian(out, fnv1a64(payload), 8);
  out.append(payload);
  return out;
}

RILL_RUNTIME std::uint64_t physicalMemoryBytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), pageSize = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0) return UINT64_MAX;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(pageSize);
}

RILL_RUNTIME CheckpointHeader judgeCheckpointHeader(std::string_view header, std::uint64_t fileSize,
                                                    std::uint32_t kind) {
  if (header.size() < kCheckpointHeaderSize) throw CheckpointUnusable("truncated header");
  if (header.substr(0, kCheckpointMagic.size()) != kCheckpointMagic) throw CheckpointUnusable("not a rill checkpoint");
  const auto version = getLittleEndian(header, 8, 4);
  const std::string ours = " (this rill reads versions " + std::to_string(kOldestCheckpointVersion) + " to " +
                           std::to_string(kCheckpointVersion) + ")";
  if (version > 0 && version < kOldestCheckpointVersion)
    throw CheckpointUnusable("written in checkpoint format version " + std::to_string(version) + " by an older rill" +
                             ours);
  if (version < kOldestCheckpointVersion || version > kCheckpointVersion)
    throw CheckpointUnusable("unknown checkpoint format version " + std::to_string(version) + ours);
  if (const auto found = getLittleEndian(header, 12, 4); found != kind)
    throw CheckpointUnusable("not " + kindName(kind) + " (file kind " + std::to_string(found) + ")");
  const auto length = getLittleEndian(header, 16, 8);
  if (length != fileSize - kCheckpointHeaderSize)
    throw CheckpointUnusable("length mismatch (header says " + std::to_string(length) + " bytes, file has " +
                             std::to_string(fileSize - kCheckpointHeaderSize) + ")");
  if (const auto memory = physicalMemoryBytes(); length > memory)
    throw CheckpointUnusable("it declares " + std::to_string(length) + " bytes, more than this machine's memory (" +
                             std::to_string(memory) + " bytes)");
  return {static_cast<std::uint32_t>(version), length};
}

RILL_RUNTIME std::string_view checkpointPayload(std::string_view file) {
  judgeCheckpointHeader(file.substr(0, kCheckpointHeaderSize), file.size());
  const auto payload = file.substr(kCheckpointHeaderSize);
  checkPayload(file, payload);
  return payload;
}

RILL_RUNTIME CheckpointFile readCheckpointFile(const std::string& path, std::uint32_t kind) {
  const std::uint64_t size = io::fileSize(path);  // a directory or a vanished file: IoError
  std::ifstream in(path, std::ios::binary);
  std::string header(static_cast<std::size_t>(std::min<std::uint64_t>(size, kCheckpointHeaderSize)), '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header.size())))
    throw IoError("rill: cannot read checkpoint file '" + path + "'");
  const CheckpointHeader judged = judgeCheckpointHeader(header, size, kind);
  std::string payload(static_cast<std::size_t>(judged.length), '\0');
  if (!in.read(payload.data(), static_cast<std::streamsize>(payload.size())))
    throw CheckpointUnusable("the file changed while it was read");
  checkPayload(header, payload);
  return {judged.version, std::move(payload)};
}

RILL_RUNTIME std::vector<std::pair<std::int64_t, std::string>> listCheckpointFiles(const std::string& dir,
                                                                                   bool rankParts) {
  const auto digits = [](std::string_view d) {
    return !d.empty() && d.size() <= 18 && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::vector<std::string> names;
  io::readDirectory(dir, names);
  std::vector<std::pair<std::int64_t, std::string>> found;
  for (const auto& name : names) {
    if (name.compare(0, kCheckpointPrefix.size(), kCheckpointPrefix) != 0) continue;
    std::string_view time = std::string_view(name).substr(kCheckpointPrefix.size());
    const std::size_t infix = time.find(kRankPartsInfix);
    if (rankParts != (infix != std::string_view::npos)) continue;
    if (rankParts && !digits(time.substr(infix + kRankPartsInfix.size()))) continue;
    time = time.substr(0, infix);
    if (digits(time)) found.emplace_back(std::stoll(std::string(time)), io::joinPath(dir, name));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  return found;
}

RILL_RUNTIME void writeCheckpointFile(const std::string& dir, std::int64_t timeMs, std::string_view payload,
                                      std::size_t keep) {
  io::writeFileAtomically(checkpointPath(dir, timeMs), encodeCheckpoint(payload));
  auto files = listCheckpoints(dir);
  for (std::size_t i = keep; i < files.size(); ++i) io::removeFile(files[i].second);
  files.resize(std::min(keep, files.size()));
  const auto kept = [&](std::int64_t t) {
    return std::any_of(files.begin(), files.end(), [t](const auto& f) { return f.first == t; });
  };
  for (const auto& [t, path] : listCheckpointFiles(dir, true))
    if (t <= timeMs && !kept(t)) io::removeFile(path);
}

RILL_RUNTIME void removeStaleCheckpointTemps(const std::string& dir) {
  const std::string prefix = "." + std::string(kCheckpointPrefix);
  std::vector<std::string> names;
  io::readDirectory(dir, names);
  for (const auto& name : names)
    if (name.compare(0, prefix.size(), prefix) == 0 && name.find(".tmp-") != std::string::npos)
      io::removeFile(io::joinPath(dir, name));
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
