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

# shellcheck source=scripts/apt-install.sh
. "$(dirname "$0")/apt-install.sh"
apt_install setup-podman podman runc qemu-user-static

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
