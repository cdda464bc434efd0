// Tests for rill/io/directory.hpp (mkdir -p, listing, removing, path joins) and
// io::readFile: the POSIX calls that replaced std::filesystem inside rill.
#include <doctest/doctest.h>
#include "temp_dir.hpp"
#include <rill/io/directory.hpp>
#include <rill/io/file_lines.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <string>
#include <vector>

namespace {

using rill_test::TempDir;
using Names = std::vector<std::string>;

void writeFile(const std::string& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary) << contents;
}

bool isDirectory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Names sorted(Names names) {
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("splitPath and joinPath") {
  using rill::io::joinPath;
  using rill::io::splitPath;
  CHECK(splitPath("a/b/c.txt").dir == "a/b");
  CHECK(splitPath("a/b/c.txt").name == "c.txt");
  CHECK(splitPath("c.txt").dir == ".");
  CHECK(splitPath("c.txt").name == "c.txt");
  CHECK(splitPath("/c.txt").dir == "/");
  CHECK(splitPath("/c.txt").name == "c.txt");
  CHECK(splitPath("a/").name == "");
  CHECK(joinPath("a/b", "c") == "a/b/c");
  CHECK(joinPath("a/b/", "c") == "a/b/c");
  CHECK(joinPath("/", "c") == "/c");
  CHECK(joinPath("", "c") == "c");
}

TEST_CASE("makeDirectories creates every missing level and accepts an existing directory") {
  TempDir tmp("mkdirs");
  const std::string deep = tmp.file("a/b/c");
  CHECK(rill::io::makeDirectories(deep) == 0);
  CHECK(isDirectory(tmp.file("a")));
  CHECK(isDirectory(tmp.file("a/b")));
  CHECK(isDirectory(deep));
  CHECK(rill::io::makeDirectories(deep) == 0);        // already there
  CHECK(rill::io::makeDirectories(deep + "/") == 0);  // a trailing slash too
  CHECK(rill::io::makeDirectories(tmp.file("a//b/d")) == 0);
  CHECK(isDirectory(tmp.file("a/b/d")));
}

TEST_CASE("makeDirectories and makeDirectory report the errno of what is in the way") {
  TempDir tmp("mkdirs-fail");
  writeFile(tmp.file("file"), "x");
  CHECK(rill::io::makeDirectories(tmp.file("file")) == EEXIST);     // a file, not a directory
  CHECK(rill::io::makeDirectories(tmp.file("file/sub")) == ENOTDIR);  // a file as a parent
  CHECK(rill::io::makeDirectory(tmp.file("file")) == EEXIST);
  CHECK(rill::io::makeDirectory(tmp.file("new")) == 0);
  CHECK(rill::io::makeDirectory(tmp.file("new")) == EEXIST);
  CHECK(rill::io::makeDirectory(tmp.file("missing/new")) == ENOENT);  // no parents made
  CHECK(rill::io::makeDirectories("") == ENOENT);
}

TEST_CASE("listDirectory gives every entry but . and .., and names a directory it cannot list") {
  TempDir tmp("list");
  const std::string dir = tmp.file("d");
  REQUIRE(rill::io::makeDirectory(dir) == 0);
  CHECK(rill::io::listDirectory(dir).empty());
  writeFile(dir + "/b.txt", "b");
  writeFile(dir + "/.hidden", "h");
  REQUIRE(rill::io::makeDirectory(dir + "/sub") == 0);
  CHECK(sorted(rill::io::listDirectory(dir)) == Names{".hidden", "b.txt", "sub"});

  const std::string missing = tmp.file("missing");
  CHECK_THROWS_WITH_AS(rill::io::listDirectory(missing),
                       ("rill: cannot list directory '" + missing + "': No such file or directory").c_str(),
                       rill::IoError);
  Names kept{"before"};
  CHECK(rill::io::readDirectory(missing, kept) == ENOENT);
  CHECK(kept == Names{"before"});
  CHECK(rill::io::readDirectory(dir, kept) == 0);  // appends
  CHECK(sorted(kept) == Names{".hidden", "b.txt", "before", "sub"});
}

TEST_CASE("requireListableDirectory fails as listDirectory would, without listing") {
  TempDir tmp("listable");
  const std::string dir = tmp.file("d");
  REQUIRE(rill::io::makeDirectory(dir) == 0);
  CHECK_NOTHROW(rill::io::requireListableDirectory(dir));
  const std::string missing = tmp.file("missing");
  CHECK_THROWS_WITH_AS(rill::io::requireListableDirectory(missing),
                       ("rill: cannot list directory '" + missing + "': No such file or directory").c_str(),
                       rill::IoError);
  writeFile(dir + "/file", "f");
  CHECK_THROWS_WITH_AS(rill::io::requireListableDirectory(dir + "/file"),
                       ("rill: cannot list directory '" + dir + "/file': Not a directory").c_str(), rill::IoError);
  CHECK_THROWS_WITH_AS(rill::io::listDirectory(dir + "/file"),
                       ("rill: cannot list directory '" + dir + "/file': Not a directory").c_str(), rill::IoError);
}

TEST_CASE("removeFile removes a file and reports what it could not remove") {
  TempDir tmp("remove");
  writeFile(tmp.file("f"), "x");
  CHECK(rill::io::removeFile(tmp.file("f")));
  CHECK_FALSE(rill::io::removeFile(tmp.file("f")));  // gone already
  REQUIRE(rill::io::makeDirectory(tmp.file("d")) == 0);
  CHECK_FALSE(rill::io::removeFile(tmp.file("d")));  // a directory is not a file
  CHECK(isDirectory(tmp.file("d")));
}

TEST_CASE("readFile returns every byte, beyond one read buffer, and names a missing file") {
  TempDir tmp("read");
  writeFile(tmp.file("empty"), "");
  CHECK(rill::io::readFile(tmp.file("empty")).empty());

  std::string bytes;
  for (int i = 0; i < (3 << 20) + 17; ++i) bytes.push_back(static_cast<char>((i * 7) % 256));  // NULs, CRs, LFs
  writeFile(tmp.file("big"), bytes);
  const std::string got = rill::io::readFile(tmp.file("big"));
  CHECK(got.size() == bytes.size());
  CHECK(got == bytes);

  const std::string missing = tmp.file("missing");
  CHECK_THROWS_WITH_AS(rill::io::readFile(missing),
                       ("rill: cannot open file '" + missing + "': No such file or directory").c_str(),
                       rill::IoError);
}
