#!/bin/sh
# Usage: tests/vm/powercut.sh KERNEL MODULES KMOD_DIR POWERCUT_BIN SECSHMD_BIN
#
# SPEC: S1 — a power cut: two QEMU boots (TCG) of the kernel image KERNEL on
# one ext4 disk image made here with mkfs.ext4 (a virtio disk). The first
# (tests/vm/powercut-init, phase write) has the powercut client write and
# FLUSH a file through a view, once through secshm.ko from KMOD_DIR and
# once through SECSHMD_BIN started in the VM, write more without flushing,
# and resets the VM with sysrq b: no sync, no unmount. The second reads
# the files. Passes when, for both sides, the flushed page is on disk and
# the unflushed one is not (the latter shows the run could tell a FLUSH
# that wrote nothing). MODULES is the kernel's /lib/modules/VERSION, whose
# virtio and ext4 modules are loaded first, or - when they are built in.
set -eu
kernel=$1 moddir=$2 kmod=$3 client=$4 daemon=$5
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
page=$(getconf PAGESIZE)

for f in "$kernel" "$kmod/secshm.ko" "$client" "$daemon" /bin/busybox; do
	[ -r "$f" ] || { echo "powercut: missing $f" >&2; exit 1; }
done
work=$(mktemp -d /tmp/secshm-powercut.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/etc" \
	 "$root/modules" "$root/tests" "$root/kmods"
cp /bin/busybox "$root/bin/busybox"
cp "$here/powercut-init" "$root/init"
chmod 755 "$root/init"
cp "$kmod/secshm.ko" "$root/modules/"
cp "$client" "$root/tests/powercut"
cp "$daemon" "$root/bin/secshmd"
vm_add_libs "$root" "$client"
vm_add_libs "$root" "$daemon"
printf 'root:x:0:0:root:/tmp:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"

# A module and, first, what it needs, as modules.dep says.
deps() {
	local line d
	line=$(grep -E "(^|/)$1\.ko:" "$moddir/modules.dep") || { echo "powercut: no module $1" >&2; exit 1; }
	for d in ${line#*:}; do
		deps "$(basename "$d" .ko)"
	done
	echo "${line%%:*}"
}
if [ "$moddir" != - ]; then
	for m in virtio_pci virtio_blk crc32c_generic ext4; do deps $m; done | awk '!seen[$0]++' |
	while read -r ko; do
		cp "$moddir/$ko" "$root/kmods/"
		basename "$ko" >>"$root/kmods/order"
	done
fi
vm_pack "$root" "$work/initrd.gz"

# The files are on disk from the start, blocks allocated: all a FLUSH has
# to write is the page, and nothing but a FLUSH writes it.
mkdir "$work/disk"
for f in kmod daemon; do
	head -c $((4 * page)) /dev/zero | tr '\0' o >"$work/disk/$f.dat"
done
mkfs.ext4 -q -F -d "$work/disk" "$work/disk.img" 16M >/dev/null

boot() {
	timeout "${SECSHM_VM_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -m 1G -smp 2 \
		-nographic -no-reboot -kernel "$kernel" -initrd "$work/initrd.gz" \
		-drive "file=$work/disk.img,format=raw,if=virtio" \
		-append "console=ttyS0 panic_on_warn=1 panic=-1 oops=panic quiet powercut=$1" \
		</dev/null 2>&1 | tr -d '\r' >"$work/$1.log"
}

fail=""
echo "powercut: booting $kernel: write, flush, reset"
boot write
for tag in kmod daemon; do
	grep -q "^POWERCUT: $tag written" "$work/write.log" || fail="$fail $tag-write"
done
grep -q '^SECSHM-VM: RESET' "$work/write.log" || fail="$fail no-reset"
! grep -q '^SECSHM-VM: DONE' "$work/write.log" || fail="$fail not-reset"
echo "powercut: booting again: what reached the disk"
boot check
grep -q '^SECSHM-VM: DONE' "$work/check.log" || fail="$fail check-boot"

passed=0 failed=0 verdicts=""
for tag in kmod daemon; do
	flushed=$(sed -n "s/^POWERCUT: $tag flushed //p" "$work/check.log")
	unflushed=$(sed -n "s/^POWERCUT: $tag unflushed //p" "$work/check.log")
	verdicts="${verdicts}powercut: $tag: flushed page ${flushed:-unknown}, unflushed page ${unflushed:-unknown}
"
	if [ "$flushed" = present ] && [ "$unflushed" = absent ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		[ "$flushed" = present ] || fail="$fail $tag-flush-lost"
		[ "$unflushed" = absent ] || fail="$fail $tag-cannot-tell"
	fi
done

kbad=$(sed -n '/^SECSHM-VM: DMESG-BEGIN/,/^SECSHM-VM: DMESG-END/p' "$work/write.log" "$work/check.log" |
	grep -v 'Kernel command line' |
	grep -E 'BUG[: ]|WARNING:|Oops|Call Trace|general protection|Kernel panic|KASAN|UBSAN|INFO: task .* blocked|refcount_t:' || true)
[ -z "$kbad" ] || { fail="$fail kernel-log"; printf '%s\n' "$kbad"; }

if [ -n "$fail" ]; then
	for p in write check; do
		echo "--- console log, $p:"
		tail -n 60 "$work/$p.log"
	done
	printf '%s' "$verdicts"
	echo "powercut: FAILED:$fail"
	echo "powercut: $passed passed, $((failed > 0 ? failed : 1)) failed"
	exit 1
fi
printf '%s' "$verdicts"
echo "powercut: $passed passed, $failed failed"
