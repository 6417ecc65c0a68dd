// SPDX-License-Identifier: MIT
/* Lifetime: what keeps a section alive, and that nothing leaks, even on death. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../common/harness.h"

#define RW (SECSHM_PROT_READ | SECSHM_PROT_WRITE)

static struct secshm_stats base_stats(void)
{
	struct secshm_stats st;

	assert_ok(harness_stats(&st));
	return st;
}

/*
 * Wait until sections, views, objects and bytes are base's plus the deltas
 * (handles, fds and clients are compared only at the full baseline).
 */
static void expect_counts(const struct secshm_stats *base, uint32_t dsections, uint32_t dviews,
			  uint64_t dbytes)
{
	struct secshm_stats now;
	int tries;

	for (tries = 0; tries < 2000; tries++) {
		assert_ok(harness_stats(&now));
		if (now.sections == base->sections + dsections && now.views == base->views + dviews &&
		    now.objects == base->objects + dsections + dviews &&
		    now.bytes == base->bytes + dbytes)
			return;
		usleep(5000);
	}
	fail_msg("counters: sections %u views %u objects %u bytes %llu; expected %u %u %u %llu",
		 now.sections, now.views, now.objects, (unsigned long long)now.bytes,
		 base->sections + dsections, base->views + dviews,
		 base->objects + dsections + dviews, (unsigned long long)(base->bytes + dbytes));
}

/*
 * SPEC: S4 — a section lives while any handle or view remains: an unnamed
 * section whose handle is closed stays usable through its view and is
 * destroyed on unmap; a named one survives its creator's handle through
 * another client's handle and view; counters (objects, sections, views,
 * handles, fds, bytes) return to the baseline.
 */
static void test_last_reference(void **state)
{
	uint64_t page = harness_page();
	struct secshm_stats base = base_stats();
	struct secshm *s = harness_connect(), *s2 = harness_connect();
	unsigned char *v, *v1, *v2;
	char name[64];
	uint32_t h, h1, h2, h3, x;

	/* Unnamed: the view alone keeps it. */
	assert_ok(secshm_create(s, NULL, 2 * page, SECSHM_GENERIC_ALL, 0, NULL, &h));
	assert_ok(secshm_map(s, h, 0, 2 * page, RW, (void **)&v));
	assert_ok(secshm_close(s, h));
	memset(v, 0x3c, 2 * page);
	assert_int_equal(v[2 * page - 1], 0x3c);
	expect_counts(&base, 1, 1, 2 * page);
	assert_ok(secshm_unmap(s, v));
	expect_counts(&base, 0, 0, 0);

	/* Named: creator's handles go first, another client's view goes last. */
	harness_name(name, sizeof(name), "last");
	assert_ok(secshm_create(s, name, 3 * page, SECSHM_GENERIC_ALL, 0, NULL, &h1));
	assert_ok(secshm_duplicate(s, h1, SECSHM_GENERIC_READ, &h2));
	assert_ok(secshm_open(s2, name, SECSHM_GENERIC_READ, &h3));
	assert_ok(secshm_map(s, h1, 0, 3 * page, RW, (void **)&v1));
	assert_ok(secshm_map(s2, h3, page, page, SECSHM_PROT_READ, (void **)&v2));
	harness_fill(v1, 3 * page, 11);
	assert_ok(secshm_close(s, h1));
	assert_ok(secshm_unmap(s, v1));
	assert_ok(secshm_close(s, h2));
	assert_ok(secshm_close(s2, h3));
	expect_counts(&base, 1, 1, 3 * page);
	{
		unsigned char *expect = malloc(2 * page);

		assert_non_null(expect);
		harness_fill(expect, 2 * page, 11);
		assert_memory_equal(v2, expect + page, page);
		free(expect);
	}
	assert_ok(secshm_unmap(s2, v2));
	expect_counts(&base, 0, 0, 0);
	assert_status(secshm_open(s, name, SECSHM_GENERIC_READ, &x), -ENOENT);

	secshm_disconnect(s);
	secshm_disconnect(s2);
	assert_int_equal(harness_wait_stats(&base), 0);
}

