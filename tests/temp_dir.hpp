#pragma once
// A fresh scratch directory for one test case, removed on destruction. It lives
// under $RILL_TEST_TMP (CTest's per-test working directory) or, when the test
// binary runs by hand, under a per-process directory in the system temp dir.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace rill_test {

class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    namespace fs = std::filesystem;
    const char* env = std::getenv("RILL_TEST_TMP");
    ownsBase_ = env == nullptr || *env == '\0';
    base_ = ownsBase_ ? fs::temp_directory_path() / ("rill-test-" + std::to_string(::getpid())) : fs::path(env);
    static int counter = 0;
    path_ = base_ / ("io-" + tag + "-" + std::to_string(++counter));
    fs::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    // The per-process base goes once empty; an RILL_TEST_TMP directory belongs
    // to the test runner (it is our working directory under CTest).
    if (ownsBase_) std::filesystem::remove(base_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path base_;
  std::filesystem::path path_;
  bool ownsBase_ = true;
};

}  // namespace rill_test
