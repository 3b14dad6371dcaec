#!/usr/bin/env bash
# setup-report-tools.sh: installs what the report tests use on this
# Debian-like machine. Idempotent; run as root.
#
#   - chromium: the HTML report is opened in headless Chromium (no console
#     errors, a screenshot shows the grid, a grid cell opens its details);
#   - libxml2-utils: xmllint validates junit.xml against the Jenkins JUnit
#     schema (results/testdata/jenkins-junit.xsd).
#
# The tests skip with one line without them, unless GOREPRO_REQUIRE_TOOLS=1
# (as .ci/run sets), where a missing tool fails them.
set -euo pipefail

die() { echo "setup-report-tools: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (try: sudo $0)"
command -v apt-get >/dev/null 2>&1 && [ -f /etc/debian_version ] ||
	die "this script supports Debian-like systems (apt-get, /etc/debian_version) only; install chromium and xmllint (libxml2) with your package manager"

packages=(chromium libxml2-utils)
missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ "${#missing[@]}" -gt 0 ]; then
	echo "setup-report-tools: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y "${missing[@]}"
else
	echo "setup-report-tools: ${packages[*]} already installed"
fi
chromium --version
xmllint --version 2>&1 | head -n 1
