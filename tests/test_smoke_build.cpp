#include <doctest/doctest.h>

#include <rill/core/errors.hpp>
#include <string>

TEST_CASE("smoke: rill headers are reachable") {
  CHECK(rill::SparkException("x").what() == std::string("x"));
}
