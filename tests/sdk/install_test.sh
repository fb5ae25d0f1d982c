#!/usr/bin/env bash
# Installs the SDK from the build tree into a temporary prefix, checks that
# only its own headers went in, builds the
# example consumer against the installed package (not the build tree), and
# runs it against an address where nothing listens: it must fail cleanly.
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
# Only the SDK's public headers and the API's generated headers are
# installed: nothing of the server, of core/ or of google.rpc.
unexpected=$(cd "$work/prefix/include" && find . -type f | grep -v -E '^\./ahpl/(sdk|v1)/' || true)
[[ -z $unexpected ]] || { echo "headers installed beyond the SDK's own: $unexpected" >&2; exit 1; }
[[ -f $work/prefix/include/ahpl/sdk/catalogue_client.h ]] || { echo "SDK headers missing" >&2; exit 1; }
[[ -f $work/prefix/include/ahpl/v1/catalogue.grpc.pb.h ]] || { echo "API headers missing" >&2; exit 1; }
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
