#!/usr/bin/env bash
# Builds the container image (deploy/container/build.sh) and proves that it
# works without `podman run`: mounts the image's file system read-only
# (`podman image mount`), makes a token and starts ahpl-server from it
# (chroot, as uid 10001, in a mount namespace of its own with /dev and /proc)
# against a throwaway PostgreSQL (deploy/local/pg.sh), calls it with the
# image's `ahpl` and with the host build's (build/sdk/ahpl, when built), and
# checks the image's labels, user, entrypoint, ports, libraries, contents
# (no compiler, no -dev packages) and size. Cleans up on exit, pass or fail,
# and ends with a PASS or FAIL line. Run as root; not part of tests/run.sh
# (the first build takes minutes).
#
#   deploy/container/check.sh            # build, then check localhost/ahpl:<version>
#   deploy/container/check.sh --no-build # check the image already built for this checkout
#
# AHPL_IMAGE_MAX_MB (default 200): the largest image size that passes.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
build=true
for arg in "$@"; do
  case $arg in
    --no-build) build=false ;;
    *) echo "usage: $0 [--no-build]" >&2; exit 2 ;;
  esac
done
max_mb=${AHPL_IMAGE_MAX_MB:-200}
uid=10001

passed=0
failed=()
ok() { echo "ok    $*"; passed=$((passed + 1)); }
bad() { echo "FAIL  $*"; failed+=("$*"); }
check() { # check DESCRIPTION COMMAND...: ok when COMMAND succeeds
  local what=$1
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
# expect DESCRIPTION ERE TEXT: ok when TEXT matches ERE, else shows TEXT's start
expect() {
  if grep -Eq -- "$2" <<<"$3"; then
    ok "$1"
  else
    bad "$1"
    head -n 5 <<<"$3" | sed 's/^/      | /'
  fi
}
step() { printf '\n== %s\n' "$*"; }

tmp=
mnt=
image=
server_pid=
pg_env=()
cleanup() {
  local rc=$?
  set +e
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  ((${#pg_env[@]})) && env "${pg_env[@]}" deploy/local/pg.sh destroy
  [[ -n $mnt ]] && podman image unmount "$image" >/dev/null
  [[ -n $tmp ]] && rm -rf "$tmp"
  echo
  if ((rc != 0)) && ((${#failed[@]} == 0)); then
    failed+=("check.sh stopped early (exit code $rc)")
  fi
  if ((${#failed[@]})); then
    echo "check.sh: FAIL: ${#failed[@]} failed, $passed passed:"
    printf '  %s\n' "${failed[@]}"
    exit 1
  fi
  echo "check.sh: PASS: $passed checks on $image"
  exit 0
}
trap cleanup EXIT

if [[ $(id -u) -ne 0 ]]; then
  echo "check.sh: run as root (chroot, mounts, podman's storage)" >&2
  exit 1
fi
# What only this check needs.
need=()
command -v curl >/dev/null 2>&1 || need+=(curl)
[[ -x /usr/lib/postgresql/15/bin/initdb ]] || need+=(postgresql-15)
if ((${#need[@]})); then
  step "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if $build; then
  step "building the image"
  image=$(deploy/container/build.sh | tail -n 1)
else
  command -v podman >/dev/null 2>&1 || { echo "check.sh: no podman; run without --no-build" >&2; exit 1; }
fi
# The version build.sh labels the image with (and its tag).
version=$(git describe --always --dirty --tags 2>/dev/null || echo unknown)
version=$(printf '%s' "$version" | tr -c 'A-Za-z0-9._+-' '_')
image=${image:-localhost/ahpl:$(printf '%s' "$version" | tr '+' '_')}
podman image exists "$image" || { echo "check.sh: no image $image; build it first" >&2; exit 1; }
tmp=$(mktemp -d -p "${TMPDIR:-/var/tmp}" ahpl-check.XXXXXX)

step "the image's configuration"
inspect() { podman image inspect --format "$1" "$image"; }
label_version=$(inspect '{{index .Labels "org.opencontainers.image.version"}}')
check "label org.opencontainers.image.version is $version (got $label_version)" \
  test "$label_version" = "$version"
for l in title source licenses revision; do
  v=$(inspect "{{index .Labels \"org.opencontainers.image.$l\"}}")
  echo "      org.opencontainers.image.$l=$v"
done
licenses=$(inspect '{{index .Labels "org.opencontainers.image.licenses"}}')
check "label licenses names the reference data's OGL-UK-3.0 ($licenses)" \
  grep -q 'OGL-UK-3.0' <<<"$licenses"
user=$(inspect '{{.Config.User}}')
check "runs as user $uid (got '$user')" test "$user" = "$uid"
entrypoint=$(inspect '{{json .Config.Entrypoint}}')
check "entrypoint is ahpl-server (got $entrypoint)" test "$entrypoint" = '["ahpl-server"]'
ports=$(inspect '{{range $p, $_ := .Config.ExposedPorts}}{{$p}} {{end}}')
check "exposes 50051, 8081 and 9090 (got $ports)" \
  test "$(tr ' ' '\n' <<<"$ports" | sort | xargs)" = "50051/tcp 8081/tcp 9090/tcp"
env_path=$(inspect '{{range .Config.Env}}{{println .}}{{end}}' | sed -n 's/^PATH=//p')
check "PATH holds /usr/local/bin (got $env_path)" grep -q '\(^\|:\)/usr/local/bin\(:\|$\)' <<<"$env_path"
size=$(inspect '{{.Size}}')
size_mb=$((size / 1000000))
check "size $size_mb MB is at most $max_mb MB" test "$size_mb" -le "$max_mb"

step "the image's file system"
mnt=$(podman image mount "$image")
echo "      mounted at $mnt"
check "ahpl-server and ahpl are in /usr/local/bin" \
  test -x "$mnt/usr/local/bin/ahpl-server" -a -x "$mnt/usr/local/bin/ahpl"
check "/usr/share/doc/ahpl/VERSION says $version" \
  grep -qx "version $version" "$mnt/usr/share/doc/ahpl/VERSION"
check "user ahpl is uid/gid $uid" grep -q "^ahpl:x:$uid:$uid:" "$mnt/etc/passwd"
check "the mounted file system is read-only (as in a pod with readOnlyRootFilesystem)" \
  bash -c "! touch '$mnt/.write-test' 2>/dev/null"
compilers=$(cd "$mnt" && ls -d usr/bin/{g++,gcc,c++,cc,cpp,clang,ld,as,make,cmake} 2>/dev/null || true)
check "no compiler or build tool (found: ${compilers:-none})" test -z "$compilers"
dev_packages=$(dpkg-query --admindir="$mnt/var/lib/dpkg" -W -f '${Package}\n' |
               grep -E -- '-dev$|^(g\+\+|gcc|cpp|clang)(-[0-9]+)?$' | xargs || true)
check "no -dev or compiler packages (found: ${dev_packages:-none})" test -z "$dev_packages"
echo "      $(dpkg-query --admindir="$mnt/var/lib/dpkg" -W -f '.\n' | wc -l) Debian packages"

# Runs a command from the image's file system as uid 10001 with a clean
# environment (VAR=value arguments first), in a mount namespace of its own
# holding /dev, /proc and a /run with the token (as a pod's secret volume):
# all of it goes when the command ends.
run_dir=$tmp/run
mkdir -p "$run_dir"
image_cmd=(unshare --mount --propagation private -- bash -c '
    set -e
    m=$1 run=$2
    shift 2
    mount --rbind /dev "$m/dev"
    mount -t proc proc "$m/proc"
    mount --bind "$run" "$m/run"
    exec chroot --userspec=10001:10001 "$m" /usr/bin/env -i \
      PATH=/usr/local/bin:/usr/bin:/bin "$@"' _ "$mnt" "$run_dir")
in_image() { "${image_cmd[@]}" "$@"; }

for b in ahpl-server ahpl; do
  missing_libs=$(in_image ldd "/usr/local/bin/$b" | grep 'not found' || true)
  check "every library $b links is in the image${missing_libs:+ (missing: $missing_libs)}" \
    test -z "$missing_libs"
done
# Built from a tree that has the build version, the binaries say it.
if [[ -f core/version.h ]]; then
  for b in ahpl-server ahpl; do
    said=$(in_image "$b" --version 2>&1 | head -n 3 || true)
    check "$b --version says $version (got: $(echo $said))" grep -qF -- "$version" <<<"$said"
  done
fi

step "ahpl-server from the image, against a throwaway PostgreSQL"
pg_env=(AHPL_PG_DIR="$tmp/pg" AHPL_PG_PORT="$(deploy/local/pg.sh free-port 55700)")
url=$(env "${pg_env[@]}" deploy/local/pg.sh start)
echo "      database: $url"

chown "$uid:$uid" "$run_dir"
chmod 700 "$run_dir"
if in_image ahpl-server --database_url="$url" --create_token=national \
     --token_description="container check" >"$run_dir/token" 2>"$tmp/create-token.log"; then
  ok "ahpl-server --create_token=national from the image"
else
  bad "ahpl-server --create_token=national from the image"
  tail -n 20 "$tmp/create-token.log"
  exit 1
fi
chown "$uid:$uid" "$run_dir/token"
chmod 400 "$run_dir/token"

port=$(deploy/local/pg.sh free-port 50151)
server_args=(--database_url="$url" --listen="127.0.0.1:$port")
# Metrics and the health port when this tree's server has them.
metrics_port=
health_port=
if grep -rqs 'ABSL_FLAG([^)]*metrics_listen' services/; then
  metrics_port=$(deploy/local/pg.sh free-port $((port + 1)))
  server_args+=(--metrics_listen="127.0.0.1:$metrics_port")
fi
if grep -rqs 'ABSL_FLAG([^)]*health_listen' services/; then
  health_port=$(deploy/local/pg.sh free-port $((${metrics_port:-$port} + 1)))
  server_args+=(--health_listen="127.0.0.1:$health_port")
fi
# Started directly (not through the function) so that $! is the server:
# unshare, bash, chroot and env each exec the next.
"${image_cmd[@]}" ahpl-server "${server_args[@]}" >"$tmp/server.log" 2>&1 &
server_pid=$!
echo "      ahpl-server ${server_args[*]} (pid $server_pid)"

cli() { in_image AHPL_TOKEN_FILE=/run/token ahpl --server "127.0.0.1:$port" "$@"; }
up=false
for _ in $(seq 120); do
  kill -0 "$server_pid" 2>/dev/null || break
  if cli whoami >/dev/null 2>&1; then up=true; break; fi
  sleep 0.5
done
if $up; then
  ok "ahpl-server from the image answers on 127.0.0.1:$port"
else
  bad "ahpl-server from the image answers on 127.0.0.1:$port"
  tail -n 30 "$tmp/server.log"
  exit 1
fi
server_uid=$(awk '/^Uid:/ {print $2}' "/proc/$server_pid/status")
check "the server process runs as uid $uid (got $server_uid)" test "$server_uid" = "$uid"

whoami=$(cli --format csv whoami 2>&1 || true)
expect "the image's ahpl: whoami is the national token" '(^|,)national(,|$)' "$whoami"
editions=$(cli --format json catalogue editions 2>&1 || true)
expect "the image's ahpl: catalogue editions lists 2018-06" '2018-06' "$editions"
questions=$(cli --format json catalogue show 2>&1 || true)
count=$(grep -o '"polarity"' <<<"$questions" | wc -l || true)
check "the image's ahpl: catalogue show has the twelve board questions (got $count)" test "$count" -eq 12

host_cli=$root/build/sdk/ahpl
if [[ -x $host_cli ]]; then
  regions=$(AHPL_TOKEN_FILE=$run_dir/token "$host_cli" --server "127.0.0.1:$port" --format csv \
            catalogue regions 2>&1 || true)
  expect "the host's ahpl: catalogue regions lists London (Y56)" 'Y56' "$regions"
  classified=$(AHPL_TOKEN_FILE=$run_dir/token "$host_cli" --server "127.0.0.1:$port" \
               --format json classify deploy/demo/arrangement.json 2>&1 || true)
  expect "the host's ahpl: classify places the demo arrangement in Table 1" 'typology' "$classified"
else
  echo "      (no host build at build/sdk/ahpl: only the image's ahpl called the server)"
fi

if [[ -n $metrics_port ]]; then
  scraped=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics" 2>&1 || true)
  expect "metrics are served on 127.0.0.1:$metrics_port/metrics" '^# TYPE ' "$scraped"
fi
# grpc.health.v1 over plaintext HTTP/2, with the compose files' probe when
# this tree has it: the health port when there is one, else the main port.
probe=deploy/compose/grpc-health-probe.sh
health_target=127.0.0.1:${health_port:-$port}
if [[ -x $probe ]]; then
  check "grpc.health.v1 on $health_target answers SERVING" "$probe" "$health_target"
elif [[ -n $health_port ]]; then
  check "the health port $health_target accepts connections" \
    bash -c "exec 3<>/dev/tcp/127.0.0.1/$health_port"
fi

kill -TERM "$server_pid"
stopped=false
for _ in $(seq 100); do
  if ! kill -0 "$server_pid" 2>/dev/null; then stopped=true; break; fi
  sleep 0.2
done
server_rc=0
wait "$server_pid" 2>/dev/null || server_rc=$?
server_pid=
check "ahpl-server stops on SIGTERM with exit code 0 (got $server_rc)" \
  test "$stopped" = true -a "$server_rc" -eq 0
