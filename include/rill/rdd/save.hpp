#pragma once
// saveAsTextFile: one part file per partition, written in parallel, then an
// empty _SUCCESS marker — the layout Spark (through Hadoop's output committer)
// leaves, so tools that wait for _SUCCESS work unchanged.
//
// Every file is published with io::AtomicFileWriter, so a reader never sees a
// half-written part. _SUCCESS is written only after every partition has been
// committed; a failed job removes the parts it had committed and leaves the
// (empty) directory, as Hadoop's abortJob does.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/core/show.hpp>
#include <rill/io/atomic_file.hpp>
#include <rill/io/directory.hpp>
#include <rill/io/system_error.hpp>
#include <rill/rdd/fwd.hpp>
#include <rill/rdd/jobs.hpp>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <ios>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

namespace rill {

namespace detail {

/// Hadoop's part file name: part-00000, part-00001, ... (five digits at least).
RILL_RUNTIME std::string partFileName(std::size_t partition);

/// Where partition p of the output directory `dir` is written (and removed on abort).
RILL_RUNTIME std::string partPath(const std::string& dir, std::size_t partition);

/// A std::streambuf over an AtomicFileWriter, so elements are formatted by
/// rill::show straight into the file's buffer instead of through one
/// std::string per element.
class AtomicFileStreamBuf final : public std::streambuf {
 public:
  explicit AtomicFileStreamBuf(io::AtomicFileWriter& out);
  /// Hands what is buffered to the writer; call before commit().
  void drain();

 protected:
  RILL_RUNTIME int_type overflow(int_type ch) override;
  RILL_RUNTIME int sync() override;

 private:
  io::AtomicFileWriter* out_;
  char buf_[8192];
};

/// The sink one partition's elements go to: "toString(x)\n" per element.
struct TextLineSink {
  std::ostream* os;
  template <class X>
  bool push(const X& x) {
    // A user operator<< may leave std::fixed or a width set; reset per element
    // so every line reads exactly as rill::toString(x) would.
    os->flags(std::ios_base::dec | std::ios_base::skipws);
    os->precision(6);
    os->width(0);
    os->fill(' ');
    show(*os, x);
    os->put('\n');
    return true;
  }
  bool finish() { return true; }
};

/// Creates `dir` (and its parents); throws IoError if it already exists, as
/// Spark refuses to overwrite an output directory.
RILL_RUNTIME void createOutputDirectory(const std::string& dir);

/// Hadoop's abortJob: take back the parts a failed job had already published
/// (each rank those of its own partitions).
RILL_RUNTIME void removeCommittedParts(const std::string& dir, const std::vector<std::size_t>& partitions);

RILL_RUNTIME std::string withoutTrailingSlashes(std::string dir);

}  // namespace detail

template <class D>
class SaveOps {
  const D& d() const { return static_cast<const D&>(*this); }

 public:
  /// saveAsTextFile(dir): writes dir/part-00000, dir/part-00001, ... (one per partition,
  /// each element as rill::toString(x) + '\n') in parallel, then dir/_SUCCESS. Throws
  /// rill::IoError when `dir` already exists, std::invalid_argument when it is empty;
  /// rethrows a failure of the job after removing the parts already written, so no
  /// _SUCCESS and no partial output remain.
  /// With several ranks, rank 0 creates `dir`, each rank writes the parts of its
  /// partitions, and rank 0 writes _SUCCESS once every rank has succeeded; `dir`
  /// must be on a filesystem every rank sees.
  void saveAsTextFile(const std::string& path) const {
    constexpr std::string_view tag = "saveAsTextFile";
    const std::string dir = detail::withoutTrailingSlashes(path);
    io::requireNonEmptyPath(dir, tag);
    exec::Cluster& cluster = detail::clusterOf(d().context());
    cluster.runAndAgree(tag, [&] {
      if (cluster.isDriver()) detail::createOutputDirectory(dir);
    });
    try {
      detail::forEachPartition(d(), tag, [&](std::size_t p) { writePart(dir, p); });
    } catch (...) {
      detail::removeCommittedParts(dir, detail::ownedPartitions(d(), cluster, 0, d().numPartitions()));
      if (cluster.size() > 1) cluster.barrier(tag);  // no rank returns while another still removes its parts
      throw;
    }
    cluster.runAndAgree(tag, [&] {
      if (cluster.isDriver()) io::writeFileAtomically(dir + "/_SUCCESS", "");
    });
  }

 private:
  void writePart(const std::string& dir, std::size_t p) const {
    io::AtomicFileWriter file(detail::partPath(dir, p));
    detail::AtomicFileStreamBuf buf(file);
    std::ostream os(&buf);
    os.exceptions(std::ios_base::badbit);  // a failed write throws the writer's IoError, not a silent badbit
    detail::TextLineSink sink{&os};
    d().runPartition(p, sink);
    buf.drain();
    file.commit();
  }
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME std::string detail::partFileName(std::size_t partition) {
  char name[32];
  std::snprintf(name, sizeof name, "part-%05zu", partition);
  return name;
}

RILL_RUNTIME std::string detail::partPath(const std::string& dir, std::size_t partition) {
  return io::joinPath(dir, partFileName(partition));
}

RILL_RUNTIME detail::AtomicFileStreamBuf::AtomicFileStreamBuf(io::AtomicFileWriter& out) : out_(&out) {
  setp(buf_, buf_ + sizeof buf_);
}

RILL_RUNTIME void detail::AtomicFileStreamBuf::drain() {
  out_->write(std::string_view(pbase(), static_cast<std::size_t>(pptr() - pbase())));
  setp(buf_, buf_ + sizeof buf_);
}

RILL_RUNTIME detail::AtomicFileStreamBuf::int_type detail::AtomicFileStreamBuf::overflow(int_type ch) {
  drain();
  if (!traits_type::eq_int_type(ch, traits_type::eof())) sputc(traits_type::to_char_type(ch));
  return traits_type::not_eof(ch);
}

RILL_RUNTIME int detail::AtomicFileStreamBuf::sync() {
  drain();
  return 0;
}

RILL_RUNTIME void detail::createOutputDirectory(const std::string& dir) {
  int err = io::makeDirectories(io::splitPath(dir).dir);
  if (err == 0) err = io::makeDirectory(dir);
  if (err == EEXIST) throw IoError("rill: Output directory '" + dir + "' already exists");
  if (err != 0) io::throwSystemError("cannot create output directory '" + dir + "'", err);
}

RILL_RUNTIME void detail::removeCommittedParts(const std::string& dir, const std::vector<std::size_t>& partitions) {
  // Best effort: the job's own failure is what the user must see.
  for (const std::size_t p : partitions) io::removeFile(partPath(dir, p));
}

RILL_RUNTIME std::string detail::withoutTrailingSlashes(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill
