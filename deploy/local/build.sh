#!/usr/bin/env bash
# Configures and builds ahpl into build/ (Ninja, ccache when present).
# Extra arguments go to the CMake configure step.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${AHPL_BUILD_DIR:-$root/build}
jobs=${AHPL_BUILD_JOBS:-$(nproc)}

if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
elif (($#)); then
  cmake -S "$root" -B "$build" "$@" >/dev/null
fi
cmake --build "$build" -j "$jobs"