/*
 * SPEC: S4 — unlink removes the name at once but the section lives while
 * referenced (query reports UNLINKED, the view still works); a permanent
 * section outlives its handles, keeps its contents and goes on unlink and
 * last close; counters return to the baseline.
 */
static void test_unlink_and_permanent(void **state)
{
	uint64_t page = harness_page();
	struct secshm_stats base = base_stats();
	struct secshm_section_info info;
	struct secshm *s = harness_connect();
	unsigned char *v;
	char name[64], perm[64];
	uint32_t h, x;

	harness_name(name, sizeof(name), "unlink");
	assert_ok(secshm_create(s, name, page, SECSHM_GENERIC_ALL, 0, NULL, &h));
	assert_ok(secshm_map(s, h, 0, page, RW, (void **)&v));
	assert_ok(secshm_unlink(s, h));
	assert_status(secshm_open(s, name, SECSHM_GENERIC_READ, &x), -ENOENT);
	assert_ok(secshm_query(s, h, &info, NULL));
	assert_true(info.flags & SECSHM_SECTION_UNLINKED);
	v[5] = 5;
	assert_int_equal(v[5], 5);
	/* The name is free for a new, different section. */
	assert_ok(secshm_create(s, name, page, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, NULL, &x));
	{
		struct secshm_section_info other;

		assert_ok(secshm_query(s, x, &other, NULL));
		assert_int_not_equal(other.id, info.id);
	}
	assert_ok(secshm_close(s, x));
	assert_ok(secshm_close(s, h));
	expect_counts(&base, 1, 1, page);
	assert_ok(secshm_unmap(s, v));
	expect_counts(&base, 0, 0, 0);

	harness_name(perm, sizeof(perm), "perm");
	assert_ok(secshm_create(s, perm, page, SECSHM_GENERIC_ALL, SECSHM_CREATE_PERMANENT, NULL, &h));
	assert_ok(secshm_query(s, h, &info, NULL));
	assert_true(info.flags & SECSHM_SECTION_PERMANENT);
	assert_ok(secshm_map(s, h, 0, page, RW, (void **)&v));
	harness_fill(v, page, 21);
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
	s = harness_connect();
	expect_counts(&base, 1, 0, page);
	assert_ok(secshm_open(s, perm, SECSHM_GENERIC_ALL, &h));
	assert_ok(secshm_map(s, h, 0, page, SECSHM_PROT_READ, (void **)&v));
	assert_true(harness_check_fill(v, page, 21));
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_unlink(s, h));
	assert_status(secshm_open(s, perm, SECSHM_GENERIC_READ, &x), -ENOENT);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
	assert_int_equal(harness_wait_stats(&base), 0);
}

/* Take a lot and leave without cleaning up. */
static int child_hoard(void *p)
{
	int fd = p ? *(int *)p : -1;
	uint64_t page = harness_page();
	struct secshm *s, *s2;
	char name[64];
	int i;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_connect(NULL, &s2), 0);
	for (i = 0; i < 10; i++) {
		uint32_t h, d, o;
		unsigned char *v;

		harness_local_name(name, sizeof(name), "hoard");
		CHILD_EQ(secshm_create(s, i % 2 ? name : NULL, (i + 1) * page, SECSHM_GENERIC_ALL, 0,
				       NULL, &h), 0);
		CHILD_EQ(secshm_duplicate(s, h, SECSHM_GENERIC_READ, &d), 0);
		CHILD_EQ(secshm_map(s, h, 0, (i + 1) * page, RW, (void **)&v), 0);
		memset(v, i, (i + 1) * page);
		CHILD_EQ(secshm_map(s, d, 0, page, SECSHM_PROT_READ, (void **)&v), 0);
		if (i % 2) {
			CHILD_EQ(secshm_open(s2, name, SECSHM_GENERIC_READ, &o), 0);
			CHILD_EQ(secshm_map(s2, o, 0, page, SECSHM_PROT_READ, (void **)&v), 0);
		}
	}
	if (fd >= 0) {
		CHILD_EQ(write(fd, "R", 1), 1);
		pause();
	}
	_exit(0);
}

/*
 * SPEC: S4, Q2 — a client that exits holding handles, views and named and
 * unnamed sections on two connections (root, and another uid) leaves nothing
 * behind: counters return to the baseline and the names are gone.
 */
