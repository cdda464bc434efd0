#pragma once
// textFileStream(dir): the lines of files that appear in a directory, as
// Spark's FileInputDStream. It is not a receiver: at each batch time the
// directory is listed and every file that appeared since the last batch is
// read into that batch, each file once. Files must be written elsewhere and
// moved in (rename), so they are complete when they appear; files present when
// the stream is defined and names starting with '.' or '_' are ignored
// (io::DirectoryWatcher).
// A line longer than rill.streaming.maxLineLength is skipped and reported to
// the listeners (onWarning), as socketTextStream drops and reports one: a file
// that is not text must not become one huge line. A .gz file is read
// decompressed, as Spark's TextInputFormat reads it, once rill::io::enableGzip()
// was called (<rill/io/gzip.hpp>); before that it is skipped with a warning.
// A file that cannot be read is reported (onWarning) and read again at the next
// batches, kReadAttempts times in all, unless it was deleted; a file's lines join
// a batch only once all of it was read, so a retry repeats none.
#include <rill/core/errors.hpp>
#include <rill/core/message.hpp>
#include <rill/core/runtime.hpp>
#include <rill/io/directory.hpp>
#include <rill/io/directory_watcher.hpp>
#include <rill/io/bounded_file_lines.hpp>
#include <rill/stream/dstream.hpp>
#include <rill/stream/graph.hpp>
#include <rill/stream/input_node.hpp>
#include <rill/stream/listener.hpp>
#include <rill/stream/receiver_settings.hpp>

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rill::detail {

class FileInputNode final : public InputNode<std::string> {
 public:
  /// Throws IoError now if `dir` cannot be listed, rather than at the first batch.
  /// Files already there now are not new (Spark takes its cutoff time here too),
  /// files that arrive before the context starts are.
  FileInputNode(DStreamGraph& graph, std::string dir, ListenerBus& bus, std::size_t maxLineLength);

  /// A directory gone since the definition fails start() (IoError), as a
  /// misconfigured input should, rather than warn at every batch. Opening it
  /// tells as much as listing it, which for a large directory costs far more.
  void start() override { io::requireListableDirectory(dir_); }

 protected:
  RILL_RUNTIME Batch takeBatch(Time t) override;

 private:
  // A directory that cannot be listed gives an empty batch and a warning, as in
  // Spark, so a passing problem (a remount) does not end the stream.
  std::vector<std::string> newFiles(Time t);
  void warn(Time t, const std::string& what);

  void warnOverlong(Time t, const std::string& path, std::size_t n);

  struct PendingFile {
    std::string path;
    int failedReads = 0;
  };
  static constexpr int kReadAttempts = 3;

  // Appends all of the file's lines to `lines`, or none; a failed read is
  // reported and, while attempts remain and the file exists, queued again.
  void readFile(Time t, PendingFile file, std::vector<std::string>& lines);

  std::string dir_;
  ListenerBus* bus_;
  std::size_t maxLineLength_;
  io::DirectoryWatcher watcher_;
  std::vector<PendingFile> retry_;  // files to read again at the next batch
};

/// Registers a textFileStream with the graph; its line limit comes from the SparkConf.
RILL_RUNTIME DStream<std::string> addFileStream(DStreamGraph& graph, ListenerBus& bus, std::string dir);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME FileInputNode::FileInputNode(DStreamGraph& graph, std::string dir, ListenerBus& bus,
                                          std::size_t maxLineLength)
    : InputNode<std::string>(graph),
      dir_(std::move(dir)),
      bus_(&bus),
      maxLineLength_(maxLineLength),
      watcher_(dir_) {}

RILL_RUNTIME FileInputNode::Batch FileInputNode::takeBatch(Time t) {
  std::vector<std::string> lines;
  // With several ranks rank 0 lists and reads; receivedBatch sends the lines out.
  if (!graph().sparkContext().isDriver()) return {receivedBatch(graph().sparkContext(), std::move(lines)), 0};
  std::vector<PendingFile> files = std::exchange(retry_, {});
  for (auto& path : newFiles(t)) files.push_back({std::move(path)});
  for (auto& file : files) readFile(t, std::move(file), lines);
  const auto n = static_cast<std::int64_t>(lines.size());
  return {receivedBatch(graph().sparkContext(), std::move(lines)), n};
}

RILL_RUNTIME void FileInputNode::readFile(Time t, PendingFile file, std::vector<std::string>& lines) {
  const std::size_t before = lines.size();
  try {
    const auto add = [&lines](std::string_view line) { lines.emplace_back(line); };
    const std::size_t overlong = io::forEachBoundedTextLine(file.path, maxLineLength_, add);
    if (overlong > 0) warnOverlong(t, file.path, overlong);
  } catch (const IoError& e) {  // the stream goes on either way
    lines.resize(before);
    ++file.failedReads;
    if (::access(file.path.c_str(), F_OK) != 0) {
      warn(t, std::string(e.what()) + " (the file is gone: skipped)");
    } else if (file.failedReads < kReadAttempts) {
      warn(t, rill::detail::message({e.what(), " (read again at the next batch: attempt ", file.failedReads + 1,
                                     " of ", kReadAttempts, ")"}));
      retry_.push_back(std::move(file));
    } else {
      warn(t, rill::detail::message({e.what(), " (skipped after ", kReadAttempts, " attempts)"}));
    }
  }
}

RILL_RUNTIME std::vector<std::string> FileInputNode::newFiles(Time t) {
  try {
    return watcher_.poll();
  } catch (const IoError& e) {
    warn(t, e.what());
    return {};
  }
}

RILL_RUNTIME void FileInputNode::warn(Time t, const std::string& what) {
  bus_->post(&StreamingListener::onWarning, "rill: textFileStream " + dir_ + ", batch " + t.toString() + ": " + what);
}

RILL_RUNTIME void FileInputNode::warnOverlong(Time t, const std::string& path, std::size_t n) {
  warn(t, "skipped " + std::to_string(n) + (n == 1 ? " line" : " lines") + " longer than " +
              std::to_string(maxLineLength_) + " bytes (rill.streaming.maxLineLength) in '" + path + "'");
}

RILL_RUNTIME DStream<std::string> addFileStream(DStreamGraph& graph, ListenerBus& bus, std::string dir) {
  graph.checkNotStarted();
  const std::size_t maxLineLength = ReceiverSettings::fromConf(graph.sparkContext().getConf()).maxLineLength;
  auto node = std::make_shared<FileInputNode>(graph, std::move(dir), bus, maxLineLength);
  graph.addInput(node);
  return DStream<std::string>(node);
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::detail
