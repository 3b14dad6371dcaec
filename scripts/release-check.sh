#!/usr/bin/env bash
# Checks the archives goreleaser wrote (make release-snapshot runs it):
#
#   scripts/release-check.sh [-d DIST] [-v VERSION]
#
# For each of linux/amd64, linux/arm64, darwin/amd64 and darwin/arm64 there
# must be exactly one archive, listed in checksums.txt with the right
# SHA-256, holding a gorepro binary whose build info (go version -m) records
# module github.com/gorepro/gorepro at VERSION for that platform. The linux
# binaries are also run: `gorepro version --json` must print VERSION and the
# platform (amd64 directly, arm64 under qemu-aarch64-static). VERSION
# defaults to what the go command stamps when it builds this checkout now
# (the tag on a clean checkout at a tag, else a pseudo-version): the
# archives must say what `go install` would.
#
# Exit status: 0 all archives check out, 1 one does not, 2 usage.
set -euo pipefail
cd "$(dirname "$0")/.."

dist=dist
want=""
while getopts "d:v:" opt; do
  case $opt in
    d) dist=$OPTARG ;;
    v) want=$OPTARG ;;
    *) echo "usage: $0 [-d DIST] [-v VERSION]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -gt 0 ]; then
  echo "usage: $0 [-d DIST] [-v VERSION]" >&2
  exit 2
fi
if [ ! -f "$dist/checksums.txt" ]; then
  echo "release-check: $dist/checksums.txt not found: run goreleaser first (make release-snapshot)" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# modversion BIN: the main module's version in BIN's build info.
modversion() {
  go version -m "$1" | awk '$1 == "mod" && $2 == "github.com/gorepro/gorepro" { print $3 }'
}
# setting BIN KEY: one build setting of BIN's build info.
setting() {
  go version -m "$1" | awk -v key="$2" '$1 == "build" { split($2, kv, "="); if (kv[1] == key) { sub(/^[^=]*=/, "", $2); print $2 } }'
}

if [ -z "$want" ]; then
  go build -trimpath -buildvcs=true -o "$tmp/reference" ./cmd/gorepro
  want=$(modversion "$tmp/reference")
fi
echo "release-check: expecting version $want"
if [ "$want" = "(devel)" ]; then
  # The go command finds no repository in a git worktree (.git is a file
  # there) or outside a checkout, and stamps no version: the archives say
  # (devel) like any build here. A clone stamps its tag or a pseudo-version.
  echo "release-check: note: the go command stamps no VCS version here (a git worktree, or no checkout)" >&2
fi

(cd "$dist" && sha256sum --check --quiet checksums.txt) || { echo "release-check: checksums.txt does not match the files" >&2; exit 1; }

failed=0
fail() { echo "release-check: $*" >&2; failed=1; }

for platform in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64; do
  os=${platform%/*} arch=${platform#*/}
  mapfile -t archives < <(find "$dist" -maxdepth 1 -name "gorepro_*_${os}_${arch}.tar.gz" | sort)
  if [ "${#archives[@]}" -ne 1 ]; then
    fail "$platform: want one archive gorepro_*_${os}_${arch}.tar.gz in $dist, found ${#archives[@]}"
    continue
  fi
  archive=${archives[0]}
  if ! grep -q " $(basename "$archive")\$" "$dist/checksums.txt"; then
    fail "$platform: $(basename "$archive") is not listed in checksums.txt"
  fi
  dir="$tmp/$os-$arch"
  mkdir -p "$dir"
  tar -xzf "$archive" -C "$dir"
  bin="$dir/gorepro"
  if [ ! -x "$bin" ]; then
    fail "$platform: $(basename "$archive") holds no executable gorepro"
    continue
  fi
  got=$(modversion "$bin")
  [ "$got" = "$want" ] || fail "$platform: build info says version '$got', want '$want'"
  [ "$(setting "$bin" GOOS)/$(setting "$bin" GOARCH)" = "$platform" ] || fail "$platform: built for $(setting "$bin" GOOS)/$(setting "$bin" GOARCH)"
  ran="not run (not this OS)"
  if [ "$os" = linux ]; then
    runner=()
    if [ "$arch" != "$(go env GOHOSTARCH)" ]; then
      if [ "$arch" = arm64 ] && command -v qemu-aarch64-static >/dev/null; then
        runner=(qemu-aarch64-static)
      else
        fail "$platform: cannot run it here (for arm64 install qemu-user-static)"
        continue
      fi
    fi
    out=$("${runner[@]}" "$bin" version --json) || { fail "$platform: gorepro version --json failed"; continue; }
    grep -q "\"version\": \"$want\"" <<<"$out" || fail "$platform: gorepro version --json says $out, want version $want"
    grep -q "\"platform\": \"$platform\"" <<<"$out" || fail "$platform: gorepro version --json says $out, want platform $platform"
    ran="ran${runner:+ under ${runner[*]}}: $("${runner[@]}" "$bin" version)"
  fi
  printf '%-15s %s  %s\n' "$platform" "$(basename "$archive")" "$ran"
done
exit "$failed"