static void test_exit_without_cleanup(void **state)
{
	struct secshm_stats base = base_stats();

	assert_int_equal(harness_as_root_child(child_hoard, NULL), 0);
	assert_int_equal(harness_wait_stats(&base), 0);
	assert_int_equal(harness_as_nobody(child_hoard, NULL), 0);
	assert_int_equal(harness_wait_stats(&base), 0);
	assert_int_equal(harness_check_serves(), 0);
}

/*
 * SPEC: Q2 — a client killed with SIGKILL while holding many handles and
 * views: the server frees everything it held and serves the others.
 */
static void test_killed_holding_many(void **state)
{
	struct secshm_stats base = base_stats(), now;
	int pfd[2], st;
	char c;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		alarm(60);
		if (harness_drop_to(HARNESS_NOBODY, HARNESS_NOGROUP) != 0)
			_exit(99);
		_exit(child_hoard(&pfd[1]));
	}
	close(pfd[1]);
	assert_int_equal(read(pfd[0], &c, 1), 1);
	close(pfd[0]);
	assert_ok(harness_stats(&now));
	assert_int_equal(now.sections, base.sections + 10);
	assert_int_equal(now.views, base.views + 25);
	assert_int_equal(now.clients, base.clients + 2);
	assert_int_equal(now.bytes, base.bytes + 55 * harness_page());

	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	assert_int_equal(harness_wait_stats(&base), 0);
	assert_int_equal(harness_check_serves(), 0);
}

/* Requests as fast as possible until killed; count them in *counter. */
static int child_stream(atomic_uint *counter)
{
	uint64_t page = harness_page();
	struct secshm_section_info info;
	struct secshm *s;
	char name[64];
	uint32_t h, d;
	void *v;

	if (secshm_connect(NULL, &s) != 0)
		return 1;
	for (;;) {
		unsigned int n = atomic_load(counter);

		harness_name(name, sizeof(name), "stream");
		if (secshm_create(s, n % 3 ? NULL : name, (n % 7 + 1) * page, SECSHM_GENERIC_ALL, 0,
				  NULL, &h) != 0)
			return 2;
		if (secshm_map(s, h, 0, page, RW, &v) != 0)
			return 3;
		*(volatile char *)v = 1;
		if (secshm_duplicate(s, h, SECSHM_GENERIC_READ, &d) != 0)
			return 4;
		if (secshm_query(s, d, &info, NULL) != 0)
			return 5;
		if (n % 2 && secshm_unmap(s, v) != 0)
			return 6;
		if (secshm_close(s, d) != 0 || secshm_close(s, h) != 0)
			return 7;
		if (!(n % 2) && secshm_unmap(s, v) != 0)
			return 8;
		atomic_fetch_add(counter, 1);
	}
}

/*
 * SPEC: Q2 — a client killed with SIGKILL at arbitrary points of a stream
 * of create/map/duplicate/query/close requests: after each kill the
 * counters return to the baseline and another client is served.
 */
static void test_killed_mid_stream(void **state)
{
	struct secshm_stats base = base_stats();
	atomic_uint *counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int round;

	assert_true(counter != MAP_FAILED);
	for (round = 0; round < 20; round++) {
		unsigned int target = (unsigned int)(round * 7 % 23) + 1;
		struct timespec spin = { 0, (round % 5) * 20000L };
		int st;
		pid_t pid;

		atomic_store(counter, 0);
		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			alarm(60);
			_exit(child_stream(counter));
		}
		while (atomic_load(counter) < target) {
			if (waitpid(pid, &st, WNOHANG) == pid)
				fail_msg("streaming child exited early: status %#x", st);
			sched_yield();
		}
		nanosleep(&spin, NULL);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (!WIFSIGNALED(st))
			fail_msg("streaming child failed: exit %d", WEXITSTATUS(st));
		assert_int_equal(harness_wait_stats(&base), 0);
	}
	munmap(counter, 4096);
	assert_int_equal(harness_check_serves(), 0);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_last_reference),
	HARNESS_TEST(test_unlink_and_permanent),
	HARNESS_TEST(test_exit_without_cleanup),
	HARNESS_TEST(test_killed_holding_many),
	HARNESS_TEST(test_killed_mid_stream),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
