// Tests for rill::io::DirectoryWatcher: each new visible regular file is
// reported exactly once, sorted, with hidden names and subdirectories ignored.
#include <doctest/doctest.h>
#include "temp_dir.hpp"
#include <rill/io/atomic_file.hpp>
#include <rill/io/directory_watcher.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using Paths = std::vector<std::string>;

using rill_test::TempDir;

void touch(const std::string& path, const std::string& contents = "x\n") {
  std::ofstream(path, std::ios::binary) << contents;
}

}  // namespace

TEST_CASE("DirectoryWatcher reports only files that appear after construction") {
  TempDir tmp("watch");
  const std::string dir = fs::path(tmp.file("x")).parent_path().string();
  touch(tmp.file("old.txt"));
  rill::io::DirectoryWatcher watcher(dir);
  CHECK(watcher.poll() == Paths{});

  touch(tmp.file("b.txt"));
  touch(tmp.file("a.txt"));
  touch(tmp.file(".hidden"));
  touch(tmp.file("_SUCCESS"));
  fs::create_directory(tmp.file("subdir"));
  touch(tmp.file("subdir/inner.txt"));
  CHECK(watcher.poll() == Paths{tmp.file("a.txt"), tmp.file("b.txt")});
  CHECK(watcher.poll() == Paths{});

  // Rewriting a seen name, or deleting and recreating it between two polls,
  // does not report it again.
  touch(tmp.file("a.txt"), "changed\n");
  fs::remove(tmp.file("b.txt"));
  touch(tmp.file("b.txt"));
  touch(tmp.file("c.txt"));
  CHECK(watcher.poll() == Paths{tmp.file("c.txt")});
  CHECK(watcher.poll() == Paths{});

  // A name a poll no longer listed is forgotten: made again later, it is new.
  fs::remove(tmp.file("a.txt"));
  fs::remove(tmp.file("old.txt"));
  CHECK(watcher.poll() == Paths{});
  touch(tmp.file("old.txt"));
  touch(tmp.file("a.txt"));
  CHECK(watcher.poll() == Paths{tmp.file("a.txt"), tmp.file("old.txt")});
  CHECK(watcher.poll() == Paths{});
}

TEST_CASE("DirectoryWatcher with includeExisting reports files already present") {
  TempDir tmp("watch-existing");
  const std::string dir = fs::path(tmp.file("x")).parent_path().string();
  touch(tmp.file("z.txt"));
  touch(tmp.file("m.txt"));
  rill::io::DirectoryWatcher watcher(dir + "/", true);  // trailing slash is fine
  CHECK(watcher.poll() == Paths{dir + "/m.txt", dir + "/z.txt"});
  CHECK(watcher.poll() == Paths{});
}

TEST_CASE("DirectoryWatcher sees renamed-in files once, never their temporaries") {
  TempDir tmp("watch-rename");
  const std::string dir = fs::path(tmp.file("x")).parent_path().string();
  rill::io::DirectoryWatcher watcher(dir);
  rill::io::AtomicFileWriter writer(tmp.file("batch-1.txt"));
  writer.write("a\nb\n");
  CHECK(watcher.poll() == Paths{});  // the temporary is hidden
  writer.commit();
  touch(tmp.file(".staging"));
  fs::rename(tmp.file(".staging"), tmp.file("batch-2.txt"));
  CHECK(watcher.poll() == Paths{tmp.file("batch-1.txt"), tmp.file("batch-2.txt")});
  CHECK(watcher.poll() == Paths{});
}

TEST_CASE("DirectoryWatcher on a missing directory names it") {
  TempDir tmp("watch-missing");
  const std::string dir = tmp.file("absent");
  const std::string expected =
      "rill: cannot list directory '" + dir + "': No such file or directory";
  CHECK_THROWS_WITH_AS(rill::io::DirectoryWatcher{dir}, expected.c_str(), rill::IoError);

  fs::create_directory(dir);
  rill::io::DirectoryWatcher watcher(dir);
  fs::remove(dir);
  CHECK_THROWS_WITH_AS(watcher.poll(), expected.c_str(), rill::IoError);
}
