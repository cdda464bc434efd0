// Tests for rill::io atomic writes: contents, replacement, no leftover
// temporaries, and errors that name the path.
#include <doctest/doctest.h>
#include "temp_dir.hpp"
#include <rill/io/atomic_file.hpp>

#include <unistd.h>

#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;

using rill_test::TempDir;

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("writeFileAtomically creates and replaces files leaving no temporaries") {
  TempDir dir("atomic");
  const std::string path = dir.file("out.txt");
  rill::io::writeFileAtomically(path, "first\n");
  CHECK(readFile(path) == "first\n");
  rill::io::writeFileAtomically(path, "");
  CHECK(readFile(path) == "");
  const std::string binary("a\0b\xff", 4);
  rill::io::writeFileAtomically(path, binary);
  CHECK(readFile(path) == binary);
  CHECK(entries(fs::path(path).parent_path().string()) == std::vector<std::string>{"out.txt"});
}

TEST_CASE("AtomicFileWriter streams many lines and publishes only on commit") {
  TempDir dir("atomic-stream");
  const std::string path = dir.file("big.txt");
  rill::io::writeFileAtomically(path, "old\n");
  std::string expected;
  {
    rill::io::AtomicFileWriter writer(path);
    const std::string tmpName = fs::path(writer.tempPath()).filename().string();
    CHECK(tmpName.rfind(".big.txt.tmp-" + std::to_string(::getpid()) + "-", 0) == 0);
    CHECK(fs::path(writer.tempPath()).parent_path() == fs::path(path).parent_path());
    for (int i = 0; i < 100000; ++i) {
      const std::string line = "line " + std::to_string(i) + "\n";
      writer.write(line);
      expected += line;
    }
    const std::string huge(200000, 'h');  // larger than the internal buffer
    writer.write(huge);
    expected += huge;
    CHECK(readFile(path) == "old\n");  // not visible before commit
    writer.commit();
    CHECK_THROWS_AS(writer.write("late"), rill::IoError);
  }
  CHECK(readFile(path) == expected);
  CHECK(entries(fs::path(path).parent_path().string()) == std::vector<std::string>{"big.txt"});
}

TEST_CASE("AtomicFileWriter without commit removes its temporary and keeps the old file") {
  TempDir dir("atomic-abort");
  const std::string path = dir.file("keep.txt");
  rill::io::writeFileAtomically(path, "keep\n");
  {
    rill::io::AtomicFileWriter writer(path);
    writer.write("partial");
    CHECK(fs::exists(writer.tempPath()));
  }
  CHECK(readFile(path) == "keep\n");
  CHECK(entries(fs::path(path).parent_path().string()) == std::vector<std::string>{"keep.txt"});
}

TEST_CASE("concurrent atomic writers in one process never collide") {
  TempDir dir("atomic-threads");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&dir, t] {
      for (int i = 0; i < 25; ++i) {
        rill::io::writeFileAtomically(dir.file("shared.txt"), "thread " + std::to_string(t) + "\n");
      }
    });
  }
  for (auto& th : threads) th.join();
  const std::string final = readFile(dir.file("shared.txt"));
  CHECK(final.rfind("thread ", 0) == 0);
  CHECK(final.size() == 9);
  CHECK(entries(fs::path(dir.file("shared.txt")).parent_path().string()) ==
        std::vector<std::string>{"shared.txt"});
}

TEST_CASE("atomic writes into a missing directory name the path") {
  TempDir dir("atomic-missing");
  const std::string path = dir.file("no-such-dir/out.txt");
  try {
    rill::io::writeFileAtomically(path, "x");
    FAIL("expected IoError");
  } catch (const rill::IoError& e) {
    const std::string what = e.what();
    CHECK(what.rfind("rill: cannot create temporary file '", 0) == 0);
    CHECK(what.find("for '" + path + "': No such file or directory") != std::string::npos);
  }
}
