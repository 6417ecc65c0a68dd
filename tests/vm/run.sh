#!/bin/sh
# Usage: tests/vm/run.sh KVER KMOD_DIR TEST_BIN...
#
# Boot /boot/vmlinuz-KVER under QEMU (TCG) with an initramfs holding
# busybox, the modules from KMOD_DIR, the test binaries, the secshm command
# (from bin/ two levels above the first test binary, as /bin/secshm, where
# /tests/api/../../bin puts it for the tests) and their shared
# libraries; tests/vm/init loads the modules, runs each binary with
# SECSHM_ADDRESS=/dev/secshm and unloads. Fails on a failing test, a
# BUG/WARNING/Oops/leak/slub report in the kernel log, a module that does
# not unload, or a timeout. SECSHM_VM_TIMEOUT (seconds) bounds the run;
# SECSHM_VM_KEEP=1 keeps the work directory. For tests/vm/check-kernel.sh:
# SECSHM_VM_KERNEL boots another kernel image, SECSHM_VM_APPEND adds to its
# command line, SECSHM_VM_TEST_TIMEOUT bounds each test binary in seconds,
# SECSHM_VM_LOG receives the console log.
set -eu
kver=$1 kmod=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
timeout_s=${SECSHM_VM_TIMEOUT:-900}
kernel=${SECSHM_VM_KERNEL:-/boot/vmlinuz-$kver}
cmd=$(dirname "$1")/../../bin/secshm

for f in "$kernel" "$kmod/secshm.ko" "$kmod/secshm_checksum.ko" /bin/busybox "$cmd"; do
	[ -r "$f" ] || { echo "vm: missing $f" >&2; exit 1; }
done
command -v qemu-system-x86_64 >/dev/null || { echo "vm: qemu-system-x86_64 not installed" >&2; exit 1; }

