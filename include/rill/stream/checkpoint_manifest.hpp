#pragma once
// The checkpoint manifest: what one checkpoint of a StreamingContext holds.
//
// A checkpoint of batch time T is the file "checkpoint-<T in ms>" in the
// checkpoint directory: a 32-byte header (checkpoint_file.hpp: magic
// "RILLCKPT", format version, file kind, payload length, payload checksum),
// then this manifest through rill's checkpoint archive (core/serialization.hpp:
// integers in native byte order, strings and vectors as a u64 count then their
// elements). Format version 3:
//
//   batchDuration, zeroTime, time   i64 ms: the batch interval, the time one
//                                   batch before the first, the batch T
//   ranks                           u32: processes of the job that wrote it (1)
//   parts                           [(name, rank u32, bytes)]: the data of each
//                                   checkpointed stream (state, incremental windows,
//                                   remembered batches) in definition order, named
//                                   by what it is and its types
//   receiverLog                     [(stream u32, batchTime i64, segment, from u64,
//                                   until u64)]: the receiver write-ahead log ranges
//                                   the batches up to T consumed
//   sourceOffsets                   [(stream u32, batchTime i64, topic, partition i32,
//                                   from i64, until i64)]: offset ranges of sources
//                                   read by offset (a Kafka topic partition)
//
// The manifest is written last, atomically (io/atomic_file.hpp): a checkpoint
// either exists whole or not at all. A job of several processes gives each
// part the rank that saved it; a process's parts may then live in a file of
// its own, written atomically before the manifest, which names it (a file
// kind beside the manifest's). A file of another format version is refused by
// name of its version, and the previous checkpoint is used.
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

struct CheckpointManifest {
  std::int64_t batchDuration = 0;  // ms
  std::int64_t zeroTime = 0;       // ms: one batch before the first
  std::int64_t time = 0;           // ms: the batch the checkpoint was taken after
  std::uint32_t ranks = 1;
  std::vector<CheckpointPart> parts;
  std::vector<LogRange> receiverLog;
  std::vector<OffsetRange> sourceOffsets;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(batchDuration, zeroTime, time, ranks, parts, receiverLog, sourceOffsets);
  }
  bool operator==(const CheckpointManifest&) const = default;
};

}  // namespace rill::detail
