#!/usr/bin/env bash
# Formats the project's C++ with clang-format (.clang-format at the root).
#   deploy/tools/format.sh            format the files changed since the last release tag
#   deploy/tools/format.sh --check    only say which of them are not formatted (exit 1)
#   deploy/tools/format.sh --all      every C++ file of the project (with or without --check)
# Without a release tag, every file counts as changed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

check=false
all=false
for arg in "$@"; do
  case $arg in
    --check) check=true ;;
    --all) all=true ;;
    *) echo "format.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

pattern='\.(cc|h)$'
base=$(git describe --tags --abbrev=0 --match 'v*' 2>/dev/null || true)
if $all || [[ -z $base ]]; then
  mapfile -t files < <(git ls-files | grep -E "$pattern" || true)
else
  # Committed since the tag, and changed or new in the working tree.
  mapfile -t files < <({ git diff --name-only --diff-filter=d "$base" -- ;
                         git ls-files --others --exclude-standard; } |
                       grep -E "$pattern" | sort -u || true)
fi
((${#files[@]})) || { echo "format: no C++ files changed since ${base:-the start}"; exit 0; }

if $check; then
  bad=()
  for f in "${files[@]}"; do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if ((${#bad[@]})); then
    echo "format: not formatted (run deploy/tools/format.sh): ${bad[*]}" >&2
    exit 1
  fi
  echo "format: ${#files[@]} changed C++ files are formatted"
else
  clang-format -i "${files[@]}"
  echo "format: formatted ${#files[@]} files"
fi
