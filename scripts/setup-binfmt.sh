#!/usr/bin/env bash
# setup-binfmt.sh: registers qemu-user-static emulators with the kernel's
# binfmt_misc, so that binaries for another architecture run directly (and in
# `podman run --platform linux/arm64` containers): how gorepro's emulation
# detection is tested for real on an amd64 machine. Idempotent; run as root.
#
#   1. mounts binfmt_misc on /proc/sys/fs/binfmt_misc unless it is mounted;
#   2. for each emulator asked for (default: qemu-aarch64 and qemu-arm, for
#      linux/arm64 and linux/arm/v7 cells) that is not
#      registered yet, writes the registration line Debian's qemu-user-static
#      ships in /usr/lib/binfmt.d/<name>.conf into
#      /proc/sys/fs/binfmt_misc/register (flag F: the interpreter is opened
#      now, so it also works inside containers that do not have it);
#   3. prints each handler's state.
#
# Usage: scripts/setup-binfmt.sh [qemu-aarch64 qemu-arm ...]
# Install qemu-user-static first (scripts/setup-podman.sh does).
set -euo pipefail

die() { echo "setup-binfmt: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (try: sudo $0)"

dir=/proc/sys/fs/binfmt_misc
if [ ! -e "$dir/register" ]; then
	mount -t binfmt_misc binfmt_misc "$dir" ||
		die "cannot mount binfmt_misc on $dir (a container without privileges?)"
	echo "setup-binfmt: mounted binfmt_misc on $dir"
fi

[ $# -gt 0 ] || set -- qemu-aarch64 qemu-arm
for name in "$@"; do
	conf=""
	for d in /usr/lib/binfmt.d /etc/binfmt.d /run/binfmt.d; do
		[ -f "$d/$name.conf" ] && conf=$d/$name.conf
	done
	[ -n "$conf" ] || die "no $name.conf in /usr/lib/binfmt.d (apt-get install qemu-user-static)"
	if [ -e "$dir/$name" ]; then
		echo "setup-binfmt: $name already registered"
		[ "$(head -n1 "$dir/$name")" = enabled ] || { echo 1 >"$dir/$name"; echo "setup-binfmt: enabled $name"; }
	else
		# The file holds the registration string (":name:type:offset:magic:mask:interpreter:flags");
		# comment and blank lines are skipped.
		# One awk reading the file itself: no pipe that a SIGPIPE could fail under
		# pipefail.
		awk '!/^#/ && !/^[[:space:]]*$/ { print; exit }' "$conf" >"$dir/register"
		echo "setup-binfmt: registered $name from $conf"
	fi
	echo "setup-binfmt: $name: $(head -n1 "$dir/$name"), $(grep '^interpreter' "$dir/$name")"
done
