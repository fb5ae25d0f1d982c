#!/usr/bin/env bash
# Installs the SDK from the build tree into a temporary prefix, builds the
# example consumer against the installed package (not the build tree), and
# runs it against an address where nothing listens: it must fail cleanly.
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$source/sdk/examples/list_questions" -B "$work/example" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/example" >/dev/null
grep -q "ahpl_DIR:PATH=$work/prefix" "$work/example/CMakeCache.txt" || {
  echo "the example did not find the installed package" >&2
  exit 1
}
set +e
out=$("$work/example/list_questions" 127.0.0.1:1 2>&1)
code=$?
set -e
[[ $code -eq 1 ]] || { echo "expected exit 1, got $code: $out" >&2; exit 1; }
[[ $out == *UNAVAILABLE* ]] || { echo "expected UNAVAILABLE: $out" >&2; exit 1; }
echo "example built against the installed package and ran"
