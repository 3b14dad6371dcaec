#!/usr/bin/env bash
# setup-podman.sh: makes this Debian-like machine able to run gorepro's
# container toolchains (kind "image") with Podman. Idempotent; run as root.
#
#   1. installs podman, runc and qemu-user-static with apt-get (apt-get update
#      only when one of them is missing);
#   2. writes /etc/containers/containers.conf (only when its content differs):
#      runc instead of crun (crun refuses the hybrid cgroup layout of these
#      machines) and default ulimits within the hard limits (the defaults fail
#      with "operation not permitted" when they exceed them);
#   3. prints a short `podman info` summary.
#
# It never pulls an image; test images are built locally by
# scripts/build-test-images.sh.
set -euo pipefail

die() { echo "setup-podman: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (try: sudo $0)"
command -v apt-get >/dev/null 2>&1 && [ -f /etc/debian_version ] ||
	die "this script supports Debian-like systems (apt-get, /etc/debian_version) only; install podman, runc and qemu-user-static with your package manager and write /etc/containers/containers.conf by hand (see this script)"

packages=(podman runc qemu-user-static)
missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "setup-podman: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y "${packages[@]}"
else
	echo "setup-podman: ${packages[*]} already installed"
fi

conf=/etc/containers/containers.conf
want='[engine]
runtime = "runc"

[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]'
if [ -f "$conf" ] && [ "$(cat "$conf")" = "$want" ]; then
	echo "setup-podman: $conf already up to date"
else
	mkdir -p "$(dirname "$conf")"
	if [ -f "$conf" ]; then
		cp -p "$conf" "$conf.gorepro-backup"
		echo "setup-podman: saved the previous $conf as $conf.gorepro-backup"
	fi
	printf '%s\n' "$want" >"$conf.tmp"
	mv "$conf.tmp" "$conf"
	echo "setup-podman: wrote $conf"
fi

podman info --format 'podman {{.Version.Version}} on {{.Host.OS}}/{{.Host.Arch}}: runtime {{.Host.OCIRuntime.Name}}, cgroups {{.Host.CgroupsVersion}} ({{.Host.CgroupManager}}), storage {{.Store.GraphDriverName}} at {{.Store.GraphRoot}}, rootless {{.Host.Security.Rootless}}'
