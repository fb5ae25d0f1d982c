#!/usr/bin/env bash
# Checks the locking annotations (Abseil's ABSL_GUARDED_BY,
# ABSL_EXCLUSIVE_LOCKS_REQUIRED, ABSL_LOCKS_EXCLUDED on absl::Mutex) with
# clang's thread-safety analysis: clang++-14 -fsyntax-only -Wthread-safety
# -Werror over the .cc files of services/, sdk/src/, core/ and
# tests/support/, with the include paths and defines the build recorded in
# build/compile_commands.json (run deploy/local/build.sh first: the generated
# proto headers must exist). Files run in parallel; exits 1 on any warning.
#   deploy/tools/thread-safety.sh         only the files whose translation unit
#                                         includes a project file that uses a
#                                         mutex (from Ninja's dependency log)
#   deploy/tools/thread-safety.sh --all   every one of those .cc files
# The project's -W options are left out: the build's warnings are gcc's
# business, this check is about locks (plus clang's default warnings).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${AHPL_BUILD_DIR:-$root/build}
db=$build/compile_commands.json
clang=${AHPL_CLANGXX:-clang++-14}

all=false
for arg in "$@"; do
  case $arg in
    --all) all=true ;;
    *) echo "thread-safety.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

if [[ ! -f $db ]]; then
  echo "thread-safety: no $db; run deploy/local/build.sh first" >&2
  exit 1
fi
if ! command -v "$clang" >/dev/null 2>&1; then
  echo "thread-safety: $clang not found; run deploy/local/install-deps.sh (package clang-14)" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Objects (as the build names them) whose sources or project headers use a
# mutex; without a usable dependency log, every file is checked.
if ! $all && ninja -C "$build" -t deps >"$tmp/deps" 2>/dev/null && [[ -s $tmp/deps ]]; then
  ROOT=$root BUILD=$build perl -ne '
    BEGIN { $root = $ENV{ROOT}; $build = $ENV{BUILD}; }
    sub uses_mutex {
      my ($path) = @_;
      return $cache{$path} if exists $cache{$path};
      my $hit = 0;
      if (open(my $fh, "<", $path)) {
        local $/;
        my $text = <$fh>;
        $hit = $text =~ m{absl/synchronization/mutex\.h|#include <(shared_)?mutex>} ? 1 : 0;
      }
      return $cache{$path} = $hit;
    }
    if (/^(\S.*): #deps/) { $obj = $1; next; }
    if (/^\s+(\S+)$/ && defined $obj) {
      my $dep = $1;
      $dep = "$build/$dep" unless $dep =~ m{^/};
      1 while $dep =~ s{/[^/]+/\.\./}{/};
      next if index($dep, "$build/") == 0 || index($dep, "$root/") != 0;
      if (!$marked{$obj} && uses_mutex($dep)) { $marked{$obj} = 1; print "$obj\n"; }
    }
  ' "$tmp/deps" >"$tmp/objects"
else
  : >"$tmp/objects"
  all=true
fi

# One shell command per checked file, NUL-separated, from CMake's
# compile_commands.json (one "key": "value" per line; perl is part of every
# Debian system, jq and python are not).
ROOT=$root CLANG=$clang ALL=$all OBJECTS=$tmp/objects perl -ne '
  BEGIN {
    $root = $ENV{ROOT}; $clang = $ENV{CLANG}; $all = $ENV{ALL} eq "true";
    open(my $fh, "<", $ENV{OBJECTS}) or die; chomp(my @o = <$fh>); %wanted = map { $_ => 1 } @o;
  }
  if (/^\s*"(directory|command|file)": "(.*)",?\s*$/) {
    my ($key, $value) = ($1, $2);
    $value =~ s/\\(.)/$1/g;  # JSON escapes: CMake writes only \" and \\
    $entry{$key} = $value;
  }
  if (/^\s*\}/) {
    my ($dir, $cmd, $file) = @entry{qw(directory command file)};
    %entry = ();
    next unless defined $cmd && defined $file;
    next unless $file =~ m{^\Q$root\E/(services|sdk/src|core|tests/support)/.*\.cc$};
    next if $seen{$file}++;
    my @words = split / +/, $cmd;
    shift @words while @words && $words[0] =~ m{(^|/)ccache$};
    shift @words;  # the compiler
    my ($out, @args);
    while (@words) {
      my $w = shift @words;
      if ($w eq "-o") { $out = shift @words; next; }  # no output with -fsyntax-only
      next if $w eq "-c" || $w eq $file;              # the file goes last
      next if $w =~ /^-W/;                            # warnings chosen for gcc
      push @args, $w;
    }
    next unless $all || (defined $out && $wanted{$out});
    print "cd \x27$dir\x27 && $clang @args -fsyntax-only -Wthread-safety -Werror \x27$file\x27\0";
  }
' "$db" >"$tmp/commands"

count=$(tr -cd '\0' <"$tmp/commands" | wc -c)
if ((count == 0)); then
  echo "thread-safety: no project files to check in $db" >&2
  exit 1
fi

start=$SECONDS
# Each file's diagnostics are printed in one piece, once it is done.
if ! xargs -0 -P "$(nproc)" -n 1 bash -c 'out=$(eval "$1" 2>&1) || { printf "%s\n" "$out"; exit 1; }' _ \
    <"$tmp/commands"; then
  echo "thread-safety: clang's thread-safety analysis found problems (see above)" >&2
  exit 1
fi
echo "thread safety: $count files clean in $((SECONDS - start))s"
