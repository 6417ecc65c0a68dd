/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the malicious-client suite, on top of tests/common/harness.h.
 * Header-only: mk/tests.mk builds every .c file of tests/attack into its own
 * test binary, so shared code cannot live in a .c file here.
 *
 * The attack body always runs in a forked child dropped to nobody (the
 * harness's uid 65534), because a client of the server's own uid can reach
 * the server process anyway. Children report with CHILD_* checks and return
 * non-zero on the first failure; the parent asserts the exit status. The
 * harness's per-test teardown then checks that a well-behaved client is
 * served and that the server's counters are back at the baseline.
 */
#ifndef SECSHM_TEST_ATTACK_H
#define SECSHM_TEST_ATTACK_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../common/harness.h"
#include "../../examples/example.h"

#define RO	SECSHM_PROT_READ
#define RW	(SECSHM_PROT_READ | SECSHM_PROT_WRITE)

/* Access nobody gets on a section of mode 0644 owned by root: r only. */
#define ATTACK_OTHER_READ \
	(SECSHM_ACCESS_QUERY | SECSHM_ACCESS_MAP_READ | SECSHM_ACCESS_DUPLICATE)

/* In a child: a libsecshm call returns exactly this status. */
#define CHILD_STATUS(call, expected) do {					\
		int _cs_r = (call), _cs_e = (expected);				\
		if (_cs_r != _cs_e) {						\
			fprintf(stderr, "%s:%d: child: %s returned %d (%s), expected %d (%s)\n", \
				__FILE__, __LINE__, #call, _cs_r,		\
				secshm_strerror(_cs_r), _cs_e,			\
				secshm_strerror(_cs_e));			\
			return 1;						\
		}								\
	} while (0)

#define CHILD_OK(call) CHILD_STATUS(call, 0)

/* In a child: a system call returning -1/errno fails with exactly e. */
#define CHILD_ERRNO(call, e) do {						\
		long long _ce_r;						\
		int _ce_e;							\
		errno = 0;							\
		_ce_r = (long long)(call);					\
		_ce_e = errno;							\
		if (_ce_r != -1 || _ce_e != (e)) {				\
			fprintf(stderr, "%s:%d: child: %s returned %lld, errno %d (%s); " \
				"expected -1, errno %d (%s)\n", __FILE__, __LINE__, \
				#call, _ce_r, _ce_e, strerror(_ce_e), (e),	\
				strerror(e));					\
			return 1;						\
		}								\
	} while (0)

/* In a child: a system call succeeds (returns >= 0). */
#define CHILD_SYSOK(call) do {							\
		long long _cs_r;						\
		errno = 0;							\
		_cs_r = (long long)(call);					\
		if (_cs_r < 0) {						\
			fprintf(stderr, "%s:%d: child: %s failed: %s\n",	\
				__FILE__, __LINE__, #call, strerror(errno));	\
			return 1;						\
		}								\
	} while (0)

/* In a child: mmap fails with errno e (and maps nothing). */
#define CHILD_MMAP_FAILS(call, e) do {						\
		void *_cm_p;							\
		int _cm_e;							\
		errno = 0;							\
		_cm_p = (call);							\
		_cm_e = errno;							\
		if (_cm_p != MAP_FAILED || _cm_e != (e)) {			\
			fprintf(stderr, "%s:%d: child: %s gave %p, errno %d (%s); " \
				"expected MAP_FAILED, errno %d (%s)\n", __FILE__, __LINE__, \
				#call, _cm_p, _cm_e, strerror(_cm_e), (e), strerror(e)); \
			return 1;						\
		}								\
	} while (0)

/* Parent: run fn as nobody and require it to pass. */
#define ATTACK_AS_NOBODY(fn, arg) assert_int_equal(harness_as_nobody((fn), (arg)), 0)

static inline bool attack_is_socket(void)
{
	return harness_backend() == SECSHM_BACKEND_SOCKET;
}

static inline long long attack_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void attack_sleep_us(long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * A named section root creates for the attacker: mode (e.g. 0644 gives
 * nobody read-only access, 0666 read-write), filled with the pattern of
 * seed. The parent keeps handle *h until it closes it.
 */
static inline void attack_named_section(struct secshm *s, const char *tag, uint64_t len,
					uint32_t mode, uint32_t seed, char *name, size_t name_len,
					uint32_t *h)
{
	struct secshm_sd sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER,
				.mode = mode };
	void *v;

	harness_name(name, name_len, tag);
	assert_ok(secshm_create(s, name, len, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, &sd, h));
	assert_ok(secshm_map(s, *h, 0, len, RW, &v));
	harness_fill(v, len, seed);
	assert_ok(secshm_unmap(s, v));
}

/* FNV-1a 64 of [off, off + len) of a section as the server computes it. */
static inline int attack_checksum(struct secshm *s, uint32_t h, uint64_t off, uint64_t len,
				  uint64_t *sum)
{
	struct secshm_ref ref = { .handle = h, .flags = SECSHM_REF_READ, .offset = off,
				  .length = len };
	size_t n = 0;
	int r = secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 1, sum, sizeof(*sum), &n);

	if (r >= 0 && n != sizeof(*sum))
		return -EPROTO;
	return r;
}

/*
 * A child running concurrently with the parent, as uid/gid, with two pipes
 * to step through an attack together: the child's fn gets the read end of
 * parent->child and the write end of child->parent.
 */
struct attack_child {
	pid_t pid;
	int to_child;	/* parent writes */
	int from_child;	/* parent reads */
};

#define ATTACK_CHILD_INIT { .pid = -1, .to_child = -1, .from_child = -1 }

static inline int attack_spawn(struct attack_child *ch, uid_t uid, gid_t gid,
			       int (*fn)(void *arg, int in, int out), void *arg)
{
	int down[2], up[2];

	if (pipe2(down, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(up, O_CLOEXEC) < 0) {
		close(down[0]);
		close(down[1]);
		return -1;
	}
	fflush(NULL);
	ch->pid = fork();
	if (ch->pid < 0)
		return -1;
	if (ch->pid == 0) {
		close(down[1]);
		close(up[0]);
		alarm(60);
		if (harness_drop_to(uid, gid) < 0)
			_exit(120);
		fflush(NULL);
		_exit(fn(arg, down[0], up[1]) & 0xff);
	}
	close(down[0]);
	close(up[1]);
	ch->to_child = down[1];
	ch->from_child = up[0];
	return 0;
}

/* One byte through a pipe. */
static inline int attack_post(int fd)
{
	char c = 1;

	return write(fd, &c, 1) == 1 ? 0 : -1;
}

/* Wait (bounded) for one byte; 0, or -1 on timeout or a closed pipe. */
static inline int attack_await(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, timeout_ms) != 1)
		return -1;
	return read(fd, &c, 1) == 1 ? 0 : -1;
}

/* Reap a spawned child: its exit status, or HARNESS_CHILD_SIGNALED + signo. */
static inline int attack_reap(struct attack_child *ch)
{
	int st;

	close(ch->to_child);
	close(ch->from_child);
	while (waitpid(ch->pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(st))
		return HARNESS_CHILD_SIGNALED + WTERMSIG(st);
	return WEXITSTATUS(st);
}

#endif /* SECSHM_TEST_ATTACK_H */
