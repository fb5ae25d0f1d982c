#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL 15 cluster that belongs to this
# checkout: its own data folder, port and socket, never the machine's default
# cluster. As root, the cluster runs as the unprivileged `postgres` user.
#
#   deploy/local/pg.sh start   # initialises if needed, starts, prints the URL
#   deploy/local/pg.sh stop    # stops it (the data stays)
#   deploy/local/pg.sh destroy # stops it and deletes its data
#   deploy/local/pg.sh url     # prints the URL
#   deploy/local/pg.sh status
#   deploy/local/pg.sh free-port N  # the first port from N nothing listens on
#
# AHPL_PG_DIR (default .ahpl/pg in the checkout), AHPL_PG_PORT (default 55432)
# and AHPL_PG_DB (default ahpl) choose another cluster, port or database.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
port=${AHPL_PG_PORT:-55432}
db=${AHPL_PG_DB:-ahpl}
dir=${AHPL_PG_DIR:-$root/.ahpl/pg}

bindir=$(pg_config --bindir 2>/dev/null || true)
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  bindir=/usr/lib/postgresql/15/bin
fi
[[ -x "$bindir/initdb" ]] || { echo "pg.sh: PostgreSQL 15 server binaries not found (apt-get install postgresql-15)" >&2; exit 1; }

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# As root the data folder must be reachable by `postgres`; a checkout under a
# private folder is not, so fall back to a folder under /var/tmp named after it.
if [[ $(id -u) -eq 0 ]]; then
  mkdir -p "$(dirname "$dir")"
  if ! runuser -u postgres -- test -x "$(dirname "$dir")"; then
    dir=/var/tmp/ahpl-pg-$(printf '%s' "$dir" | sha256sum | cut -c1-12)
  fi
fi
data=$dir/data
sock=$dir/socket
log=$dir/postgres.log
url="postgresql://postgres@127.0.0.1:$port/$db"

running() { [[ -f "$data/PG_VERSION" ]] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

start() {
  if [[ ! -f "$data/PG_VERSION" ]]; then
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
    as_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { echo "pg.sh: initdb failed; see $dir/initdb.log" >&2; exit 1; }
  fi
  as_owner mkdir -p "$sock"
  if ! running; then
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "pg.sh: port $port is taken by another process; set AHPL_PG_PORT" >&2
      exit 1
    fi
    as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
      || { echo "pg.sh: PostgreSQL did not start; see $log" >&2; tail -n 20 "$log" >&2; exit 1; }
  fi
  if ! as_owner "$bindir/psql" -h "$sock" -p "$port" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    as_owner "$bindir/createdb" -h "$sock" -p "$port" -U postgres "$db"
  fi
  echo "$url"
}

stop() {
  if running; then
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
}

free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

case "${1:-}" in
  free-port) free_port "${2:?usage: $0 free-port FIRST_PORT}" ;;
  start) start ;;
  stop) stop ;;
  destroy) stop; rm -rf "$dir" ;;
  url) echo "$url" ;;
  status) if running; then echo "running: $url"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: $0 start|stop|destroy|url|status|free-port N" >&2; exit 2 ;;
esac
