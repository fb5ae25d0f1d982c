#!/usr/bin/env bash
# Installs what ahpl needs on Debian 12 and is not there yet: the C++
# toolchain and libraries (Debian packages), PostgreSQL 15, and buf (npm).
# Safe to run again; it only installs what is missing. Run as root.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config git
  # gRPC 1.51, Protobuf 3.21, Abseil 20220623
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev libssl-dev
  # google.rpc error-detail protos, and the health/reflection protos
  golang-github-gogo-googleapis-dev grpc-proto
  # PostgreSQL 15 and libpqxx 6.4
  postgresql-15 postgresql-client-15 libpqxx-dev
  # tests and benchmarks (libxml2 checks the HTML reports, openssl makes
  # the TLS tests' certificates)
  libgtest-dev libgmock-dev libbenchmark-dev libxml2-dev openssl
  # the ahpl command line's argument parser, and the time zone data it shows
  # collection windows in (Europe/London; without it, UTC, said so)
  libcli11-dev tzdata
  # ahpl-server's Prometheus metrics (prometheus-cpp, the maintained C++
  # client, with its HTTP exposer), and promtool, which the tests check the
  # scraped text with
  prometheus-cpp-dev prometheus
  # the style check of tests/run.sh (deploy/tools/format.sh)
  clang-format
  # the lock check of tests/run.sh (deploy/tools/thread-safety.sh): clang's
  # -Wthread-safety analysis of the ABSL_GUARDED_BY annotations, which gcc
  # ignores; clang-14 also builds the fuzz targets of tests/fuzz/run.sh,
  # whose libFuzzer and sanitizer runtimes are in libclang-rt-14-dev (only
  # recommended by clang-14, and recommends are not installed here)
  clang-14 libclang-rt-14-dev
  # the deployment checks (tests/deploy): docker-compose validates
  # deploy/compose/compose.yaml, and Debian's python3 reads what it and
  # kubectl print with python3-yaml
  docker-compose python3-yaml
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
# kubectl renders deploy/k8s for its check (tests/deploy); Debian's
# kubernetes-client provides it where there is none yet.
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing packages: ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian postgresql package may start the machine's default cluster; ahpl
# never uses it (deploy/local/pg.sh runs a cluster of its own).

tools=$root/deploy/tools
if [[ ! -x "$tools/node_modules/.bin/buf" ]]; then
  echo "install-deps: installing buf from npm"
  (cd "$tools" && npm ci --no-audit --no-fund --silent)
fi
