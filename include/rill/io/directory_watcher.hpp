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
// A name is reported once while it stays listed: rewriting a file, or deleting
// and recreating it between two polls, is not news. A name no longer listed at
// a poll is forgotten, so the watcher holds no more names than the directory
// does, and a file made under it later is new (in Spark, its modification time
// would make it new). Not thread-safe: poll from one thread.
#include <rill/core/runtime.hpp>
#include <rill/io/directory.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace rill::io {

class DirectoryWatcher {
 public:
  /// Throws IoError if `dir` cannot be listed. With includeExisting == false
  /// (Spark's default) files already present are never reported.
  explicit DirectoryWatcher(std::string dir, bool includeExisting = false);

  /// Full paths of regular files that appeared since the previous poll (or
  /// since construction), sorted by name.
  std::vector<std::string> poll();

  const std::string& directory() const noexcept { return dir_; }

 private:
  // The directory's names, sorted; seen_ keeps only those among them.
  std::vector<std::string> listAndForgetMissing();

  // Visible regular files of `listed` (sorted) not reported before, sorted.
  // Names are only stat()ed once they are new, so a poll over a large,
  // mostly-seen directory stays cheap.
  std::vector<std::string> newNames(std::vector<std::string> listed) const;

  // Adds names (sorted, none seen before) to seen_, which stays sorted.
  void remember(std::vector<std::string> names);

  std::string dir_;
  std::vector<std::string> seen_;  // every listed name reported or skipped, sorted
};

#if RILL_RUNTIME_BODIES

RILL_RUNTIME DirectoryWatcher::DirectoryWatcher(std::string dir, bool includeExisting) : dir_(std::move(dir)) {
  std::vector<std::string> listed = listAndForgetMissing();  // throws IoError for a directory it cannot list
  if (!includeExisting) remember(newNames(std::move(listed)));
}

RILL_RUNTIME std::vector<std::string> DirectoryWatcher::poll() {
  std::vector<std::string> names = newNames(listAndForgetMissing());
  std::vector<std::string> paths;
  paths.reserve(names.size());
  for (auto& name : names) paths.push_back(joinPath(dir_, name));
  remember(std::move(names));
  return paths;
}

RILL_RUNTIME std::vector<std::string> DirectoryWatcher::listAndForgetMissing() {
  std::vector<std::string> listed = listDirectory(dir_);
  std::sort(listed.begin(), listed.end());
  std::vector<std::string> kept;
  std::set_intersection(std::make_move_iterator(seen_.begin()), std::make_move_iterator(seen_.end()), listed.begin(),
                        listed.end(), std::back_inserter(kept));
  seen_ = std::move(kept);
  return listed;
}

RILL_RUNTIME std::vector<std::string> DirectoryWatcher::newNames(std::vector<std::string> listed) const {
  std::vector<std::string> names;
  for (auto& name : listed) {
    if (isHiddenName(name) || std::binary_search(seen_.begin(), seen_.end(), name)) continue;
    // A file deleted between readdir and stat simply is not new yet.
    struct stat st {};
    if (::stat(joinPath(dir_, name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    names.push_back(std::move(name));
  }
  return names;  // in the listing's order: sorted
}

RILL_RUNTIME void DirectoryWatcher::remember(std::vector<std::string> names) {
  const auto middle = static_cast<std::ptrdiff_t>(seen_.size());
  seen_.insert(seen_.end(), std::make_move_iterator(names.begin()), std::make_move_iterator(names.end()));
  std::inplace_merge(seen_.begin(), seen_.begin() + middle, seen_.end());
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::io
