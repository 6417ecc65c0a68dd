/* SPDX-License-Identifier: MIT */
/* The stock daemon, secshmd, as a child of the bench (B4, B5). */
#ifndef SECSHM_BENCH_DAEMON_H
#define SECSHM_BENCH_DAEMON_H

#include <sys/types.h>

struct bench_daemon {
	pid_t pid;
	char path[256];		/* its socket */
};

/* Start secshmd --foreground on run_dir/name.sock with extra options (NULL-ended). */
int bench_daemon_start(struct bench_daemon *d, const char *name, const char *const *extra);
/* SIGTERM and reap; -1 if it did not exit cleanly. */
int bench_daemon_stop(struct bench_daemon *d);

#endif /* SECSHM_BENCH_DAEMON_H */
