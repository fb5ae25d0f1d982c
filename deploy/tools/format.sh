#!/usr/bin/env bash
# Formats the project's C++ with clang-format (.clang-format at the root).
#   deploy/tools/format.sh            format every C++ file the repository tracks (and new ones)
#   deploy/tools/format.sh --check    only say which are not formatted (exit 1 if any)
# The whole tree, always: the answer must not depend on which tags a clone has.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

check=false
for arg in "$@"; do
  case $arg in
    --check) check=true ;;
    --all) ;;  # the default; kept so older instructions still work
    *) echo "format.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

mapfile -t files < <({ git ls-files; git ls-files --others --exclude-standard; } |
                     grep -E '\.(cc|h)$' | sort -u || true)
((${#files[@]})) || { echo "format: no C++ files"; exit 0; }

if $check; then
  bad=()
  for f in "${files[@]}"; do
    [[ -f $f ]] || continue
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if ((${#bad[@]})); then
    echo "format: not formatted (run deploy/tools/format.sh): ${bad[*]}" >&2
    exit 1
  fi
  echo "format: ${#files[@]} C++ files are formatted"
else
  clang-format -i "${files[@]}"
  echo "format: formatted ${#files[@]} files"
fi
