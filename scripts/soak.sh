#!/usr/bin/env bash
# Soak run (not part of CI, run it by hand): builds examples/soak_wordcount.cpp
# in Release and runs it. A driver sends numbered lines at a steady rate to the
# stateful network word count (running totals, a window with an inverse
# function, checkpoints every second, the receiver write-ahead log), which it
# kills with SIGKILL and restarts about every 30 s. At the end it stops
# sending, lets the worker drain, stops it gracefully and prints: each restart
# with the worker's resident memory (RSS and peak) just before the kill; lines
# sent, counted, lost (and how many of those were sent in the last 500 ms
# before a kill or after it, which the log cannot have), duplicated; the words
# in the running totals against what the counted lines hold; PASS or FAIL. The
# exit status is 0 only on PASS: nothing duplicated, nothing lost away from a
# kill, the totals exact.
#   scripts/soak.sh                          # 10 minutes
#   SOAK_SECONDS=120 SOAK_KILL_EVERY=15 scripts/soak.sh
#   scripts/soak.sh --rate 50000 --workers 2 # extra options go to the program (--help lists them)
# Env: SOAK_SECONDS (600), SOAK_KILL_EVERY (30), SOAK_RATE (20000 lines/s),
#      SOAK_DIR (checkpoint directory, emptied first; build/soak/checkpoint),
#      SOAK_BUILD_DIR (build/soak), SOAK_JOBS (2).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
dir=${SOAK_BUILD_DIR:-build/soak}
bash scripts/deps.sh
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DRILL_BUILD_TESTS=OFF -DRILL_BUILD_BENCHMARKS=OFF -DRILL_BUILD_EXAMPLES=ON -DRILL_SANITIZE= >/dev/null
cmake --build "$dir" -j "${SOAK_JOBS:-2}" --target soak_wordcount
exec "$dir/examples/soak_wordcount" --seconds "${SOAK_SECONDS:-600}" --kill-every "${SOAK_KILL_EVERY:-30}" \
  --rate "${SOAK_RATE:-20000}" --dir "${SOAK_DIR:-$dir/checkpoint}" "$@"
