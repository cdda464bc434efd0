#!/usr/bin/env bash
# Installs the current build tree into a scratch prefix, then configures, builds
# and runs tests/consumer (a find_package(rill CONFIG REQUIRED) project) against
# it, with range-v3 hidden from CMake: an installed rill needs only threads.
# consumer_kafka is built when rill was built with librdkafka.
# usage: install_consumer.sh <cmake> <build-dir> <prefix> <consumer-src> <cxx> <generator>
set -euo pipefail
cmake_bin=$1 build=$2 prefix=$3 src=$4 cxx=$5 gen=$6
rm -rf "$prefix" "$build/consumer-build"
"$cmake_bin" --install "$build" --prefix "$prefix"
"$cmake_bin" -S "$src" -B "$build/consumer-build" -G "$gen" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_DISABLE_FIND_PACKAGE_range-v3=ON --no-warn-unused-cli
"$cmake_bin" --build "$build/consumer-build"
"$build/consumer-build/consumer"
"$build/consumer-build/consumer_compiled_runtime"
if [[ -x "$build/consumer-build/consumer_kafka" ]]; then "$build/consumer-build/consumer_kafka"; fi
echo "install_consumer: OK"
