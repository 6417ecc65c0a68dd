#!/bin/sh
# Usage: scripts/debug-kernel.sh [--dir]
#
# Build the debug kernel of `make check-kernel` once per machine and print
# its build tree (KDIR: bzImage in arch/x86/boot, .config, Module.symvers,
# what external modules build against). Source: Debian's linux-source-6.1;
# config: `make tinyconfig` plus tests/vm/debug.config. The tree is cached
# in ~/.cache/secshm/ (or $SECSHM_CACHE) under the source version and the
# fragment's hash, so a new package or a changed fragment builds anew.
# --dir prints the tree's path without building.
set -eu
cd "$(dirname "$0")/.."
frag=$PWD/tests/vm/debug.config
tarball=/usr/src/linux-source-6.1.tar.xz

ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) || ver=
if [ -z "$ver" ] || [ ! -r "$tarball" ]; then
	echo "debug-kernel: linux-source-6.1 is not installed (scripts/deps-kernel.txt)" >&2
	exit 1
fi
cache=${SECSHM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/secshm}
dir=$cache/debug-kernel-$ver-$(sha256sum "$frag" | cut -c1-12)
kdir=$dir/linux-source-6.1
if [ "${1:-}" = --dir ] || [ -f "$dir/built" ]; then
	echo "$kdir"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/debug-kernel.lock"
flock 9
[ -f "$dir/built" ] && { echo "$kdir"; exit 0; }

start=$(date +%s)
rm -rf "$dir"
mkdir -p "$dir"
echo "debug-kernel: building linux-source $ver with $(nproc) CPUs into $dir" >&2
tar -xJf "$tarball" -C "$dir"
log=$dir/build.log
mk() { make -C "$kdir" ARCH=x86_64 "$@" >>"$log" 2>&1 || { tail -n 50 "$log" >&2; exit 1; }; }
mk tinyconfig
cp "$frag" "$kdir/kernel/configs/secshm-debug.config"
mk secshm-debug.config

# tinyconfig drops whatever lacks a dependency without a word: every
# option the fragment sets must be in the result as written.
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=|^# CONFIG_[A-Z0-9_]+ is not set' "$frag" | while read -r l; do
	case $l in
	'# '*) o=${l#\# }; o=${o%% *}; grep -q "^$o=" "$kdir/.config" && echo "$o (wanted off)" ;;
	*) grep -qx "$l" "$kdir/.config" || echo "$l" ;;
	esac
done)
if [ -n "$missing" ]; then
	echo "debug-kernel: tests/vm/debug.config options missing from the built .config:" >&2
	echo "$missing" >&2
	exit 1
fi

mk -j"$(nproc)"
touch "$dir/built"
echo "debug-kernel: built in $(($(date +%s) - start)) s on $(nproc) CPUs: $kdir" >&2
echo "$kdir"
