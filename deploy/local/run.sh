#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, starts a
# PostgreSQL of the checkout's own and ahpl-server with TLS (a local CA and
# a server certificate made on first run in .ahpl/tls, then reused), then
# shows the catalogue being served. Run as root on a fresh Debian 12 machine;
# safe to run again (it restarts the server on the new build). Stop with
# deploy/local/stop.sh.
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

# TLS end to end: a CA of this checkout's own (made once, kept in .ahpl/tls)
# signs the server's certificate, which names the addresses clients dial; the
# certificate is made again when those names change or it nears expiry.
tls=$state/tls
host=${listen%:*}
host=${host#[}
host=${host%]}
names="DNS:localhost,IP:127.0.0.1,IP:::1"
if [[ ! $host =~ ^(localhost|127\.0\.0\.1|::1|0\.0\.0\.0|::|)$ ]]; then
  if [[ $host =~ ^[0-9.]+$ || $host == *:* ]]; then names+=",IP:$host"; else names+=",DNS:$host"; fi
fi
step "TLS: a local CA and a server certificate for $names in .ahpl/tls"
# openssl's output only when it fails.
quietly() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; echo "run.sh: $1 failed" >&2; return 1; }; }
mkdir -p "$tls"
chmod 700 "$tls"
umask_was=$(umask)
umask 077
if [[ ! -s $tls/ca.pem || ! -s $tls/ca.key ]]; then
  quietly openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=ahpl demo CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.pem"
  rm -f "$tls/server.pem"
  echo "made a CA: .ahpl/tls/ca.pem"
fi
if [[ ! -s $tls/server.pem || ! -s $tls/server.key || "$(cat "$tls/server.names" 2>/dev/null)" != "$names" ]] ||
   ! openssl x509 -in "$tls/server.pem" -noout -checkend 86400 >/dev/null; then
  quietly openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/server.key" \
    -out "$tls/server.csr"
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$names" >"$tls/server.ext"
  quietly openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 365 -extfile "$tls/server.ext" -out "$tls/server.pem"
  rm -f "$tls/server.csr" "$tls/server.ext"
  echo "$names" >"$tls/server.names"
  echo "made the server's certificate: .ahpl/tls/server.pem"
else
  echo "reusing .ahpl/tls/ca.pem and .ahpl/tls/server.pem"
fi
umask "$umask_was"

step "starting ahpl-server on $listen with TLS"
deploy/local/stop.sh --server-only
AHPL_DATABASE_URL=$url AHPL_LISTEN=$listen \
  nohup build/services/ahpl-server --tls_cert="$tls/server.pem" --tls_key="$tls/server.key" \
  >"$state/server.log" 2>&1 &
echo $! >"$state/server.pid"
# Every command below trusts the demo CA.
export AHPL_SERVER=$listen AHPL_CA=$tls/ca.pem
ahpl=build/sdk/ahpl
for _ in $(seq 1 100); do
  # UNAUTHENTICATED (exit 6) means the server answers.
  code=0
  "$ahpl" --timeout 1 catalogue editions >/dev/null 2>&1 || code=$?
  if [[ $code -eq 0 || $code -eq 6 ]]; then break; fi
  if ! kill -0 "$(cat "$state/server.pid")" 2>/dev/null; then
    echo "ahpl-server exited; its log:" >&2
    cat "$state/server.log" >&2
    exit 1
  fi
  sleep 0.2
done

# Tokens live in .ahpl/tokens (mode 600) and are reused while they work.
tokens=$state/tokens
mkdir -p "$tokens"
chmod 700 "$tokens"
works() { [[ -s "$1" ]] && "$ahpl" --token-file "$1" --timeout 2 whoami >/dev/null 2>&1; }
step "the first admin token, made on the server host: ahpl-server --create_token=admin"
if ! works "$tokens/admin"; then
  (umask 077; AHPL_DATABASE_URL=$url build/services/ahpl-server --create_token=admin \
     --token_description="demo admin (deploy/local/run.sh)" >"$tokens/admin")
fi
echo "admin token in .ahpl/tokens/admin"
step "demo tokens for one trust, one region and the nation: ahpl admin token create"
demo_token() {  # name role scope description
  if ! works "$tokens/$1"; then
    (umask 077; "$ahpl" --token-file "$tokens/admin" admin token create --role "$2" \
       ${3:+--scope "$3"} --description "$4" --secret-only >"$tokens/$1")
  fi
}
demo_token trust-RAT trust RAT "demo: North East London NHS FT's AHP lead"
demo_token region-Y56 region Y56 "demo: London regional team"
demo_token national national "" "demo: national AHP team"
"$ahpl" --token-file "$tokens/admin" admin token list
as_trust=(--token-file "$tokens/trust-RAT")
as_region=(--token-file "$tokens/region-Y56")
as_nation=(--token-file "$tokens/national")
"$ahpl" "${as_nation[@]}" catalogue editions