work=$(mktemp -d /tmp/secshm-vm.XXXXXX)
[ "${SECSHM_VM_KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" "$root/etc" \
	 "$root/modules" "$root/tests"
cp /bin/busybox "$root/bin/busybox"
cp "$cmd" "$root/bin/secshm"
cp "$here/init" "$root/init"
chmod 755 "$root/init"
cp "$kmod/secshm.ko" "$kmod/secshm_checksum.ko" "$root/modules/"

# A small ext4 disk on a loop device, for what tmpfs cannot show: file
# sections on a disk filesystem, and swap files (P9).
# (A kernel without /lib/modules, the debug kernel, has them built in.)
mkdir -p "$root/modules/disk" "$root/mnt/disk"
[ -d "/lib/modules/$kver" ] &&
for m in lib/crc16 crypto/crc32c_generic fs/mbcache fs/jbd2/jbd2 fs/ext4/ext4 drivers/block/loop; do
	ko=/lib/modules/$kver/kernel/$m.ko
	[ -r "$ko" ] || { echo "vm: missing $ko" >&2; exit 1; }
	cp "$ko" "$root/modules/disk/"
	echo "$(basename "$ko")" >>"$root/modules/disk/order"
done
command -v mkfs.ext4 >/dev/null || { echo "vm: mkfs.ext4 not installed (e2fsprogs)" >&2; exit 1; }
truncate -s 16M "$root/disk.img"
mkfs.ext4 -q -F "$root/disk.img"
printf 'root:x:0:0:root:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
	>"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

# The per-uid limits (Q5) are tests/common/harness.h's own.
harness_h=$here/../common/harness.h
limit() {
	v=$(sed -n "s/^#define $1[[:space:]]\{1,\}//p" "$harness_h" | sed 's/ULL//g')
	[ -n "$v" ] || { echo "vm: $1 not in $harness_h" >&2; exit 1; }
	echo $(($v))
}
uid_clients=$(limit HARNESS_MAX_UID_CLIENTS) uid_sections=$(limit HARNESS_MAX_UID_SECTIONS)
uid_bytes=$(limit HARNESS_MAX_UID_BYTES) uid_tokens=$(limit HARNESS_MAX_UID_TOKENS)
owner_sections=$(limit HARNESS_MAX_OWNER_SECTIONS)

# Quotas as tests/common/harness.h starts secshmd with; gid 0 is trusted;
# a double fetch in a CALL is an error (P6).
cat >"$root/etc/secshm-vm.conf" <<EOF
SECSHM_PARAMS="max_handles=64 max_views=64 max_sections=32 max_bytes=67108864 trusted_gid=0 \
uid_clients=$uid_clients uid_sections=$uid_sections uid_bytes=$uid_bytes uid_tokens=$uid_tokens \
owner_sections=$owner_sections check_fetch=1"
export SECSHM_TEST_MAX_HANDLES=64 SECSHM_TEST_MAX_VIEWS=64
export SECSHM_TEST_MAX_SECTIONS=32 SECSHM_TEST_MAX_BYTES=67108864
export SECSHM_TEST_MAX_UID_CLIENTS=$uid_clients SECSHM_TEST_MAX_UID_SECTIONS=$uid_sections
export SECSHM_TEST_MAX_UID_BYTES=$uid_bytes SECSHM_TEST_MAX_UID_TOKENS=$uid_tokens
export SECSHM_TEST_MAX_OWNER_SECTIONS=$owner_sections
SECSHM_TEST_TIMEOUT=300
EOF
[ -n "${SECSHM_VM_TEST_TIMEOUT:-}" ] && echo "SECSHM_TEST_TIMEOUT=$SECSHM_VM_TEST_TIMEOUT" >>"$root/etc/secshm-vm.conf"

vm_add_libs "$root" "$cmd"
: >"$root/tests/list"
for t in "$@"; do
	rel=$(basename "$(dirname "$t")")/$(basename "$t")
	mkdir -p "$root/tests/$(dirname "$rel")"
	cp "$t" "$root/tests/$rel"
	echo "$rel" >>"$root/tests/list"
	vm_add_libs "$root" "$t"
done

vm_pack "$root" "$work/initrd.gz"

log=$work/console.log
echo "vm: booting $kernel with $# test binaries (timeout ${timeout_s}s)"
set +e
timeout "$timeout_s" qemu-system-x86_64 -accel tcg -m 1G -smp 2 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 slub_debug=FZPU panic_on_warn=1 panic=-1 oops=panic quiet ${SECSHM_VM_APPEND:-}" \
	</dev/null >"$log" 2>&1
qrc=$?
set -e
[ -n "${SECSHM_VM_LOG:-}" ] && tr -d '\r' <"$log" >"$SECSHM_VM_LOG"

# The tests' output: everything before the kernel log dump.
sed -n '/SECSHM-VM: boot/,/SECSHM-VM: DMESG-BEGIN/p' "$log" | grep -v 'SECSHM-VM: DMESG-BEGIN' | tr -d '\r'

fail=""
[ $qrc -eq 124 ] && fail="$fail timeout"
grep -q 'SECSHM-VM: DONE' "$log" || fail="$fail no-clean-poweroff"
grep -q 'SECSHM-VM: LOAD ok' "$log" || fail="$fail load"
grep -q 'SECSHM-VM: DISK ok' "$log" || fail="$fail disk"
grep -q 'SECSHM-VM: UNLOAD ok' "$log" || fail="$fail unload"
bad_tests=$(tr -d '\r' <"$log" | awk '/^SECSHM-VM: RC / && $4 != 0 { print $3 }')
[ -n "$bad_tests" ] && fail="$fail tests($(echo $bad_tests))"
ran=$(grep -c '^SECSHM-VM: RC ' "$log" || true)
# The test cases' own tally, as the host's scripts/run-tests.sh prints it.
cases_passed=$(tr -d '\r' <"$log" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
cases_failed=$(tr -d '\r' <"$log" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
[ "$ran" -eq $# ] || fail="$fail ran-$ran-of-$#"

# Anything the kernel logged that means a bug (the command line names the
# options); a panic leaves no DONE marker and fails above.
kbad=$(tr -d '\r' <"$log" | sed -n '/SECSHM-VM: DMESG-BEGIN/,/SECSHM-VM: DMESG-END/p' |
	grep -v -e 'Kernel command line' -e 'kmemleak: Kernel memory leak detector initialized' \
		-e 'kmemleak: Automatic memory scanning thread' | grep -E \
	'BUG[: ]|WARNING:|Oops|Call Trace|general protection|Kernel panic|KASAN|UBSAN|kmemleak:|leak|Poison overwritten|Redzone|Object padding|INFO: task .* blocked|slab error|refcount_t:' |
	grep -v 'SECSHM-VM:' || true)
kleak=$(sed -n '/SECSHM-VM: KMEMLEAK-BEGIN/,/SECSHM-VM: KMEMLEAK-END/p' "$log" | grep -v 'SECSHM-VM:' || true)
if [ -n "$kbad" ] || [ -n "$kleak" ]; then
	fail="$fail kernel-log"
	echo "--- kernel reported:"
	printf '%s\n%s\n' "$kbad" "$kleak"
fi

if [ -n "$fail" ]; then
	echo "--- console log ($log):"
	tr -d '\r' <"$log" | tail -n 200
	echo "vm-check: FAILED:$fail"
	echo "vm: $cases_passed passed, $((cases_failed > 0 ? cases_failed : 1)) failed"
	trap - EXIT
	exit 1
fi
echo "vm-check: passed ($ran test binaries, modules unloaded, kernel log clean)"
echo "vm: $cases_passed passed, $cases_failed failed"
