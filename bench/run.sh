#!/usr/bin/env bash
# Builds and runs the benchmarks against a throwaway PostgreSQL, printing
# each comparison with both of its sides. Extra arguments go to every
# benchmark binary (e.g. --benchmark_filter=Stream).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
deploy/local/install-deps.sh
deploy/local/build.sh

export AHPL_PG_DIR=$root/.ahpl/pg-bench
# The port asked for, else the first free one from 55434 (another cluster,
# e.g. a developer's, may hold it).
export AHPL_PG_PORT=${AHPL_BENCH_PG_PORT:-$(deploy/local/pg.sh free-port 55434)}
trap 'deploy/local/pg.sh destroy >/dev/null 2>&1 || true' EXIT
AHPL_TEST_DATABASE_URL=$(deploy/local/pg.sh start)
export AHPL_TEST_DATABASE_URL

for bench in build/bench/*_bench; do
  echo "== $bench"
  "$bench" "$@"
done
