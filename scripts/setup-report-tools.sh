#!/usr/bin/env bash
# setup-report-tools.sh: installs what the report tests use on this
# Debian-like machine. Idempotent; run as root.
#
#   - chromium: the HTML report is opened in headless Chromium (no console
#     errors, a screenshot shows the grid, a grid cell opens its details);
#   - libxml2-utils: xmllint validates junit.xml against the Jenkins JUnit
#     schema (results/testdata/jenkins-junit.xsd);
#   - jq: the nightly workflow's shell steps, which use it, are run by
#     internal/docstest on fixture runs.
#
# The tests skip with one line without them, unless GOREPRO_REQUIRE_TOOLS=1
# (as .ci/run sets), where a missing tool fails them.
set -euo pipefail

# shellcheck source=scripts/apt-install.sh
. "$(dirname "$0")/apt-install.sh"
apt_install setup-report-tools chromium libxml2-utils jq
chromium --version
# sed reads all of its input: head would close the pipe early and, under
# pipefail, xmllint's SIGPIPE (exit 141) would fail the script.
xmllint --version 2>&1 | sed -n 1p
