#!/usr/bin/env bash
# build-test-images.sh: builds the container images gorepro's tests use, from
# local files only (podman import; never a registry):
#
#   localhost/gorepro-test/go:<v>         a Go builder: the installed Go's GOROOT
#                                         at /usr/local/go (e.g. go1.26.8 -> :1.26.8)
#   localhost/gorepro-test/go:1.27.3      the same from go1.27.3 (GOTOOLCHAIN=go1.27.3;
#                                         fetched from the Go module proxy once)
#   localhost/gorepro-test/runtime:latest a runtime for static Go binaries:
#                                         /etc/passwd, /etc/group, /tmp only
#   localhost/gorepro-test/runtime:arm64  the same for linux/arm64
#   localhost/gorepro-test/runtime:arm    the same for linux/arm/v7
#
# Each image holds /etc/passwd (root, nobody), /etc/group, /root, /tmp (1777),
# with PATH=/usr/local/go/bin:/usr/bin:/bin and WORKDIR /. GOROOT is not set:
# the go command finds its root from its own path. The Go distribution's
# binaries (go, compile, link, ...) are static, so nothing else (no libc, no
# /bin/sh, no CA certificates) is needed for `go build` with CGO_ENABLED=0,
# which is what go picks when no C compiler is found. Not copied, to save
# space: GOROOT/test, api, doc and pkg/tool dirs of other host platforms.
#
# Idempotent: an image that exists is kept unless --force is given.
# Usage: scripts/build-test-images.sh [--force] [--engine podman|docker]
set -euo pipefail

force=0
engine=${GOREPRO_ENGINE:-podman}
while [ $# -gt 0 ]; do
	case "$1" in
	--force) force=1 ;;
	--engine) engine=$2; shift ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "build-test-images: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

die() { echo "build-test-images: $*" >&2; exit 1; }
command -v "$engine" >/dev/null 2>&1 || die "$engine not found (run scripts/setup-podman.sh as root, or pass --engine docker)"
command -v go >/dev/null 2>&1 || die "go not found on PATH"

work=$(mktemp -d "${TMPDIR:-/tmp}/gorepro-images.XXXXXX")
# Copies of read-only module-cache GOROOTs are read-only too.
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

exists() { "$engine" image inspect "$1" >/dev/null 2>&1; }

# base DIR: the files every image has.
base() {
	local dir=$1
	mkdir -p "$dir/etc" "$dir/root" "$dir/tmp"
	chmod 1777 "$dir/tmp"
	chmod 0700 "$dir/root"
	cat >"$dir/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
EOF
	cat >"$dir/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
}

# import DIR REF: tars DIR (owned by root) and imports it as REF; the image
# REF named before (--force) is removed unless something still uses it.
import() {
	local dir=$1 ref=$2 arch=${3:-} variant=${4:-} old
	local archflag=()
	[ -n "$arch" ] && archflag=(--arch "$arch")
	[ -n "$variant" ] && archflag+=(--variant "$variant")
	old=$("$engine" image inspect --format '{{.Id}}' "$ref" 2>/dev/null || true)
	tar -C "$dir" --numeric-owner --owner=0 --group=0 -cf "$dir.tar" .
	"$engine" import --quiet "${archflag[@]}" \
		--change 'ENV PATH=/usr/local/go/bin:/usr/bin:/bin' \
		--change 'WORKDIR /' \
		--change 'LABEL gorepro.test-image=true' \
		--message "gorepro test image (scripts/build-test-images.sh)" \
		"$dir.tar" "$ref" >/dev/null
	rm -f "$dir.tar"
	if [ -n "$old" ] && [ "$old" != "$("$engine" image inspect --format '{{.Id}}' "$ref")" ]; then
		"$engine" image rm "$old" >/dev/null 2>&1 || true
	fi
}

made=()

# builder GOTOOLCHAIN: a Go builder image from the GOROOT of that toolchain.
builder() {
	local toolchain=$1 goroot version ref hostplat dir
	goroot=$(GOTOOLCHAIN=$toolchain go env GOROOT)
	version=$(GOTOOLCHAIN=$toolchain go env GOVERSION)
	version=${version%% *}
	ref=localhost/gorepro-test/go:${version#go}
	if [ "$force" -eq 0 ] && exists "$ref"; then
		echo "build-test-images: $ref exists (use --force to rebuild)"
		return
	fi
	hostplat=$(GOTOOLCHAIN=$toolchain go env GOHOSTOS)_$(GOTOOLCHAIN=$toolchain go env GOHOSTARCH)
	dir=$work/go-$version
	base "$dir"
	mkdir -p "$dir/usr/local/go"
	local excludes=(--exclude=./test --exclude=./api --exclude=./doc)
	local tooldir
	for tooldir in "$goroot"/pkg/tool/*; do
		[ "$(basename "$tooldir")" = "$hostplat" ] || excludes+=("--exclude=./pkg/tool/$(basename "$tooldir")")
	done
	tar -C "$goroot" "${excludes[@]}" -cf - . | tar -C "$dir/usr/local/go" -xf -
	import "$dir" "$ref"
	# The image must run its go: a static binary with nothing else needed.
	local got
	got=$("$engine" run --rm --network=none --pull=never "$ref" go env GOVERSION) ||
		die "$ref: go does not run inside the image"
	[ "${got%% *}" = "$version" ] || die "$ref: go env GOVERSION says $got, want $version"
	made+=("$ref")
}

# runtime [ARCH [VARIANT]]: a runtime image holding nothing static Go
# binaries need; with ARCH, an image for that architecture (tagged :ARCH),
# so that a toolchain with "platform": "linux/ARCH[/VARIANT]" runs its
# binaries in it (under qemu-user when ARCH is not the host's).
runtime() {
	local arch=${1:-} variant=${2:-} ref=localhost/gorepro-test/runtime:latest
	[ -n "$arch" ] && ref=localhost/gorepro-test/runtime:$arch
	if [ "$force" -eq 0 ] && exists "$ref"; then
		echo "build-test-images: $ref exists (use --force to rebuild)"
		return
	fi
	base "$work/runtime"
	import "$work/runtime" "$ref" "$arch" "$variant"
	made+=("$ref")
}

start=$SECONDS
builder local
builder go1.27.3
runtime
runtime arm64
runtime arm v7
# The local toolchain's image under a stable name, for tests and configs
# that must not hard-code this machine's Go version.
local_ref=localhost/gorepro-test/go:$(v=$(GOTOOLCHAIN=local go env GOVERSION); v=${v%% *}; echo "${v#go}")
"$engine" tag "$local_ref" localhost/gorepro-test/go:local
echo "build-test-images: localhost/gorepro-test/go:local -> $local_ref"

for ref in ${made[@]+"${made[@]}"}; do
	echo "build-test-images: made $ref ($("$engine" image inspect --format '{{.Size}}' "$ref" | awk '{ if ($1 >= 1e6) printf "%.0f MB", $1/1e6; else printf "%.1f kB", $1/1e3 }'))"
done
echo "build-test-images: done in $((SECONDS - start))s"
"$engine" images --filter reference='localhost/gorepro-test/*'
