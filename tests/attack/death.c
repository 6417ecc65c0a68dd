// SPDX-License-Identifier: MIT
/*
 * Clients killed at any instant (Q2, S4): nobody processes hammer the
 * server with create, map, duplicate, call and close and are SIGKILLed
 * after a random 0-5 ms, mid-request as often as not. Afterwards every
 * counter the server keeps (clients, objects, sections, views, handles,
 * descriptors, bytes) is back at its baseline and a well-behaved client is
 * served (the harness's teardown).
 */
#include "attack.h"

#define ROUNDS	50

static int hammer(struct secshm *s, uint32_t seed)
{
	uint32_t h[8] = { 0 }, d;
	void *v[8] = { NULL };
	uint64_t stats[8];
	size_t n;

	for (uint32_t i = 0;; i++) {
		uint32_t k = (i + seed) % 8;

		if (v[k]) {
			secshm_unmap(s, v[k]);
			v[k] = NULL;
		}
		if (h[k]) {
			secshm_close(s, h[k]);
			h[k] = 0;
		}
		if (secshm_create(s, NULL, (k + 1) * 65536, SECSHM_GENERIC_ALL, 0, NULL, &h[k]))
			h[k] = 0;
		if (h[k] && secshm_map(s, h[k], 0, 65536, k % 2 ? RO : RW, &v[k]))
			v[k] = NULL;
		if (h[k] && !secshm_duplicate(s, h[k], SECSHM_GENERIC_READ, &d))
			secshm_close(s, d);
		/* Refused for nobody, but a full request and reply all the same. */
		secshm_call(s, SECSHM_CALL_STATS, NULL, 0, NULL, 0, stats, sizeof(stats), &n);
	}
	return 0;
}

static int child_hammer(void *p, int in, int out)
{
	struct secshm *s;

	if (secshm_connect(NULL, &s))
		return 1;
	attack_post(out);
	return hammer(s, (uint32_t)getpid());
}

/* A second connection in the same doomed process, holding a named section and views. */
static int child_hammer_named(void *p, int in, int out)
{
	struct secshm *s, *t;
	char name[64];
	uint32_t h, h2;
	void *v;

	if (secshm_connect(NULL, &s) || secshm_connect(NULL, &t))
		return 1;
	snprintf(name, sizeof(name), "t/%d-doomed", (int)getpid());
	if (secshm_create(s, name, 1 << 20, SECSHM_GENERIC_ALL, 0, NULL, &h) ||
	    secshm_open(t, name, SECSHM_GENERIC_READ, &h2) ||
	    secshm_map(t, h2, 0, 1 << 20, RO, &v))
		return 1;
	attack_post(out);
	return hammer(s, (uint32_t)getpid());
}

/*
 * SPEC: Q2, S4 — 50 nobody clients SIGKILLed after a random 0-5 ms (half of
 * them while connecting, half mid-stream, some holding a named section
 * across two connections): the server survives, frees all they held, and
 * the teardown finds every counter at the baseline.
 */
static void test_kill_mid_request(void **state)
{
	srandom(0xdead);
	for (int i = 0; i < ROUNDS; i++) {
		struct attack_child ch = ATTACK_CHILD_INIT;
		int st;

		assert_int_equal(attack_spawn(&ch, HARNESS_NOBODY, HARNESS_NOGROUP,
					      i % 3 ? child_hammer : child_hammer_named, NULL), 0);
		/* Even rounds: wait until it is connected and working. */
		if (i % 2 == 0)
			attack_await(ch.from_child, 5000);
		attack_sleep_us(random() % 5001);
		kill(ch.pid, SIGKILL);
		st = attack_reap(&ch);
		if (st != HARNESS_CHILD_SIGNALED + SIGKILL)
			fail_msg("round %d: child ended with %d", i, st);
		assert_int_equal(harness_server_check_alive(), 0);
	}
}

static int child_clean_exit(void *p)
{
	struct secshm *s;
	uint32_t h[4];
	void *v;

	/* Exits holding everything, without closing or disconnecting. */
	CHILD_OK(secshm_connect(NULL, &s));
	for (int i = 0; i < 4; i++)
		CHILD_OK(secshm_create(s, NULL, 1 << 20, SECSHM_GENERIC_ALL, 0, NULL, &h[i]));
	CHILD_OK(secshm_map(s, h[0], 0, 1 << 20, RW, &v));
	CHILD_OK(secshm_map(s, h[1], 0, 1 << 20, RO, &v));
	return 0;
}

/*
 * SPEC: Q2, S4 — nobody clients that exit without closing anything (20 in
 * a row) leave nothing behind.
 */
static void test_exit_holding_everything(void **state)
{
	for (int i = 0; i < 20; i++)
		ATTACK_AS_NOBODY(child_clean_exit, NULL);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_kill_mid_request),
	HARNESS_TEST(test_exit_holding_everything),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
