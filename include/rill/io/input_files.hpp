#pragma once
// The files an input path names, as Hadoop's FileInputFormat lists them for
// Spark's textFile and wholeTextFiles: a file is itself; a directory is the
// files directly in it; a glob (`logs/*.log`, `?`, `[a-z]`, `{a,b}`) is every
// match, a matching directory standing for the files in it. Names starting
// with '.' or '_' (hidden files, Hadoop's _SUCCESS markers) are skipped in
// listings and matches; a directory inside a listed directory is an error, as
// in Hadoop ("not a file"). The files come sorted by path.
#include <rill/core/errors.hpp>
#include <rill/core/runtime.hpp>
#include <rill/io/directory.hpp>
#include <rill/io/system_error.hpp>

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rill::io {

struct InputFile {
  std::string path;
  std::uintmax_t size = 0;
  bool operator==(const InputFile&) const = default;
};

/// Whether `path` is a glob pattern (Hadoop's glob characters).
inline bool isGlob(std::string_view path) { return path.find_first_of("*?[{") != std::string_view::npos; }

namespace detail {

RILL_RUNTIME bool statPath(const std::string& path, struct stat& st);

/// The files directly in `dir`, hidden ones skipped; a directory among them is an error.
RILL_RUNTIME void addDirectoryFiles(const std::string& dir, const std::string& input, std::vector<InputFile>& out);

/// A file as itself, a directory as its files.
RILL_RUNTIME void addPath(const std::string& path, const std::string& input, std::vector<InputFile>& out);

/// The paths matching `pattern`, hidden names skipped.
RILL_RUNTIME std::vector<std::string> globMatches(const std::string& pattern);

}  // namespace detail

/// The files `path` names (see the top of this file), sorted by path. Throws
/// IoError naming the path when it does not exist or a pattern matches nothing;
/// an empty directory gives no files.
RILL_RUNTIME std::vector<InputFile> inputFiles(const std::string& path);

#if RILL_RUNTIME_BODIES

RILL_RUNTIME bool detail::statPath(const std::string& path, struct stat& st) { return ::stat(path.c_str(), &st) == 0; }

RILL_RUNTIME void detail::addDirectoryFiles(const std::string& dir, const std::string& input,
                                            std::vector<InputFile>& out) {
  for (const std::string& name : listDirectory(dir)) {
    if (isHiddenName(name)) continue;
    const std::string path = joinPath(dir, name);
    struct stat st {};
    if (!statPath(path, st)) throwSystemError("cannot open file '" + path + "'", errno);
    if (S_ISDIR(st.st_mode))
      throw IoError("rill: input path '" + input + "': '" + path +
                    "' is a directory, not a file (only the files directly in a directory are read)");
    if (S_ISREG(st.st_mode)) out.push_back({path, static_cast<std::uintmax_t>(st.st_size)});
  }
}

RILL_RUNTIME void detail::addPath(const std::string& path, const std::string& input, std::vector<InputFile>& out) {
  struct stat st {};
  if (!statPath(path, st)) throwSystemError("cannot open file '" + path + "'", errno);
  if (S_ISDIR(st.st_mode))
    addDirectoryFiles(path, input, out);
  else if (S_ISREG(st.st_mode))
    out.push_back({path, static_cast<std::uintmax_t>(st.st_size)});
  else
    throw IoError("rill: cannot open file '" + path + "': not a regular file");
}

RILL_RUNTIME std::vector<std::string> detail::globMatches(const std::string& pattern) {
  int flags = 0;
#ifdef GLOB_BRACE
  flags |= GLOB_BRACE;  // {a,b}, as Hadoop's globs have
#endif
  glob_t found{};
  const int rc = ::glob(pattern.c_str(), flags, nullptr, &found);
  std::vector<std::string> matches;
  if (rc == 0)
    for (std::size_t i = 0; i < found.gl_pathc; ++i) {
      std::string path = found.gl_pathv[i];
      if (!isHiddenName(splitPath(path).name)) matches.push_back(std::move(path));
    }
  ::globfree(&found);
  if (rc != 0 && rc != GLOB_NOMATCH) throw IoError("rill: cannot expand the input pattern '" + pattern + "'");
  return matches;
}

RILL_RUNTIME std::vector<InputFile> inputFiles(const std::string& path) {
  std::vector<InputFile> files;
  if (isGlob(path)) {
    const std::vector<std::string> matches = detail::globMatches(path);
    if (matches.empty()) throw IoError("rill: the input pattern '" + path + "' matches no files");
    for (const std::string& match : matches) detail::addPath(match, path, files);
  } else {
    detail::addPath(path, path, files);
  }
  std::sort(files.begin(), files.end(), [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
  return files;
}

#endif  // RILL_RUNTIME_BODIES

}  // namespace rill::io
