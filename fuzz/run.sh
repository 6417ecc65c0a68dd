#!/bin/bash
# Run libFuzzer targets: fuzz/run.sh BUILD SECONDS RUNS TARGET...
# Each target runs for SECONDS (and at most RUNS inputs if RUNS > 0) over
# BUILD/corpus/TARGET, seeded from fuzz/corpus/TARGET, with any flags listed
# in fuzz/TARGET.flags. Prints one line per
# target; on a crash, leak, timeout or failed invariant prints the report and
# where the reproducer was saved, and exits non-zero.
set -u
build=$1 secs=$2 runs=$3; shift 3
failed=""
for t in "$@"; do
	bin=$build/bin/$t corpus=$build/corpus/$t art=$build/artifacts/$t/ log=$build/log/$t.log
	mkdir -p "$corpus" "$art" "$build/log"
	[ -d "fuzz/corpus/$t" ] && cp -n fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null
	extra=()
	[ "$runs" -gt 0 ] && extra+=("-runs=$runs")
	# fuzz/TARGET.flags: more libFuzzer flags for that target, one a line.
	[ -f "fuzz/$t.flags" ] && mapfile -t -O ${#extra[@]} extra < <(grep -v '^#' "fuzz/$t.flags")
	# Leak checking stays on whatever the caller's ASAN_OPTIONS say.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1" \
	UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1" \
		"$bin" -max_total_time="$secs" "${extra[@]}" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$art" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 | cut -d' ' -f2)
	ninputs=$(find "$corpus" -type f | wc -l)
	if [ $rc -eq 0 ] && [ -n "$execs" ]; then
		echo "fuzz $t: ok, ${execs} execs in ${secs}s (${rate:-?}/s), cov ${cov:-?}, corpus ${ninputs}"
	else
		echo "---- $log (tail)"
		tail -n 80 "$log"
		crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n1)
		echo "fuzz $t: FAILED (exit $rc) after ${execs:-?} execs${crash:+; reproduce with: $bin $crash}"
		failed="$failed $t"
	fi
done
[ -z "$failed" ]
