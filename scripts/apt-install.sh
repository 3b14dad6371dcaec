# apt-install.sh: sourced by the setup-*.sh scripts. apt_install NAME PKG...
# installs the Debian packages PKG... that are not installed yet (NAME
# prefixes its messages); it refuses to run as non-root or off Debian-like
# systems, saying what to install instead.

apt_install() {
	local name=$1
	shift
	[ "$(id -u)" -eq 0 ] || { echo "$name: must run as root (try: sudo $0)" >&2; exit 1; }
	if ! command -v apt-get >/dev/null 2>&1 || [ ! -f /etc/debian_version ]; then
		echo "$name: this script supports Debian-like systems (apt-get, /etc/debian_version) only; install $* with your package manager" >&2
		exit 1
	fi
	local p missing=()
	for p in "$@"; do
		if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != 'install ok installed' ]; then
			missing+=("$p")
		fi
	done
	if [ "${#missing[@]}" -eq 0 ]; then
		echo "$name: $* already installed"
		return 0
	fi
	echo "$name: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y "${missing[@]}"
}
