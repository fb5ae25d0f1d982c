#!/usr/bin/env bash
# Builds the container image localhost/ahpl:<git describe> and tags it
# localhost/ahpl:latest, from this checkout (its working tree, uncommitted
# changes included: the version then ends in -dirty). No public registry is
# needed: the Debian 12 base image is made from Debian's packages with
# mmdebstrap and imported into podman once (again when its recipe or the
# machine's Debian sources change, or with --refresh-base for fresh security
# updates). Installs podman and mmdebstrap when missing (as root, apt).
#
#   deploy/container/build.sh [--refresh-base]
#
# AHPL_BASE_IMAGE (default localhost/debian-bookworm-minbase:latest) names
# the base image; AHPL_DEBIAN_MIRROR (default: the machine's apt sources for
# Debian) is a mirror URL or a sources file for mmdebstrap;
# AHPL_CONTAINER_CCACHE (default ~/.cache/ahpl/container-ccache) is the
# compiler cache mounted into the build; AHPL_BUILD_JOBS the build's jobs.
# Prints the image's name on the last line.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$root/deploy/container
base=${AHPL_BASE_IMAGE:-localhost/debian-bookworm-minbase:latest}
ccache_dir=${AHPL_CONTAINER_CCACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ahpl/container-ccache}
jobs=${AHPL_BUILD_JOBS:-$(nproc)}
refresh_base=false
for arg in "$@"; do
  case $arg in
    --refresh-base) refresh_base=true ;;
    *) echo "usage: $0 [--refresh-base]" >&2; exit 2 ;;
  esac
done

step() { printf '\n== %s\n' "$*" >&2; }
started=$SECONDS

# --- tools -----------------------------------------------------------------
missing=()
for tool in podman mmdebstrap git; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "build.sh: missing ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
  step "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- base image: Debian 12 from Debian's packages ----------------------------
# The machine's own Debian sources (a deb822 file or a sources.list), so the
# image gets its packages where the machine does.
mirror=${AHPL_DEBIAN_MIRROR:-}
if [[ -z $mirror ]]; then
  if [[ -s /etc/apt/sources.list.d/debian.sources ]]; then
    mirror=/etc/apt/sources.list.d/debian.sources
  elif [[ -s /etc/apt/sources.list ]]; then
    mirror=/etc/apt/sources.list
  else
    mirror=http://deb.debian.org/debian
  fi
fi
# Essential packages and apt (no Priority: required extras), /usr merged
# without the usrmerge package (which would pull in perl), and no manuals,
# documentation (copyright files stay) or translations, in this image and in
# whatever is installed on it later (the options stay in /etc/dpkg).
mm_args=(
  --variant=apt --format=tar
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-exclude=/usr/share/lintian/*'
)
recipe=$({
  printf '%s\n' "${mm_args[@]}"
  if [[ -f $mirror ]]; then cat "$mirror"; else echo "$mirror"; fi
} | sha256sum | cut -c1-16)
have_recipe=$(podman image inspect --format '{{index .Labels "ahpl.base.recipe"}}' "$base" 2>/dev/null || true)
if $refresh_base || [[ $have_recipe != "$recipe" ]]; then
  step "making the base image $base (mmdebstrap bookworm from $mirror)"
  tmp=$(mktemp -d -p "${TMPDIR:-/var/tmp}" ahpl-base.XXXXXX)
  trap 'rm -rf "$tmp"' EXIT
  if ! mmdebstrap "${mm_args[@]}" bookworm "$tmp/rootfs.tar" "$mirror" >"$tmp/mmdebstrap.log" 2>&1; then
    tail -n 30 "$tmp/mmdebstrap.log" >&2
    echo "build.sh: mmdebstrap failed" >&2
    exit 1
  fi
  podman import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' \
    --change "LABEL ahpl.base.recipe=$recipe" \
    --change 'LABEL org.opencontainers.image.description="Debian 12 (bookworm), mmdebstrap variant apt"' \
    "$tmp/rootfs.tar" "$base" >/dev/null
  rm -rf "$tmp"
  trap - EXIT
  echo "base image $base made ($((SECONDS - started)) s)" >&2
fi

# --- the ahpl image ------------------------------------------------------------
# The version as the build's CMake computes it (cmake/version.cmake), which
# the binaries report; a tag may not hold '+'.
version=$(git -C "$root" describe --always --dirty --tags 2>/dev/null || echo unknown)
version=$(printf '%s' "$version" | tr -c 'A-Za-z0-9._+-' '_')
tag=$(printf '%s' "$version" | tr '+' '_')
revision=$(git -C "$root" rev-parse HEAD 2>/dev/null || true)
source=${AHPL_IMAGE_SOURCE:-$(git -C "$root" remote get-url origin 2>/dev/null || true)}
image=localhost/ahpl:$tag

step "building $image"
mkdir -p "$ccache_dir"
build_started=$SECONDS
podman build --isolation=chroot --pull=never --layers \
  --ignorefile "$here/Containerfile.containerignore" \
  --volume "$ccache_dir:/ccache" \
  --build-arg BASE_IMAGE="$base" \
  --build-arg AHPL_VERSION="$version" \
  --build-arg AHPL_REVISION="$revision" \
  --build-arg AHPL_SOURCE="$source" \
  --build-arg AHPL_BUILD_JOBS="$jobs" \
  -f "$here/Containerfile" -t "$image" -t localhost/ahpl:latest "$root" >&2

size=$(podman image inspect --format '{{.Size}}' "$image")
echo "built $image and localhost/ahpl:latest: $((size / 1000000)) MB, image build $((SECONDS - build_started)) s, all $((SECONDS - started)) s" >&2
echo "$image"
