#!/usr/bin/env bash
# Makes the secret files compose.yaml mounts, in deploy/compose/secrets/ (or
# $AHPL_SECRETS_DIR): a CA of the deployment's own, a certificate and key per
# service, for PostgreSQL and for the edge (each naming its compose host
# name, and localhost and 127.0.0.1 where clients on the host dial it), and the
# database password (for PostgreSQL, and as a libpq password file for ahpl).
# Keeps what is already there; delete a file to make it again. The classifier
# token is made by ahpl-server against the database: the steps are printed at
# the end. Nothing here is committed (secrets/ is ignored by git).
#
# Run as root so that each file belongs to the user that reads it: ahpl's
# (uid 10001), PostgreSQL's image's (uid 999) and nginx's (uid 101). libpq and PostgreSQL read
# keys and password files only when no one else can.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${AHPL_SECRETS_DIR:-$here/secrets}
ahpl_uid=10001
postgres_uid=999
nginx_uid=101

quietly() { local out; out=$("$@" 2>&1) || { echo "$out" >&2; echo "make-secrets: $1 failed" >&2; return 1; }; }

mkdir -p "$dir"
chmod 755 "$dir"
umask 077

if [[ ! -s $dir/ca.pem || ! -s $dir/ca.key ]]; then
  quietly openssl req -x509 -newkey rsa:3072 -nodes -days 3650 -subj "/CN=ahpl compose CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem"
  rm -f "$dir"/*.pem.names
  echo "made a CA: $dir/ca.pem (its key, ca.key, is mounted nowhere)"
fi
chmod 644 "$dir/ca.pem"

# certificate NAME SAN: a key and a certificate signed by the CA, for serving
# and for presenting as a client (assessment presents its own to
# classification).
certificate() {
  local name=$1 names=$2
  if [[ -s $dir/$name.pem && -s $dir/$name.key && "$(cat "$dir/$name.pem.names" 2>/dev/null)" == "$names" ]] &&
     openssl x509 -in "$dir/$name.pem" -noout -checkend 604800 >/dev/null; then
    return
  fi
  quietly openssl req -newkey rsa:3072 -nodes -subj "/CN=$name" -keyout "$dir/$name.key" \
    -out "$dir/$name.csr"
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n' \
    "$names" >"$dir/$name.ext"
  quietly openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -days 365 -extfile "$dir/$name.ext" -out "$dir/$name.pem"
  rm -f "$dir/$name.csr" "$dir/$name.ext"
  echo "$names" >"$dir/$name.pem.names"
  chmod 644 "$dir/$name.pem"
  echo "made $name's certificate: $dir/$name.pem"
}

local_names="DNS:localhost,IP:127.0.0.1"
certificate catalogue "DNS:catalogue"
certificate assessment "DNS:assessment"
certificate classification "DNS:classification"
certificate postgres "DNS:postgres"
certificate edge "DNS:edge,$local_names"

if [[ ! -s $dir/db_password ]]; then
  openssl rand -hex 24 >"$dir/db_password"
  rm -f "$dir/pgpass"
  echo "made the database password: $dir/db_password"
fi
if [[ ! -s $dir/pgpass ]]; then
  printf 'postgres:5432:ahpl:ahpl:%s\n' "$(cat "$dir/db_password")" >"$dir/pgpass"
fi

# Owners: a secret belongs to the one user that reads it, mode 0600 (nginx's
# image runs as uid 101).
own() {
  local uid=$1
  shift
  for f in "$@"; do
    [[ -e $dir/$f ]] || continue
    chmod 600 "$dir/$f"
    if [[ $(id -u) -eq 0 ]]; then
      chown "$uid:$uid" "$dir/$f"
    fi
  done
}
own "$ahpl_uid" catalogue.key assessment.key classification.key pgpass classifier.token
own "$postgres_uid" postgres.key db_password
own "$nginx_uid" edge.key
if [[ $(id -u) -ne 0 ]]; then
  echo "make-secrets: not root, so the keys and password files still belong to $(id -un):" >&2
  echo "  give *.key (but postgres.key), pgpass and classifier.token to uid $ahpl_uid, and" >&2
  echo "  postgres.key and db_password to uid $postgres_uid, edge.key to uid $nginx_uid" >&2
  echo "  (rootless podman: podman unshare chown)" >&2
fi

compose="docker-compose -f $here/compose.yaml"
if [[ ! -s $dir/classifier.token ]]; then
  cat <<EOF
Next, the classifier token (assessment calls classification with it), made
by ahpl-server against the database, once:
  $compose up -d postgres
  $compose run --rm -T migrate --create_token=classifier \\
      --token_description="assessment calls classification" > $dir/classifier.token
  $0          # again: gives the token file to uid $ahpl_uid, mode 0600
Then start everything, and make the first admin token the same way:
  $compose up -d
  $compose run --rm -T migrate --create_token=admin > admin.token
EOF
else
  echo "secrets are ready in $dir: $compose up -d"
fi
