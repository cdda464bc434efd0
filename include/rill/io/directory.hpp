#pragma once
// Directories on plain POSIX calls (mkdir, unlink, opendir/readdir): listing,
// creating with parents, removing a file, joining paths. This is all that
// saveAsTextFile, the checkpoint files and the directory watcher need. Most calls
// return an errno value so each caller decides whether "missing" is an error.
#include <rill/io/system_error.hpp>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace rill::io {

/// A path cut at its last '/': dir is "." when there is none, "/" for a file in the root.
struct SplitPath {
  std::string dir;
  std::string name;
};

inline SplitPath splitPath(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

/// dir + "/" + name, without doubling a trailing slash of dir; just name for an empty dir.
inline std::string joinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

/// Appends the entry names of `dir` (all but "." and "..", in directory order) to
/// `names`. Returns 0, or the errno that stopped the listing (ENOENT for a missing
/// directory): the caller decides whether that is an error.
inline int readDirectory(const std::string& dir, std::vector<std::string>& names) {
  struct Closer {
    void operator()(DIR* d) const noexcept { ::closedir(d); }
  };
  std::unique_ptr<DIR, Closer> d(::opendir(dir.c_str()));
  if (!d) return errno;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(d.get());
    if (entry == nullptr) return errno;
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) names.emplace_back(entry->d_name);
  }
}

/// The entry names of `dir` in directory order; throws IoError naming the
/// directory when it cannot be listed.
inline std::vector<std::string> listDirectory(const std::string& dir) {
  std::vector<std::string> names;
  if (const int err = readDirectory(dir, names)) throwSystemError("cannot list directory '" + dir + "'", err);
  return names;
}

/// mkdir(path): 0, or the errno of the failure (EEXIST when anything is there already).
inline int makeDirectory(const std::string& path) noexcept {
  return ::mkdir(path.c_str(), 0777) == 0 ? 0 : errno;
}

/// mkdir -p: creates `path` and its missing parents. Returns 0 (an existing
/// directory included), or the errno of the first failure: EEXIST when `path`
/// itself is something else than a directory, ENOTDIR when one of its parents is.
inline int makeDirectories(const std::string& path) {
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

/// unlink(path), best effort: false when the file could not be removed.
inline bool removeFile(const std::string& path) noexcept { return ::unlink(path.c_str()) == 0; }

}  // namespace rill::io
