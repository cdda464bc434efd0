#pragma once
// Discovery of new files in a directory, the io half of Spark's
// textFileStream / fileStream.
//
// Supported protocol (the same as Spark's): a producer writes the file
// elsewhere, or under a hidden name in the same directory, and then rename()s
// it into place. A file written in place may be reported while it is still
// being written and is then read incomplete; AtomicFileWriter follows the
// supported protocol. Names starting with '.' or '_' are ignored (temporaries,
// _SUCCESS/_temporary markers), as Hadoop's hidden-file filter does, and so are
// subdirectories and other non-regular files. Symbolic links to regular files
// count as regular files.
//
// Each name is reported at most once for the lifetime of the watcher, even if
// the file is later deleted and recreated; the set of seen names therefore
// grows with the number of files observed. Not thread-safe: poll from one
// thread.
#include <rill/io/system_error.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace rill::io {

class DirectoryWatcher {
 public:
  /// Throws IoError if `dir` cannot be listed. With includeExisting == false
  /// (Spark's default) files already present are never reported.
  explicit DirectoryWatcher(std::string dir, bool includeExisting = false)
      : dir_(std::move(dir)) {
    std::vector<std::string> existing = newNames();
    if (!includeExisting) seen_.insert(existing.begin(), existing.end());
  }

  /// Full paths of regular files that appeared since the previous poll (or
  /// since construction), sorted by name.
  std::vector<std::string> poll() {
    std::vector<std::string> names = newNames();
    std::sort(names.begin(), names.end());
    std::vector<std::string> paths;
    paths.reserve(names.size());
    for (auto& name : names) {
      paths.push_back(joined(name));
      seen_.insert(std::move(name));
    }
    return paths;
  }

  const std::string& directory() const noexcept { return dir_; }

 private:
  struct DirCloser {
    void operator()(DIR* d) const noexcept { ::closedir(d); }
  };

  static bool hidden(const char* name) noexcept { return name[0] == '.' || name[0] == '_'; }

  std::string joined(const std::string& name) const {
    return (!dir_.empty() && dir_.back() == '/') ? dir_ + name : dir_ + "/" + name;
  }

  // Visible regular files not reported before. Names are only stat()ed once
  // they are new, so a poll over a large, mostly-seen directory stays cheap.
  std::vector<std::string> newNames() const {
    std::unique_ptr<DIR, DirCloser> d(::opendir(dir_.c_str()));
    if (!d) throwSystemError("cannot list directory '" + dir_ + "'", errno);
    const int dfd = ::dirfd(d.get());
    std::vector<std::string> names;
    for (;;) {
      errno = 0;
      const dirent* entry = ::readdir(d.get());
      if (entry == nullptr) {
        if (errno != 0) throwSystemError("cannot list directory '" + dir_ + "'", errno);
        break;
      }
      if (hidden(entry->d_name)) continue;  // also skips "." and ".."
      std::string name(entry->d_name);
      if (seen_.count(name) != 0) continue;
      // A file deleted between readdir and fstatat simply is not new yet.
      struct stat st {};
      if (::fstatat(dfd, entry->d_name, &st, 0) != 0 || !S_ISREG(st.st_mode)) continue;
      names.push_back(std::move(name));
    }
    return names;
  }

  std::string dir_;
  std::unordered_set<std::string> seen_;
};

}  // namespace rill::io
