#!/usr/bin/env bash
# The compose health check (deploy/compose/grpc-health-probe.sh) against a
# real ahpl-server: SERVING for the server and a hosted service, a failure
# for a service it does not host and for a port nothing listens on.
#   health_probe_test.sh AHPL_SERVER_BINARY      (needs $AHPL_TEST_DATABASE_URL)
set -euo pipefail

server=${1:?usage: health_probe_test.sh AHPL_SERVER_BINARY}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
probe=$root/deploy/compose/grpc-health-probe.sh
: "${AHPL_TEST_DATABASE_URL:?set AHPL_TEST_DATABASE_URL (tests/run.sh does)}"

work=$(mktemp -d)
pid=
cleanup() {
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$server" --database_url="$AHPL_TEST_DATABASE_URL" --listen=127.0.0.1:0 --services=catalogue \
  2>"$work/server.log" &
pid=$!

# The port the server was given, from its start-up line.
port=
for _ in $(seq 300); do
  port=$(sed -n 's/.*listening on port \([0-9][0-9]*\).*/\1/p' "$work/server.log" | head -n 1)
  [[ -n $port ]] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "FAIL: ahpl-server exited" >&2; exit 1; }
  sleep 0.1
done
[[ -n $port ]] || { cat "$work/server.log" >&2; echo "FAIL: ahpl-server did not say its port" >&2; exit 1; }

failures=0
expect() {
  local want=$1 what=$2
  shift 2
  local got=0
  "$@" 2>"$work/probe.err" || got=$?
  if [[ $got -ne $want ]]; then
    echo "FAIL: $what: exit $got, expected $want ($(cat "$work/probe.err"))" >&2
    failures=$((failures + 1))
  else
    echo "ok: $what"
  fi
}

# Health follows PostgreSQL's probe each second: the first answer may come
# before the first probe, so wait (boundedly) for SERVING first.
for _ in $(seq 50); do
  bash "$probe" "127.0.0.1:$port" 2>/dev/null && break
  sleep 0.2
done
expect 0 "the server is SERVING" bash "$probe" "127.0.0.1:$port"
expect 0 "a hosted service is SERVING" bash "$probe" "127.0.0.1:$port" ahpl.v1.CatalogueService
expect 1 "a service the server does not host is not" bash "$probe" "127.0.0.1:$port" ahpl.v1.ClassificationService
expect 2 "a malformed address is refused" bash "$probe" "127.0.0.1"
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=
expect 1 "a stopped server is not" bash "$probe" "127.0.0.1:$port" ahpl.v1.CatalogueService

if ((failures)); then exit 1; fi
echo "grpc-health-probe.sh answers as the server does"
