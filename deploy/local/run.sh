#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, starts a
# PostgreSQL of the checkout's own and ahpl-server, then shows the catalogue
# being served. Run as root on a fresh Debian 12 machine; safe to run again
# (it restarts the server on the new build). Stop with deploy/local/stop.sh.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
state=$root/.ahpl
mkdir -p "$state"
listen=${AHPL_LISTEN:-127.0.0.1:50051}

step() { printf '\n== %s\n' "$*"; }

step "installing what is missing"
deploy/local/install-deps.sh

step "building"
deploy/local/build.sh

step "starting PostgreSQL"
url=$(deploy/local/pg.sh start)
echo "database: $url"

step "starting ahpl-server on $listen"
deploy/local/stop.sh --server-only
AHPL_DATABASE_URL=$url AHPL_LISTEN=$listen \
  nohup build/services/ahpl-server >"$state/server.log" 2>&1 &
echo $! >"$state/server.pid"
export AHPL_SERVER=$listen
ahpl=build/sdk/ahpl
for _ in $(seq 1 100); do
  if "$ahpl" --timeout 1 catalogue editions >/dev/null 2>&1; then break; fi
  if ! kill -0 "$(cat "$state/server.pid")" 2>/dev/null; then
    echo "ahpl-server exited; its log:" >&2
    cat "$state/server.log" >&2
    exit 1
  fi
  sleep 0.2
done
"$ahpl" catalogue editions

step "the catalogue being served: ahpl catalogue show"
"$ahpl" catalogue show

step "Table 1: ahpl catalogue typology"
"$ahpl" catalogue typology

demo=deploy/demo
step "a trust checks its return without sending it: ahpl return validate"
"$ahpl" return validate "$demo/my-return.json"

step "and submits it: ahpl return submit (classified on submission)"
"$ahpl" return submit "$demo/my-return.json" --request-id demo-my-return

step "a national team imports a season's returns: ahpl import"
"$ahpl" import "$demo/returns"

step "and aggregates them by region: ahpl aggregate --cycle 2018-19"
"$ahpl" aggregate --cycle 2018-19 --csv .ahpl/summary-2018-19.csv

step "next season arrives as a spreadsheet: ahpl import (CSV), and the change by region"
"$ahpl" import "$demo/returns-2019-20.csv"
"$ahpl" aggregate --cycle 2019-20 --compare-with 2018-19

step "and writes the regional report: ahpl report regions"
"$ahpl" report regions --cycle 2018-19 --output .ahpl/report-2018-19.html
name=$("$ahpl" --format json return list --trust RAT --status submitted | \
  sed -n '1s/^{"name": *"\(returns\/[^"]*\)".*/\1/p')
if [[ -n "$name" ]]; then
  "$ahpl" report trust "$name" --output .ahpl/report-RAT-2018-19.html
fi

step "another service classifies an arrangement: ahpl classify"
"$ahpl" classify "$demo/arrangement.json"

cat <<MSG

ahpl-server is running on $listen (log: .ahpl/server.log), over $url.
The full summary is in .ahpl/summary-2018-19.csv; open .ahpl/report-2018-19.html
and .ahpl/report-RAT-2018-19.html in a browser (no network needed). Try:
       export AHPL_SERVER=$listen
       build/sdk/ahpl return list --region Y56
       build/sdk/ahpl return template --trust RAL > my.json
       build/sdk/ahpl --format csv export --cycle 2018-19
Stop:  deploy/local/stop.sh
MSG
