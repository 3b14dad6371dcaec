#!/usr/bin/env bash
# setup-registry.sh: installs the OCI registry the tests of `gorepro images`
# run on 127.0.0.1 (internal/registrytest starts its own instance, with its
# own config and storage, on a free loopback port, and stops it): Debian's
# docker-registry package (the distribution project's registry). Idempotent;
# run as root. The package's own service is not needed and not started.
set -euo pipefail

# shellcheck source=scripts/apt-install.sh
. "$(dirname "$0")/apt-install.sh"
apt_install setup-registry docker-registry
echo "setup-registry: $(docker-registry --version 2>&1 | head -n1)"
