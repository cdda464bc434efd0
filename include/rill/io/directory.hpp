#pragma once
// Directories on plain POSIX calls (mkdir, unlink, opendir/readdir): listing,
// creating with parents, removing a file, joining paths. This is all that
// saveAsTextFile, the checkpoint files and the directory watcher need. Most calls
// return an errno value so each caller decides whether "missing" is an error.
#include <rill/core/runtime.hpp>
#include <rill/io/system_error.hpp>
#include <rill/io/unique_fd.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rill::io {

/// A path cut at its last '/': dir is "." when there is none, "/" for a file in the root.
struct SplitPath {
  std::string dir;
  std::string name;
};

RILL_RUNTIME SplitPath splitPath(const std::string& path);

/// dir + "/" + name, without doubling a trailing slash of dir; just name for an empty dir.
RILL_RUNTIME std::string joinPath(const std::string& dir, const std::string& name);

/// Appends the entry names of `dir` (all but "." and "..", in directory order) to
/// `names`. Returns 0, or the errno that stopped the listing (ENOENT for a missing
/// directory): the caller decides whether that is an error.
RILL_RUNTIME int readDirectory(const std::string& dir, std::vector<std::string>& names);

/// The entry names of `dir` in directory order; throws IoError naming the
/// directory when it cannot be listed.
RILL_RUNTIME std::vector<std::string> listDirectory(const std::string& dir);

/// Throws the IoError listDirectory(dir) would when `dir` cannot be opened for
/// listing (gone, not a directory, not readable), without reading its entries:
/// a check of a large directory that costs one open.
RILL_RUNTIME void requireListableDirectory(const std::string& dir);

/// mkdir(path): 0, or the errno of the failure (EEXIST when anything is there already).
RILL_RUNTIME int makeDirectory(const std::string& path) noexcept;

/// mkdir -p: creates `path` and its missing parents. Returns 0 (an existing
/// directory included), or the errno of the first failure: EEXIST when `path`
/// itself is something else than a directory, ENOTDIR when one of its parents is.
RILL_RUNTIME int makeDirectories(const std::string& path);

/// unlink(path), best effort: false when the file could not be removed.
RILL_RUNTIME bool removeFile(const std::string& path) noexcept;

/// fsync of `dir`, which makes the creation or rename of a file in it durable
/// (without it the entry may still name the old file after a crash): 0, or the
/// errno of the failure.
RILL_RUNTIME int syncDirectory(const std::string& dir) noexcept;

/// Hadoop's hidden files: names starting with '.' or '_'.
inline bool isHiddenName(std::string_view name) { return !name.empty() && (name[0] == '.' || name[0] == '_'); }

/// Refuses an empty path given to the operation `op` with std::invalid_argument, as
/// Hadoop's Path does, rather than letting the system calls read it as missing.
RILL_RUNTIME void requireNonEmptyPath(std::string_view path, std::string_view op);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME void requireNonEmptyPath(std::string_view path, std::string_view op) {
  if (path.empty())
    throw std::invalid_argument(std::string("rill: ").append(op).append(": Can not create a Path from an empty string"));
}

RILL_RUNTIME SplitPath splitPath(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

RILL_RUNTIME std::string joinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

RILL_RUNTIME int readDirectory(const std::string& dir, std::vector<std::string>& names) {
  struct Closer {
    void operator()(DIR* d) const noexcept { ::closedir(d); }
  };
  std::unique_ptr<DIR, Closer> d(::opendir(dir.c_str()));
  if (!d) return errno;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(d.get());
    if (entry == nullptr) return errno;
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
      names.emplace_back(entry->d_name);
  }
}

namespace detail {
[[noreturn]] inline void throwUnlistable(const std::string& dir, int err) {
  throwSystemError("cannot list directory '" + dir + "'", err);
}
}  // namespace detail

RILL_RUNTIME std::vector<std::string> listDirectory(const std::string& dir) {
  std::vector<std::string> names;
  if (const int err = readDirectory(dir, names)) detail::throwUnlistable(dir, err);
  return names;
}

RILL_RUNTIME void requireListableDirectory(const std::string& dir) {
  // opendir's own open, so the errno (and the message) is the one listing would meet.
  const UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) detail::throwUnlistable(dir, errno);
}

RILL_RUNTIME int makeDirectory(const std::string& path) noexcept {
  return ::mkdir(path.c_str(), 0777) == 0 ? 0 : errno;
}

RILL_RUNTIME int makeDirectories(const std::string& path) {
  auto isDirectory = [](const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  };
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    const bool last = slash == std::string::npos;
    if (const int err = makeDirectory(prefix); err != 0 && !(err == EEXIST && isDirectory(prefix)))
      return err == EEXIST && !last ? ENOTDIR : err;
    if (last) return 0;
  }
}

RILL_RUNTIME bool removeFile(const std::string& path) noexcept { return ::unlink(path.c_str()) == 0; }

RILL_RUNTIME int syncDirectory(const std::string& dir) noexcept {
  const UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) return errno;  // read before fd's close can change it
  return 0;
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::io
