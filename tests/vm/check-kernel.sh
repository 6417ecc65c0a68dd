#!/bin/sh
# Usage: tests/vm/check-kernel.sh LOG KDIR KMOD_DIR TEST_BIN...
#
# SPEC: V1 — make check-kernel: tests/vm/run.sh, with its initramfs, module
# parameters, tests and verdict, booting the debug kernel built in KDIR
# (scripts/debug-kernel.sh) instead of Debian's. Reports are collected,
# not fatal at once: panic_on_warn=0 and kasan_multi_shot let every test
# run and every report print (an Oops still panics), and any report fails
# the run. tests/vm/init marks what boot left as seen by kmemleak before
# loading the modules and scans with them loaded and after unloading, so
# every kmemleak report counts. The console log is kept in LOG. Prints one
# line: what the booted kernel checks (from its /proc/config.gz, the files
# only a kernel doing those checks has, KASAN's boot message as init saw
# it: a run full of reports overflows the log), and the tally.
set -u
log=$1 kdir=$2 kmod=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)

out=$(SECSHM_VM_KERNEL=$kdir/arch/x86/boot/bzImage \
	SECSHM_VM_APPEND="panic_on_warn=0 kasan_multi_shot log_buf_len=8M" \
	SECSHM_VM_TEST_TIMEOUT=${SECSHM_VM_TEST_TIMEOUT:-1200} \
	SECSHM_VM_TIMEOUT=${SECSHM_VM_TIMEOUT:-3600} \
	SECSHM_VM_LOG=$log "$here/run.sh" debug "$kmod" "$@" 2>&1)
rc=$?
printf '%s\n' "$out"
[ -s "$log" ] || { echo "check-kernel: no console log"; exit 1; }

kver=$(sed -n 's/.*SECSHM-VM: boot //p' "$log")
has() { grep -qx "SECSHM-VM: $1" "$log" && echo y || echo n; }
kasan=$(has 'CONFIG CONFIG_KASAN=y')
[ "$(has 'HAVE kasan')" = y ] || kasan=n
lockdep=$(has 'CONFIG CONFIG_PROVE_LOCKING=y')
[ "$(has 'HAVE /proc/lockdep')" = y ] || lockdep=n
kmemleak=$(has 'CONFIG CONFIG_DEBUG_KMEMLEAK=y')
[ "$(has 'HAVE /sys/kernel/debug/kmemleak')" = y ] || kmemleak=n
ubsan=$(has 'CONFIG CONFIG_UBSAN=y')
kcov=$(has 'CONFIG CONFIG_KCOV=y')
[ "$(has 'HAVE /sys/kernel/debug/kcov')" = y ] || kcov=n

# One header line per report: KASAN, UBSAN, lockdep and every WARN
# (DEBUG_OBJECTS, DEBUG_VM's VM_WARN, refcount_t), BUG (DEBUG_VM's
# VM_BUG_ON, sleeping in atomic, soft lockups), faults, hung tasks, RCU
# stalls; and every object kmemleak suspects.
dmesg=$(sed -n '/^SECSHM-VM: DMESG-BEGIN/,/^SECSHM-VM: DMESG-END/p' "$log")
headers=$(printf '%s\n' "$dmesg" | grep -v 'Kernel command line' | grep -E \
	'BUG: |WARNING: |UBSAN: |kernel BUG at |general protection fault|INFO: task .* blocked for|rcu: INFO: |Kernel panic' || true)
leaks=$(sed -n '/^SECSHM-VM: KMEMLEAK-BEGIN/,/^SECSHM-VM: KMEMLEAK-END/p' "$log" | grep -c '^unreferenced object')
reports=$(($(printf '%s' "$headers" | grep -c .) + leaks))
tally=$(printf '%s\n' "$out" | sed -n 's/^vm: \([0-9]* passed, [0-9]* failed\)$/\1/p' | tail -n 1)
[ -n "$tally" ] || tally="0 passed, 1 failed"

if [ "$reports" -gt 0 ]; then
	echo "--- the debug kernel's reports (whole log: $log):"
	printf '%s\n' "$dmesg" | grep -v '^SECSHM-VM:'
	sed -n '/^SECSHM-VM: KMEMLEAK-BEGIN/,/^SECSHM-VM: KMEMLEAK-END/p' "$log"
fi
echo "check-kernel: ${kver:-no-boot} KASAN=$kasan LOCKDEP=$lockdep KMEMLEAK=$kmemleak UBSAN=$ubsan KCOV=$kcov: $tally, $reports reports"
case "$kasan$lockdep$kmemleak$ubsan$kcov" in
yyyyy) ;;
*) echo "check-kernel: the booted kernel lacks a checker"; exit 1 ;;
esac
[ $rc -eq 0 ] && [ "$reports" -eq 0 ]
