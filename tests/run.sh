#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, starts a throwaway
# PostgreSQL, lints the protos, runs every test, and removes the cluster
# again even when tests fail. Run from anywhere, as root on a fresh machine.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

deploy/local/install-deps.sh
deploy/local/build.sh

# A cluster of the tests' own, apart from the one the run command uses.
export AHPL_PG_DIR=$root/.ahpl/pg-test
# The port asked for, else the first free one from 55433 (another cluster,
# e.g. a developer's, may hold it).
port=${AHPL_TEST_PG_PORT:-}
if [[ -z $port ]]; then
  port=55433
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
fi
export AHPL_PG_PORT=$port
deploy/local/pg.sh destroy >/dev/null 2>&1 || true
trap 'deploy/local/pg.sh destroy >/dev/null 2>&1 || true' EXIT
url=$(deploy/local/pg.sh start)
export AHPL_TEST_DATABASE_URL=$url

echo "== buf lint"
deploy/tools/node_modules/.bin/buf lint proto
echo "protos are lint-clean"

echo "== ctest"
ctest --test-dir build -j "$(nproc)" --output-on-failure --timeout 300
