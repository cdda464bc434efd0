#!/usr/bin/env bash
# Builds the examples in Release mode and runs the network word count demo.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/deps.sh
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DRILL_BUILD_TESTS=OFF -DRILL_BUILD_BENCHMARKS=OFF -DRILL_BUILD_EXAMPLES=ON -DRILL_SANITIZE=
cmake --build build/demo -j 2 --target network_wordcount
exec build/demo/examples/network_wordcount "$@"
