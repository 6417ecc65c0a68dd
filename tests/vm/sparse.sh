#!/bin/sh
# sparse over every file of the staged module (C=2: all of them, built or
# not). Warnings from kernel headers are the kernel's; any from the module's
# own files fail.
set -u
kdir=$1 mdir=$2
log=$mdir/sparse.log
make -s -C "$kdir" M="$mdir" C=2 CHECK=sparse modules >"$log" 2>&1
rc=$?
own=$(grep -E "^$mdir/[^:]*:[0-9]+:[0-9]+: (warning|error)" "$log")
if [ $rc -ne 0 ] || [ -n "$own" ]; then
	cat "$log"
	echo "kmod-sparse: FAILED" >&2
	exit 1
fi
echo "kmod-sparse: clean ($(grep -c '^/.*: warning:' "$log") warnings from kernel headers)"
