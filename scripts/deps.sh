#!/usr/bin/env bash
# Installs rill's build/test dependencies on Debian 12 when any is missing.
# Runs apt-get only if `dpkg -s` reports a package missing; uses sudo when not root.
set -euo pipefail

# Opt-in parts: OpenMPI (rill::mpi), librdkafka (rill::kafka), cpp-httplib and
# Chromium (rill::ui and its browser test), zlib (.gz input).
pkgs=(cmake ninja-build g++ clang libclang-rt-14-dev librange-v3-dev doctest-dev
      libbenchmark-dev libcereal-dev ca-certificates netcat-openbsd
      libopenmpi-dev openmpi-bin librdkafka-dev libcpp-httplib-dev chromium zlib1g-dev)

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg -s "$p" >/dev/null 2>&1; then missing+=("$p"); fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "deps.sh: all dependencies present"
  exit 0
fi

echo "deps.sh: installing: ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "deps.sh: not root and no sudo; please install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
