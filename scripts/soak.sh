#!/usr/bin/env bash
# Soak run (not part of CI): builds examples/soak_wordcount.cpp in Release and
# runs the word count with a window and running state at full speed, fed by
# an in-process receiver, for a bounded time (default 60 s). It prints the
# records generated and counted (must be equal after the graceful stop), the
# rate, the RSS after warm-up and at the end (must not grow), and PASS/FAIL;
# the exit status is 0 only on PASS.
#   scripts/soak.sh                      # 60 s
#   SOAK_SECONDS=20 scripts/soak.sh      # shorter
#   scripts/soak.sh --workers 1 --batch-ms 50 --rate 200000   # extra options go to the program
# Env: SOAK_SECONDS (60), SOAK_WARMUP (10, or a third of a shorter run), SOAK_BUILD_DIR (build/soak), SOAK_JOBS (2).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
seconds=${SOAK_SECONDS:-60}
warmup=${SOAK_WARMUP:-$(( seconds >= 30 ? 10 : seconds / 3 ))}
dir=${SOAK_BUILD_DIR:-build/soak}
bash scripts/deps.sh
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DRILL_BUILD_TESTS=OFF -DRILL_BUILD_BENCHMARKS=OFF -DRILL_BUILD_EXAMPLES=ON -DRILL_SANITIZE= >/dev/null
cmake --build "$dir" -j "${SOAK_JOBS:-2}" --target soak_wordcount
exec "$dir/examples/soak_wordcount" --seconds "$seconds" --warmup "$warmup" "$@"
