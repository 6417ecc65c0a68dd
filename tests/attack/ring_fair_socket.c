// SPDX-License-Identifier: MIT
/*
 * A ring client against a server that busy-polls rings (Q5): the attack
 * sent a request just before each poll deadline, so a server that reset
 * its deadline with every request never went back to its other clients.
 * The loop serves rings in bounded slices between epoll batches, so the
 * others are answered while the ring stays busy.
 */
#include "attack.h"

static int child_ring(void *arg, int in, int out)
{
	struct secshm_ring *r;
	struct secshm_cqe cqe;
	struct pollfd stop = { .fd = in, .events = POLLIN };
	struct secshm *s;
	uint64_t n = 0;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_ring_setup(s, 16, &r));
	while (poll(&stop, 1, 0) == 0) {
		CHILD_OK(secshm_ring_submit(r, SECSHM_CALL_STATS, NULL, 0, NULL, 0, n));
		CHILD_OK(secshm_ring_wait(r, &cqe, 1000000, 30000));
		CHILD_EQ(cqe.user_data, n);
		CHILD_EQ(cqe.status, -EACCES);	/* nobody may not read the stats */
		if (n++ == 10)
			CHILD_EQ(write(out, "r", 1), 1);	/* busy, and well inside a poll window */
		attack_sleep_us(200);
	}
	secshm_ring_free(r);
	secshm_disconnect(s);
	return 0;
}

static int child_other(void *arg)
{
	return harness_check_serves();
}

/*
 * SPEC: Q5 — with rings busy-polled for a second after each request, a
 * nobody client keeps its ring busy with a request every 200 us; another
 * uid's socket client is served meanwhile (a server held by the ring
 * would leave it waiting until its watchdog fires).
 */
static void test_ring_cannot_hold_the_loop(void **state)
{
	struct attack_child ch = ATTACK_CHILD_INIT;
	int other;

	assert_int_equal(attack_spawn(&ch, HARNESS_NOBODY, HARNESS_NOGROUP, child_ring, NULL), 0);
	assert_int_equal(attack_await(ch.from_child, 30000), 0);
	other = harness_run_as(4242, 4242, child_other, NULL);
	attack_post(ch.to_child);
	assert_int_equal(attack_reap(&ch), 0);
	assert_int_equal(other, 0);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_ring_cannot_hold_the_loop),
};

HARNESS_MAIN(tests, HARNESS_DAEMON_POLL)
