#!/bin/bash
# Run cmocka test binaries; print each one's output and a closing tally of
# test cases ("N passed, N failed"). Exit non-zero if any binary fails.
set -u
build=$1; shift
passed=0 failed=0 bad_bins=""
for t in "$@"; do
	echo "== $t"
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	passed=$((passed + p)); failed=$((failed + f))
	if [ $rc -ne 0 ] || [ "$p" -eq 0 ]; then
		bad_bins="$bad_bins $t"
		[ "$f" -eq 0 ] && failed=$((failed + 1))
	fi
done
echo
[ -n "$bad_bins" ] && echo "failing binaries:$bad_bins"
echo "$passed passed, $failed failed"
[ -z "$bad_bins" ]
