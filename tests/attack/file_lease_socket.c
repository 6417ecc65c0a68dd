// SPDX-License-Identifier: MIT
/*
 * A file with a lease on it (Q5, P9): the server's own open of a client's
 * file is O_NONBLOCK, so a write lease, which makes any other open wait up
 * to lease-break-time (45 s) for the holder, is -EAGAIN at once instead of
 * a daemon waiting on its client. Daemon only: the module opens the file
 * in the caller's own thread, where waiting is the caller's business.
 */
#include "attack.h"

#define LEN	(4 * 4096)

static int child_lease(void *arg)
{
	char path[] = "/tmp/secshm-lease.XXXXXX";
	struct secshm *s;
	uint32_t h;
	int fd = mkstemp(path);

	CHILD_CHECK(fd >= 0);
	CHILD_SYSOK(ftruncate(fd, LEN));
	signal(SIGIO, SIG_IGN);	/* how the kernel asks the holder to give it up */
	/* A write lease: anyone else's open waits for the holder, up to 45 s. */
	CHILD_SYSOK(fcntl(fd, F_SETLEASE, F_WRLCK));
	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_STATUS(secshm_create_file(s, NULL, LEN, fd, SECSHM_GENERIC_WRITE, 0, NULL, &h),
		     -EAGAIN);
	CHILD_EQ(harness_check_serves(), 0);
	CHILD_SYSOK(fcntl(fd, F_SETLEASE, F_UNLCK));
	CHILD_OK(secshm_create_file(s, NULL, LEN, fd, SECSHM_GENERIC_WRITE, 0, NULL, &h));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	close(fd);
	unlink(path);
	return 0;
}

/*
 * SPEC: P9, Q5 — nobody's file carries a write lease: the server's own
 * open of it fails at once with -EAGAIN rather than waiting for nobody to
 * give the lease up, and everyone is served meanwhile.
 */
static void test_leased_file(void **state)
{
	ATTACK_AS_NOBODY(child_lease, NULL);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_leased_file),
};

HARNESS_MAIN(tests, HARNESS_EXAMPLE)
