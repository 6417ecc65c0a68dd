// SPDX-License-Identifier: MIT
/*
 * Connection floods (Q1, Q2, Q5) from one nobody process: hundreds of held
 * connections, then a burst of connect/disconnect churn. The server refuses
 * connections past the uid's connection quota (-EDQUOT: the device fails
 * the open, the daemon the connection's first request), but must keep
 * serving everyone else and give back every descriptor once the flood is
 * gone.
 */
#include <sys/resource.h>
#include "attack.h"

#define FLOOD	500
#define CHURN	1000

struct flood_result {
	int served;
};

/* The server refused this client: a quota, or a connection error. */
static bool refused(int r)
{
	return r == -EDQUOT || r == -ENOSPC || r == -ECONNRESET || r == -EPIPE ||
	       r == -ENOTCONN || r == -ECONNREFUSED || r == -ECONNABORTED || r == -EPROTO ||
	       r == -EIO;
}

static int child_flood(void *p, int in, int out)
{
	static struct secshm *conns[FLOOD];
	struct rlimit rl = { FLOOD + 64, FLOOD + 64 };
	struct secshm_section_info info;
	struct harness_limits l;
	int served = 0, n = 0;

	/* Enough descriptors for the flood, whatever the default is. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < FLOOD + 64) {
		rl.rlim_cur = rl.rlim_max < FLOOD + 64 ? rl.rlim_max : FLOOD + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (n = 0; n < FLOOD; n++) {
		int r = secshm_connect(NULL, &conns[n]);

		if (r < 0) {
			CHILD_CHECK(refused(r) || r == -EAGAIN || r == -EMFILE);
			break;
		}
		r = secshm_query(conns[n], 12345, &info, NULL);
		if (r == -EBADF)
			served++;
		else
			CHILD_CHECK(refused(r));
	}
	CHILD_CHECK(served > 0);
	CHILD_EQ(harness_limits(&l), 0);
	CHILD_EQ(served, l.uid_clients < FLOOD ? l.uid_clients : FLOOD);
	CHILD_EQ(write(out, &served, sizeof(served)), (ssize_t)sizeof(served));
	CHILD_EQ(attack_await(in, 30000), 0);
	/* Every held connection still answers after the others were served. */
	for (int i = 0; i < n; i++) {
		int r = secshm_query(conns[i], 12345, &info, NULL);

		CHILD_CHECK(r == -EBADF || refused(r));
	}
	for (int i = 0; i < n; i++)
		secshm_disconnect(conns[i]);
	/* Churn: connect, one request, disconnect; or connect and vanish. */
	for (int i = 0; i < CHURN; i++) {
		struct secshm *s;
		int r = secshm_connect(NULL, &s);

		if (r < 0) {
			CHILD_CHECK(refused(r) || r == -EAGAIN);
			continue;
		}
		if (i % 2) {
			r = secshm_query(s, 777, &info, NULL);
			CHILD_CHECK(r == -EBADF || refused(r));
		}
		secshm_disconnect(s);
	}
	return 0;
}

/*
 * SPEC: Q1, Q2, Q5, S4 — 500 connections tried by one nobody process:
 * exactly as many as the uid's connection quota are served, the rest
 * refused; root is served while they are held and the server counts
 * them; after 1,000 more connect/disconnect rounds the server's clients
 * and descriptors return to the baseline (the teardown's check).
 */
static void test_connection_flood(void **state)
{
	struct attack_child ch = ATTACK_CHILD_INIT;
	struct secshm_stats base, now;
	struct pollfd pfd;
	int served = 0;

	assert_ok(harness_stats(&base));
	assert_int_equal(attack_spawn(&ch, HARNESS_NOBODY, HARNESS_NOGROUP, child_flood, NULL), 0);
	pfd = (struct pollfd){ .fd = ch.from_child, .events = POLLIN };
	if (poll(&pfd, 1, 30000) == 1 &&
	    read(ch.from_child, &served, sizeof(served)) == (ssize_t)sizeof(served)) {
		assert_int_equal(harness_check_serves(), 0);
		assert_ok(harness_stats(&now));
		assert_true(now.clients >= base.clients + (uint32_t)served);
		attack_post(ch.to_child);
	}
	assert_int_equal(attack_reap(&ch), 0);
	assert_true(served > 0);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_connection_flood),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
