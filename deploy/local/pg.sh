#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL 15 cluster that belongs to this
# checkout: its own data folder, port and socket, never the machine's default
# cluster. As root, the cluster runs as the unprivileged `postgres` user.
#
#   deploy/local/pg.sh start   # initialises if needed, starts, prints the URL
#   deploy/local/pg.sh standby # a hot standby of it (pg_basebackup -R), started; prints its URL
#   deploy/local/pg.sh stop    # stops both (the data stays)
#   deploy/local/pg.sh destroy # stops both and deletes their data
#   deploy/local/pg.sh url     # prints the URL
#   deploy/local/pg.sh status
#   deploy/local/pg.sh free-port N  # the first port from N nothing listens on
#
# AHPL_PG_DIR (default .ahpl/pg in the checkout), AHPL_PG_PORT (default 55432)
# and AHPL_PG_DB (default ahpl) choose another cluster, port or database;
# AHPL_PG_STANDBY_PORT the standby's port (default: the first free one after
# the primary's). The standby lives in the cluster's folder (standby/),
# streams from it without a replication slot, and is for tests and trials.
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

standby_dir=$dir/standby
standby_data=$standby_dir/data
standby_running() {
  [[ -f "$standby_data/PG_VERSION" ]] && as_owner "$bindir/pg_ctl" -D "$standby_data" status >/dev/null 2>&1
}

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

# A hot standby of the running cluster: a base backup with the recovery
# settings (-R: standby.signal and primary_conninfo over the primary's
# socket; the default pg_hba.conf trusts local replication, and PostgreSQL
# 15's wal_level is replica), started on a port of its own.
standby() {
  running || { echo "pg.sh: the primary is not running; run pg.sh start first" >&2; exit 1; }
  if [[ ! -f "$standby_data/PG_VERSION" ]]; then
    as_owner mkdir -p "$standby_dir"
    as_owner "$bindir/pg_basebackup" -h "$sock" -p "$port" -U postgres -D "$standby_data" -R \
      -X stream -c fast >"$standby_dir/basebackup.log" 2>&1 \
      || { echo "pg.sh: pg_basebackup failed; see $standby_dir/basebackup.log" >&2; exit 1; }
  fi
  local sport
  if [[ -f "$standby_dir/port" ]]; then
    sport=$(cat "$standby_dir/port")
  else
    sport=${AHPL_PG_STANDBY_PORT:-$(free_port $((port + 1)))}
    echo "$sport" | as_owner tee "$standby_dir/port" >/dev/null
  fi
  as_owner mkdir -p "$standby_dir/socket"
  if ! standby_running; then
    if (exec 3<>"/dev/tcp/127.0.0.1/$sport") 2>/dev/null; then
      echo "pg.sh: port $sport is taken by another process; set AHPL_PG_STANDBY_PORT" >&2
      exit 1
    fi
    # -w waits until it accepts read-only connections (consistent).
    as_owner "$bindir/pg_ctl" -D "$standby_data" -l "$standby_dir/postgres.log" -w -t 120 \
      -o "-p $sport -k $standby_dir/socket -c listen_addresses=127.0.0.1 -c max_connections=200 -c hot_standby=on" \
      start >/dev/null \
      || { echo "pg.sh: the standby did not start; see $standby_dir/postgres.log" >&2; tail -n 20 "$standby_dir/postgres.log" >&2; exit 1; }
  fi
  echo "postgresql://postgres@127.0.0.1:$sport/$db"
}

stop() {
  if standby_running; then
    as_owner "$bindir/pg_ctl" -D "$standby_data" -m fast -w stop >/dev/null
  fi
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
  standby) standby ;;
  stop) stop ;;
  destroy) stop; rm -rf "$dir" ;;
  url) echo "$url" ;;
  status) if running; then echo "running: $url"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: $0 start|standby|stop|destroy|url|status|free-port N" >&2; exit 2 ;;
esac