step "the catalogue being served: ahpl catalogue show"
"$ahpl" "${as_nation[@]}" catalogue show

step "Table 1: ahpl catalogue typology"
"$ahpl" "${as_nation[@]}" catalogue typology

demo=deploy/demo
utc() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
# Opens collection $1 (window from $2, title $3) for a day if it does not
# exist yet; on a second run of the demo it exists (and may be closed).
open_collection() {
  if ! "$ahpl" "${as_nation[@]}" collection show "$1" >/dev/null 2>&1; then
    "$ahpl" "${as_nation[@]}" collection create "$1" --edition 2018-06 --opens "$2" \
      --closes "$(utc '+1 day')" --title "$3"
  fi
}
step "the national team opens the collections returns go into: ahpl collection create"
open_collection 2018-19 2018-09-01 "AHP leadership self-assessment 2018-19 (the survey)"
open_collection 2019-20 2019-09-01 "AHP leadership self-assessment 2019-20"
"$ahpl" "${as_nation[@]}" collection list

step "a trust checks its return without sending it: ahpl return validate"
"$ahpl" "${as_trust[@]}" return validate "$demo/my-return.json"

step "and submits it with its own token: ahpl return submit (classified on submission)"
"$ahpl" "${as_trust[@]}" return submit "$demo/my-return.json" --request-id demo-my-return

step "a national team imports a season's returns: ahpl import"
"$ahpl" "${as_nation[@]}" import "$demo/returns"

step "and aggregates them by region: ahpl aggregate --cycle 2018-19"
"$ahpl" "${as_nation[@]}" aggregate --cycle 2018-19 --csv .ahpl/summary-2018-19.csv

step "next season arrives as a spreadsheet: ahpl import (CSV), and the change by region"
"$ahpl" "${as_nation[@]}" import "$demo/returns-2019-20.csv"
"$ahpl" "${as_nation[@]}" aggregate --cycle 2019-20 --compare-with 2018-19

step "those seasons are over: ahpl collection close"
for cycle in 2018-19 2019-20; do
  if "$ahpl" "${as_nation[@]}" --format json collection show "$cycle" | grep -q '"state": *"COLLECTION_STATE_OPEN"'; then
    "$ahpl" "${as_nation[@]}" collection close "$cycle" --reason "season over: returns imported"
  fi
done
"$ahpl" "${as_nation[@]}" collection list

step "the London team sees London only: ahpl aggregate, ahpl return list (region token)"
"$ahpl" "${as_region[@]}" aggregate --cycle 2018-19
"$ahpl" "${as_region[@]}" return list --cycle 2018-19 | head -5
echo "a trust token may not aggregate (refused, exit code 6):"
"$ahpl" "${as_trust[@]}" aggregate --cycle 2018-19 || echo "exit code $?"

step "and the national team writes the regional report: ahpl report regions"
"$ahpl" "${as_nation[@]}" report regions --cycle 2018-19 --output .ahpl/report-2018-19.html
name=$("$ahpl" "${as_trust[@]}" --format json return list --status submitted | \
  sed -n '1s/^{"name": *"\(returns\/[^"]*\)".*/\1/p')
if [[ -n "$name" ]]; then
  "$ahpl" "${as_trust[@]}" report trust "$name" --output .ahpl/report-RAT-2018-19.html
fi

season=2020-21
step "a season run end to end: the national team opens collection $season"
if "$ahpl" "${as_nation[@]}" collection show "$season" >/dev/null 2>&1; then
  # A second run of the demo finds the season closed: only an admin reopens.
  "$ahpl" --token-file "$tokens/admin" collection reopen "$season" --closes "$(utc '+1 day')" \
    --reason "the demo runs the season again"
else
  "$ahpl" "${as_nation[@]}" collection create "$season" --edition 2018-06 \
    --opens "$(utc '-1 minute')" --closes "$(utc '+1 day')" \
    --title "AHP leadership self-assessment $season"
fi

