#pragma once
// The checkpoint manifest: what one checkpoint of a StreamingContext holds.
//
// A checkpoint of batch time T is the file "checkpoint-<T in ms>" in the
// checkpoint directory: a 32-byte header (checkpoint_file.hpp: magic
// "RILLCKPT", format version, file kind, payload length, payload checksum),
// then this manifest through rill's checkpoint archive (core/serialization.hpp:
// integers in native byte order, strings and vectors as a u64 count then their
// elements). Format version 4:
//
//   batchDuration, zeroTime, time   i64 ms: the batch interval, the time one
//                                   batch before the first, the batch T
//   ranks                           u32: processes of the job that wrote it
//   parts                           [(name, rank u32, bytes)]: the data of each
//                                   checkpointed stream (state, incremental windows,
//                                   remembered batches) in definition order, named
//                                   by what it is and its types; a job of one
//                                   process only (with several, in rankFiles)
//   receiverLog                     [(stream u32, batchTime i64, segment, from u64,
//                                   until u64)]: the receiver write-ahead log ranges
//                                   the batches up to T consumed
//   sourceOffsets                   [(stream u32, batchTime i64, topic, partition i32,
//                                   from i64, until i64)]: offset ranges of sources
//                                   read by offset (a Kafka topic partition)
//   rankFiles                       [(rank u32, file, length u64, checksum u64)]: with
//                                   several processes, one per rank in rank order: the
//                                   file (in the checkpoint directory) holding that
//                                   process's parts, its payload's length and FNV-1a
//                                   checksum; empty with one process
//
// A process's parts file ("checkpoint-<T>.rank-<r>", file kind 2) holds
// (time i64, rank u32, ranks u32, parts): the parts of the partitions that
// process owns. Every process writes its file atomically; once all have, rank 0
// writes the manifest, last and atomically (io/atomic_file.hpp): a checkpoint
// either exists whole or not at all, and a parts file that is missing or is not
// the one the manifest names (its length or checksum differ) makes the
// checkpoint unusable, as a corrupt manifest does. Version 3 is version 4
// without rankFiles (a job of one process): it is still read. A file of another
// version is refused by name of its version, and the previous checkpoint is used.
#include <cstdint>
#include <string>
#include <vector>

namespace rill::detail {

/// One checkpointed stream's data, as one process saved it.
struct CheckpointPart {
  std::string name;  // what it is, with its types: "the state of updateStateByKey (...)"
  std::uint32_t rank = 0;
  std::string bytes;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(name, rank, bytes);
  }
  bool operator==(const CheckpointPart&) const = default;
};

/// Bytes [from, until) of a receiver write-ahead log segment that input stream
/// `stream` made part of the batch at batchTime.
struct LogRange {
  std::uint32_t stream = 0;
  std::int64_t batchTime = 0;
  std::string segment;  // a file in the checkpoint directory
  std::uint64_t from = 0;
  std::uint64_t until = 0;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(stream, batchTime, segment, from, until);
  }
  bool operator==(const LogRange&) const = default;
};

/// Offsets [from, until) of one partition of a source read by offset (a Kafka
/// topic partition) that input stream `stream` read for the batch at batchTime.
struct OffsetRange {
  std::uint32_t stream = 0;
  std::int64_t batchTime = 0;
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t from = 0;
  std::int64_t until = 0;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(stream, batchTime, topic, partition, from, until);
  }
  bool operator==(const OffsetRange&) const = default;
};

/// The file of one process's parts, as the manifest names it.
struct RankFile {
  std::uint32_t rank = 0;
  std::string file;  // a name in the checkpoint directory
  std::uint64_t length = 0;
  std::uint64_t checksum = 0;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(rank, file, length, checksum);
  }
  bool operator==(const RankFile&) const = default;
};

/// The payload of a process's parts file.
struct RankParts {
  std::int64_t time = 0;  // ms: the checkpoint's batch
  std::uint32_t rank = 0;
  std::uint32_t ranks = 0;
  std::vector<CheckpointPart> parts;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(time, rank, ranks, parts);
  }
};

struct CheckpointManifest {
  std::int64_t batchDuration = 0;  // ms
  std::int64_t zeroTime = 0;       // ms: one batch before the first
  std::int64_t time = 0;           // ms: the batch the checkpoint was taken after
  std::uint32_t ranks = 1;
  std::vector<CheckpointPart> parts;
  std::vector<LogRange> receiverLog;
  std::vector<OffsetRange> sourceOffsets;
  std::vector<RankFile> rankFiles = {};  // = {}: records of one process may leave it out

  /// The fields of format version 3.
  template <class Archive>
  void serializeVersion3(Archive& ar) {
    ar(batchDuration, zeroTime, time, ranks, parts, receiverLog, sourceOffsets);
  }
  template <class Archive>
  void serialize(Archive& ar) {
    serializeVersion3(ar);
    ar(rankFiles);
  }
  bool operator==(const CheckpointManifest&) const = default;
};

}  // namespace rill::detail
