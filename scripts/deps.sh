#!/bin/sh
# Install the Debian packages the build and the tests need. As root, missing
# ones are installed with apt-get; otherwise the command to run is printed.
set -eu
pkgs="build-essential pkg-config libcmocka-dev"
[ -n "${SECSHM_DEPS_EXTRA:-}" ] && pkgs="$pkgs $SECSHM_DEPS_EXTRA"
[ -f scripts/deps-extra.txt ] && pkgs="$pkgs $(grep -v '^#' scripts/deps-extra.txt | tr '\n' ' ')"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "secshm: missing Debian packages:$missing" >&2
	echo "secshm: install them with: sudo apt-get install$missing" >&2
	exit 1
fi
echo "secshm: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
