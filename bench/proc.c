// SPDX-License-Identifier: MIT
/* Processes of the run: pinning, children, /proc figures, descriptor limits. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bench.h"

int bench_pin(pid_t pid, int cpu)
{
	cpu_set_t set;
	int n = (int)sysconf(_SC_NPROCESSORS_ONLN);

	CPU_ZERO(&set);
	if (cpu >= 0)
		CPU_SET(cpu, &set);
	else
		for (int i = 0; i < n && i < CPU_SETSIZE; i++)
			CPU_SET(i, &set);
	return sched_setaffinity(pid, sizeof(set), &set) ? -errno : 0;
}

int bench_pin_pair(pid_t peer, bool pinned)
{
	int err = bench_pin(0, pinned ? 0 : -1);

	if (!err && peer > 0)
		err = bench_pin(peer, pinned ? 0 : -1);
	/* Let the peer migrate now rather than inside the measurement. */
	sched_yield();
	return err;
}

pid_t bench_fork(int (*fn)(void *), void *arg)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		_exit(fn(arg) & 0xff);
	return pid;
}

int bench_reap(pid_t pid, bool term)
{
	int st;

	if (pid <= 0)
		return -1;
	if (term)
		kill(pid, SIGTERM);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static long long kb_field(const char *path, const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long long v = -1;
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, n) && line[n] == ':') {
			v = strtoll(line + n + 1, NULL, 10);
			break;
		}
	}
	if (f)
		fclose(f);
	return v;
}

long long bench_proc_kb(pid_t pid, const char *file, const char *field)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	return kb_field(path, field);
}

long long bench_meminfo_kb(const char *field)
{
	return kb_field("/proc/meminfo", field);
}

int bench_wait_socket(const char *path, int timeout_ms, pid_t child)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	uint64_t deadline = bench_now_ns() + (uint64_t)timeout_ms * 1000000ULL;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	while (bench_now_ns() < deadline) {
		int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		int ok = fd >= 0 && !connect(fd, (struct sockaddr *)&sun, sizeof(sun));
		struct timespec ts = { 0, 2000000 };

		if (fd >= 0)
			close(fd);
		if (ok)
			return 0;
		if (child > 0 && waitpid(child, NULL, WNOHANG) == child)
			return -ECHILD;
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

long bench_raise_nofile(void)
{
	struct rlimit rl;
	long max = 1 << 20;
	FILE *f = fopen("/proc/sys/fs/nr_open", "r");

	if (f) {
		if (fscanf(f, "%ld", &max) != 1)
			max = 1 << 20;
		fclose(f);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	/* Root may lift the hard limit; everyone may lift the soft one to it. */
	if ((long)rl.rlim_max < max) {
		struct rlimit want = { (rlim_t)max, (rlim_t)max };

		if (!setrlimit(RLIMIT_NOFILE, &want))
			rl = want;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	getrlimit(RLIMIT_NOFILE, &rl);
	return (long)rl.rlim_cur;
}
