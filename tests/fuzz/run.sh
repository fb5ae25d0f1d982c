#!/usr/bin/env bash
# Builds the fuzz targets of tests/fuzz/ with clang-14 (libFuzzer,
# AddressSanitizer, UndefinedBehaviorSanitizer) in build-fuzz/, a build of
# their own that compiles only them and the readers they test, and runs each
# for a bounded time from the seed corpus in tests/fuzz/corpus/<target>/.
# tests/run.sh calls it after ctest.
#   tests/fuzz/run.sh                 every target, $AHPL_FUZZ_SECONDS (20) each
#   tests/fuzz/run.sh csv json_input  only those
#   AHPL_FUZZ_SEED=0 AHPL_FUZZ_SECONDS=600 tests/fuzz/run.sh   a longer, random hunt
# The targets run side by side, so the wall time is about one target's
# budget plus the build. Inputs found to add coverage are kept in
# build-fuzz/corpus/<target>/ (not in the repository) and reused by the next
# run; a crash is saved as build-fuzz/artifacts/<target>-crash-*, and
#   build-fuzz/tests/fuzz/fuzz_<target> build-fuzz/artifacts/<target>-crash-...
# replays it. Once fixed, copy it into tests/fuzz/corpus/<target>/ so that
# every later run replays it first.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${AHPL_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${AHPL_FUZZ_SECONDS:-20}
# A fixed seed by default, so that the test suite explores the same inputs on
# every run and a failure in CI can be reproduced; AHPL_FUZZ_SEED=0 lets
# libFuzzer pick one (for longer hunts).
seed=${AHPL_FUZZ_SEED:-1}
jobs=${AHPL_BUILD_JOBS:-$(nproc)}

targets=("$@")
((${#targets[@]})) || targets=(json_input csv csv_returns disclosure)

for tool in clang-14 clang++-14; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "fuzz: $tool not found; run deploy/local/install-deps.sh (packages clang-14, libclang-rt-14-dev)" >&2
    exit 1
  }
done

start=$SECONDS
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAHPL_BUILD_FUZZ=ON >/dev/null
fi
cmake --build "$build" -j "$jobs" -- $(printf 'fuzz_%s ' "${targets[@]}") >"$build/build.log" 2>&1 || {
  cat "$build/build.log" >&2
  echo "fuzz: the fuzz targets did not build" >&2
  exit 1
}
echo "fuzz: built in $((SECONDS - start))s; running ${targets[*]} for ${seconds}s each, side by side"

mkdir -p "$build/artifacts"
pids=()
for t in "${targets[@]}"; do
  [[ -d "$root/tests/fuzz/corpus/$t" ]] || { echo "fuzz: no seed corpus tests/fuzz/corpus/$t" >&2; exit 1; }
  mkdir -p "$build/corpus/$t"
  # The first folder receives new inputs; the repository's seeds are only read.
  "$build/tests/fuzz/fuzz_$t" "$build/corpus/$t" "$root/tests/fuzz/corpus/$t" \
    -max_total_time="$seconds" -seed="$seed" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$t-" >"$build/fuzz_$t.log" 2>&1 &
  pids+=($!)
done

failed=()
for i in "${!targets[@]}"; do
  t=${targets[$i]}
  if wait "${pids[$i]}"; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz_$t.log")
    cov=$(grep -o 'cov: [0-9]*' "$build/fuzz_$t.log" | tail -1)
    echo "fuzz: $t: ${runs:-?} inputs, ${cov:-cov: ?}, no crash"
  else
    failed+=("$t")
    echo "fuzz: $t FAILED; the end of $build/fuzz_$t.log:" >&2
    tail -n 60 "$build/fuzz_$t.log" >&2
  fi
done
echo "fuzz: done in $((SECONDS - start))s"
if ((${#failed[@]})); then
  echo "fuzz: ${failed[*]} found a problem; inputs in $build/artifacts/" >&2
  exit 1
fi
