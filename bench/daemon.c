// SPDX-License-Identifier: MIT
/* Start and stop secshmd for the rows that measure the stock daemon. */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include "bench.h"
#include "daemon.h"

#define ARGS_MAX 32

int bench_daemon_start(struct bench_daemon *d, const char *name, const char *const *extra)
{
	static char prog[] = "secshmd", fg[] = "--foreground", addr[] = "--address";
	char *argv[ARGS_MAX] = { prog, fg, addr, d->path };
	int argc = 4, err;

	snprintf(d->path, sizeof(d->path), "%s/%s.sock", bench_cfg.run_dir, name);
	/* execv's argv is not const-correct; the strings are only read. */
	for (; extra && *extra && argc < ARGS_MAX - 1; extra++)
		argv[argc++] = (char *)(uintptr_t)*extra;
	argv[argc] = NULL;
	if (access(bench_cfg.secshmd, X_OK)) {
		bench_skip_reason("no secshmd at %s (--secshmd)", bench_cfg.secshmd);
		return -ENOENT;
	}
	fflush(stdout);
	fflush(stderr);
	d->pid = fork();
	if (d->pid < 0)
		return -errno;
	if (d->pid == 0) {
		execv(bench_cfg.secshmd, argv);
		_exit(127);
	}
	err = bench_wait_socket(d->path, 10000, d->pid);
	if (err) {
		bench_skip_reason("secshmd did not start: %s", strerror(-err));
		bench_daemon_stop(d);
	}
	return err;
}

int bench_daemon_stop(struct bench_daemon *d)
{
	int st = 0;

	if (d->pid > 0)
		st = bench_reap(d->pid, true);
	d->pid = -1;
	return st;
}
