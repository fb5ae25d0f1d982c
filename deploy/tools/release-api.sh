#!/usr/bin/env bash
# Records the protos' API as released: writes proto/released/VERSION.json, a
# buf image (JSON, without source info) that tests/run.sh checks later
# changes against with `buf breaking`. Run when tagging a release:
#   deploy/tools/release-api.sh v0.2.0
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
version=${1:?usage: release-api.sh vMAJOR.MINOR.PATCH}
[[ $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "release-api.sh: $version is not vMAJOR.MINOR.PATCH" >&2; exit 2; }
mkdir -p proto/released
deploy/tools/node_modules/.bin/buf build proto --exclude-source-info -o "proto/released/$version.json"
echo "recorded the API of $version in proto/released/$version.json"