step "trusts return: most via the national collection (ahpl import), three London trusts not yet"
# A return for three trusts in four of the register, from the demo's
# returns; three London trusts (RAT, RAL, RKE) are left to return themselves
# or not at all.
returns_in=$state/season-$season
rm -rf "$returns_in"
mkdir -p "$returns_in"
templates=("$demo"/returns/*.json)
n=0
while IFS=, read -r code _; do
  n=$((n + 1))
  case "$code" in ods_code|RAT|RAL|RKE) continue ;; esac
  if (( n % 4 == 0 )); then continue; fi
  template=${templates[$((n % ${#templates[@]}))]}
  sed -e "s/\"trust_ods_code\": *\"[A-Z0-9]*\"/\"trust_ods_code\": \"$code\"/" \
      -e "s/\"cycle\": *\"2018-19\"/\"cycle\": \"$season\"/" "$template" >"$returns_in/$code.json"
done <services/catalogue/data/nhs_trusts_england.csv
"$ahpl" "${as_nation[@]}" import "$returns_in" | tail -2

step "North East London NHS FT submits with its own token, then a corrected return"
sed -e "s/\"cycle\": *\"2018-19\"/\"cycle\": \"$season\"/" "$demo/my-return.json" \
  >"$state/my-return-$season.json"
"$ahpl" "${as_trust[@]}" return submit "$state/my-return-$season.json" --request-id "demo-$season-first"
sed -e 's/"rating": 2/"rating": 3/' "$state/my-return-$season.json" >"$state/my-return-$season-v2.json"
"$ahpl" "${as_trust[@]}" return submit "$state/my-return-$season-v2.json" \
  --request-id "demo-$season-corrected"
latest=$("$ahpl" "${as_trust[@]}" --format json return list --cycle "$season" --counting-only | \
  sed -n '1s/^{"name": *"\(returns\/[^"]*\)".*/\1/p')

step "its board signs the return off: ahpl return attest"
"$ahpl" "${as_trust[@]}" return attest "$latest" --by "Dr A Patel" --role "Chair" \
  --meeting-date "$(date -u +%Y-%m-%d)" --minute "TB $season/17" \
  --statement "The board approved this self-assessment." --request-id "demo-$season-attest-$(date -u +%s)"
echo "the trust's returns this season (one counts):"
"$ahpl" "${as_trust[@]}" return list --cycle "$season"

step "who in London has not returned: ahpl chase (region token)"
"$ahpl" "${as_region[@]}" chase --cycle "$season" --region Y56

step "the deadline: ahpl collection close"
"$ahpl" "${as_nation[@]}" collection close "$season" --reason "deadline reached"

step "Royal Free London submits late: refused, then accepted under an override"
demo_token trust-RAL trust RAL "demo: Royal Free London NHS FT's AHP lead"
sed -e 's/"trust_ods_code": *"RAT"/"trust_ods_code": "RAL"/' "$state/my-return-$season.json" \
  >"$state/RAL-$season.json"
late_id="demo-$season-late-$(date -u +%s)"
"$ahpl" --token-file "$tokens/trust-RAL" return submit "$state/RAL-$season.json" \
  --request-id "$late_id" || echo "refused: exit code $?"
"$ahpl" "${as_nation[@]}" collection allow-late "$season" --trust RAL \
  --until "$(utc '+5 minutes')" --reason "board met two days after the deadline"
"$ahpl" --token-file "$tokens/trust-RAL" return submit "$state/RAL-$season.json" \
  --request-id "$late_id"
"$ahpl" "${as_nation[@]}" collection allow-late "$season" --trust RAL --until now \
  --reason "RAL has returned" >/dev/null
echo "RAL's late window is ended: nothing more can change the season's figures"

step "the final figures count one return per trust: ahpl aggregate --basis trust"
"$ahpl" "${as_nation[@]}" aggregate --cycle "$season" --basis trust
echo "per return, as the 2018 survey counted its responses:"
"$ahpl" "${as_nation[@]}" aggregate --cycle "$season" --basis return | head -4
"$ahpl" "${as_nation[@]}" report regions --cycle "$season" --output "$state/report-$season.html"
"$ahpl" "${as_trust[@]}" report trust "$latest" --output "$state/report-RAT-$season.html"

step "a trust token sees its own returns only: ahpl return list (trust token)"
"$ahpl" "${as_trust[@]}" return list

step "another service classifies an arrangement: ahpl classify"
"$ahpl" "${as_nation[@]}" classify "$demo/arrangement.json"

step "every write is in the audit log: ahpl admin audit (admin token)"
"$ahpl" --token-file "$tokens/admin" admin audit --action return.submitted --limit 8
"$ahpl" --token-file "$tokens/admin" admin audit --resource "collections/$season" --limit 8

cat <<MSG

ahpl-server is running on $listen with TLS (log: .ahpl/server.log), over $url;
its certificate is signed by the demo CA in .ahpl/tls/ca.pem.
The full summary is in .ahpl/summary-2018-19.csv; open .ahpl/report-2018-19.html,
.ahpl/report-$season.html (with who has not returned) and
.ahpl/report-RAT-$season.html (with the board's sign-off) in a browser (no
network needed). Demo tokens are in .ahpl/tokens (admin, national, region-Y56,
trust-RAT, trust-RAL). Try:
       export AHPL_SERVER=$listen AHPL_CA=.ahpl/tls/ca.pem AHPL_TOKEN_FILE=.ahpl/tokens/national
       build/sdk/ahpl whoami
       build/sdk/ahpl return list --region Y56
       build/sdk/ahpl collection list
       build/sdk/ahpl chase --cycle $season
       build/sdk/ahpl return template --trust RAL > my.json
       build/sdk/ahpl --format csv export --cycle 2018-19
Stop:  deploy/local/stop.sh
MSG
