#!/bin/sh
# make demo: start the example privileged server on a private socket, stream
# 1 GiB through its shared section, show four refusals, stop the server.
set -eu
build=${1:-build}
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT

"$build/bin/secshm-example-server" --address "$dir/sock" &
pid=$!
for _ in $(seq 100); do
	[ -S "$dir/sock" ] && break
	sleep 0.05
done
echo "example server (pid $pid) listening on $dir/sock"
SECSHM_ADDRESS="$dir/sock" "$build/bin/secshm-example-client" 1024
kill -TERM "$pid"
wait "$pid"
echo "example server stopped cleanly"
