# Shared by the tests/vm scripts: building an initramfs.

# vm_add_libs ROOT BIN: the shared libraries BIN needs, at their paths under ROOT.
vm_add_libs() {
	ldd "$2" 2>/dev/null | awk '/=> \// { print $3 } /^[ \t]*\// { print $1 }' |
	while read -r lib; do
		[ -e "$1$lib" ] || { mkdir -p "$1$(dirname "$lib")"; cp -L "$lib" "$1$lib"; }
	done
}

# vm_pack ROOT OUT: ROOT as a gzip'ed newc cpio archive.
vm_pack() {
	(cd "$1" && find . | cpio -o -H newc --quiet) | gzip -1 >"$2"
}
