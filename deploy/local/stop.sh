#!/usr/bin/env bash
# Stops what deploy/local/run.sh started: ahpl-server, then PostgreSQL
# (its data stays in .ahpl/pg). --server-only leaves PostgreSQL running.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
pidfile=$root/.ahpl/server.pid

if [[ -f "$pidfile" ]]; then
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pidfile"
fi
[[ "${1:-}" == "--server-only" ]] || "$root/deploy/local/pg.sh" stop
