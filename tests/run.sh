#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, starts a throwaway
# PostgreSQL, lints the protos and checks them against the last release
# (buf), checks the locking annotations (clang's thread-safety analysis) and
# that the C++ is formatted, runs every test,
# fuzzes the command line's JSON and CSV readers and disclosure control for a bounded time
# (tests/fuzz/run.sh: the targets side by side for $AHPL_FUZZ_SECONDS, 20 by
# default, after a clang build of half a minute the first time), and removes
# the cluster again even when tests fail. Run from anywhere, as root on a
# fresh machine.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

deploy/local/install-deps.sh
deploy/local/build.sh

# A cluster of the tests' own, apart from the one the run command uses.
export AHPL_PG_DIR=$root/.ahpl/pg-test
# The port asked for, else the first free one from 55433 (another cluster,
# e.g. a developer's, may hold it).
export AHPL_PG_PORT=${AHPL_TEST_PG_PORT:-$(deploy/local/pg.sh free-port 55433)}
deploy/local/pg.sh destroy >/dev/null 2>&1 || true
trap 'deploy/local/pg.sh destroy >/dev/null 2>&1 || true' EXIT
url=$(deploy/local/pg.sh start)
export AHPL_TEST_DATABASE_URL=$url
# A hot standby of it, for the tests of reads from a standby (a run that
# cannot make one fails here).
standby_url=$(deploy/local/pg.sh standby)
export AHPL_TEST_STANDBY_URL=$standby_url

echo "== buf lint"
deploy/tools/node_modules/.bin/buf lint proto
echo "protos are lint-clean"

echo "== thread safety"
deploy/tools/thread-safety.sh

echo "== buf breaking"
# Against the API of the newest release, kept in the repository as a buf
# image (proto/released/, written by deploy/tools/release-api.sh), so the
# check holds in any clone, tags or not.
release=$(ls proto/released/v*.json 2>/dev/null | sort -V | tail -n 1)
if [[ -n $release ]]; then
  deploy/tools/node_modules/.bin/buf breaking proto --against "$release"
  echo "protos keep the API of $(basename "$release" .json)"
else
  echo "no released API in proto/released: nothing to compare against"
fi

echo "== format"
deploy/tools/format.sh --check

echo "== ctest"
ctest --test-dir build -j "$(nproc)" --output-on-failure --timeout 300

echo "== fuzz"
tests/fuzz/run.sh
