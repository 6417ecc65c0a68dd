// SPDX-License-Identifier: MIT
/*
 * Transfer tokens under attack (H7, P8, Q1): the daemon's one-use tokens
 * (DUPLICATE with SECSHM_DUP_EXPORT, OPEN with SECSHM_OPEN_TOKEN) guessed,
 * replayed, used after their exporter is gone, used to climb to more
 * access or past the trusted-only rule, and hoarded. Daemon only: on the
 * device a handle passes as a descriptor over SCM_RIGHTS.
 */
#include "raw.h"

struct tok {
	struct secshm_token token;
	uint32_t access;
};

static int child_forged(void *arg)
{
	const struct tok *t = arg;
	struct secshm_token guess;
	struct secshm *s;
	uint32_t h;

	CHILD_OK(secshm_connect(NULL, &s));
	memset(&guess, 0, sizeof(guess));
	CHILD_STATUS(secshm_import(s, &guess, &h), -EBADF);
	memset(&guess, 0xff, sizeof(guess));
	CHILD_STATUS(secshm_import(s, &guess, &h), -EBADF);
	/* Every one-bit neighbour of the real token. */
	for (int bit = 0; bit < 128; bit++) {
		guess = t->token;
		guess.value[bit / 64] ^= 1ULL << (bit % 64);
		CHILD_STATUS(secshm_import(s, &guess, &h), -EBADF);
	}
	/* Halves of it, swapped halves, and random guesses. */
	guess = (struct secshm_token){ { t->token.value[0], 0 } };
	CHILD_STATUS(secshm_import(s, &guess, &h), -EBADF);
	guess = (struct secshm_token){ { 0, t->token.value[1] } };
	CHILD_STATUS(secshm_import(s, &guess, &h), -EBADF);
	guess = (struct secshm_token){ { t->token.value[1], t->token.value[0] } };
	CHILD_STATUS(secshm_import(s, &guess, &h), -EBADF);
	srandom(0x70c);
	for (int i = 0; i < 2000; i++) {
		for (int k = 0; k < 2; k++)
			guess.value[k] = (uint64_t)random() << 33 ^ (uint64_t)random() << 11 ^
					 (uint64_t)random();
		CHILD_STATUS(secshm_import(s, &guess, &h), -EBADF);
	}
	/* Guessing spent nothing: the real token still works, once. */
	CHILD_OK(secshm_import(s, &t->token, &h));
	CHILD_STATUS(secshm_import(s, &t->token, &h), -EBADF);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H7 — forged tokens (zero, all ones, each one-bit neighbour of a live
 * token, its halves, 2,000 random ones) are -EBADF and do not use up the
 * live token, which then redeems exactly once.
 */
static void test_token_forged(void **state)
{
	struct secshm *s = harness_connect();
	struct tok t;
	uint32_t h;

	assert_ok(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	assert_ok(secshm_export(s, h, SECSHM_GENERIC_READ, &t.token));
	ATTACK_AS_NOBODY(child_forged, &t);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static int child_redeem(void *arg)
{
	const struct tok *t = arg;
	struct secshm *s, *s2;
	uint32_t h, x, acc;
	struct secshm_section_info info;
	struct secshm_token again;
	void *v;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_connect(NULL, &s2));
	CHILD_OK(secshm_import(s, &t->token, &h));
	CHILD_OK(secshm_query(s, h, &info, &acc));
	CHILD_EQ(acc, t->access);
	/* Replayed, on the same and on another connection. */
	CHILD_STATUS(secshm_import(s, &t->token, &x), -EBADF);
	CHILD_STATUS(secshm_import(s2, &t->token, &x), -EBADF);
	/* The access it carried and nothing more. */
	CHILD_STATUS(secshm_map(s, h, 0, harness_page(), RW, &v), -EACCES);
	CHILD_STATUS(secshm_export(s, h, SECSHM_GENERIC_WRITE, &again), -EACCES);
	CHILD_STATUS(secshm_export(s, h, SECSHM_ACCESS_DELETE, &again), -EACCES);
	CHILD_STATUS(secshm_duplicate(s, h, SECSHM_GENERIC_WRITE, &x), -EACCES);
	CHILD_STATUS(secshm_unlink(s, h), -EACCES);
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s2);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H7, H3 — nobody redeems a read-only token to root's 0600 section:
 * it gets exactly the exported access (no write, no delete, no re-export
 * or duplicate with more); the token cannot be replayed on any connection.
 */
static void test_token_replay_and_escalation(void **state)
{
	struct secshm *s = harness_connect();
	struct tok t = { .access = SECSHM_ACCESS_QUERY | SECSHM_ACCESS_MAP_READ |
				   SECSHM_ACCESS_DUPLICATE };
	char name[64];
	uint32_t h;

	harness_name(name, sizeof(name), "tok");
	assert_ok(secshm_create(s, name, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	assert_ok(secshm_export(s, h, t.access, &t.token));
	ATTACK_AS_NOBODY(child_redeem, &t);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static int child_dead_token(void *arg)
{
	const struct tok *t = arg;
	struct secshm *s;
	uint32_t h;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_STATUS(secshm_import(s, &t->token, &h), -EBADF);
	secshm_disconnect(s);
	return 0;
}

/* A nobody exporter that hands its token up the pipe and waits to be killed. */
static int child_exporter(void *arg, int in, int out)
{
	struct secshm_token token;
	struct secshm *s;
	uint32_t h;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	CHILD_OK(secshm_export(s, h, SECSHM_GENERIC_READ, &token));
	CHILD_EQ(write(out, &token, sizeof(token)), (ssize_t)sizeof(token));
	for (;;)
		pause();
}

/*
 * SPEC: H7, Q2 — a token is dead once its exporter disconnects, whether it
 * disconnects cleanly (root) or is SIGKILLed (a nobody exporter): redeeming
 * it is -EBADF, and the section it referenced is freed (teardown).
 */
static void test_token_after_exporter_gone(void **state)
{
	struct attack_child ch = ATTACK_CHILD_INIT;
	struct secshm *s = harness_connect();
	struct tok t;
	struct pollfd p;
	uint32_t h;

	assert_ok(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	assert_ok(secshm_export(s, h, SECSHM_GENERIC_READ, &t.token));
	assert_ok(secshm_close(s, h));	/* the token alone holds the section now */
	secshm_disconnect(s);
	ATTACK_AS_NOBODY(child_dead_token, &t);

	assert_int_equal(attack_spawn(&ch, HARNESS_NOBODY, HARNESS_NOGROUP, child_exporter, NULL),
			 0);
	p = (struct pollfd){ .fd = ch.from_child, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 10000), 1);
	assert_int_equal(read(ch.from_child, &t.token, sizeof(t.token)), sizeof(t.token));
	kill(ch.pid, SIGKILL);
	assert_int_equal(attack_reap(&ch), HARNESS_CHILD_SIGNALED + SIGKILL);
	/* The server notices the death in its own time; the token must be dead by then. */
	for (int i = 0; i < 200; i++) {
		struct secshm_stats st;

		assert_ok(harness_stats(&st));
		if (st.clients == 1)
			break;
		attack_sleep_us(5000);
	}
	ATTACK_AS_NOBODY(child_dead_token, &t);
}

static int child_trusted(void *arg)
{
	const struct tok *t = arg;
	struct secshm *s;
	uint32_t h;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_STATUS(secshm_import(s, &t->token, &h), -EACCES);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: P8, H7 — a token to a trusted-only section is refused (-EACCES) to
 * an untrusted client: a token is no way around the trust list.
 */
static void test_token_trusted_only(void **state)
{
	struct secshm *s = harness_connect();
	struct tok t;
	uint32_t h;

	assert_ok(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL,
				SECSHM_SECTION_TRUSTED_ONLY, NULL, &h));
	assert_ok(secshm_export(s, h, SECSHM_GENERIC_READ, &t.token));
	ATTACK_AS_NOBODY(child_trusted, &t);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static int child_hoard(void *arg, int in, int out)
{
	struct secshm_token token;
	struct secshm *s;
	uint32_t h;
	int i, r = 0;

	CHILD_OK(secshm_connect(NULL, &s));
	/* Every token pins a section the client no longer holds a handle to. */
	for (i = 0; i < 100000; i++) {
		r = secshm_create(s, NULL, 1 << 20, SECSHM_GENERIC_ALL, 0, NULL, &h);
		if (r)
			break;
		r = secshm_export(s, h, SECSHM_GENERIC_READ, &token);
		if (r) {
			secshm_close(s, h);
			break;
		}
		CHILD_OK(secshm_close(s, h));
	}
	CHILD_EQ(r, -EDQUOT);
	CHILD_CHECK(i > 0);
	CHILD_EQ(attack_post(out), 0);
	CHILD_EQ(attack_await(in, 30000), 0);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: Q1, H7 — a nobody client hoarding tokens (each keeping a 1 MiB
 * section alive after its handle is closed) hits -EDQUOT (token or
 * section/byte quota), within a bounded number of exports; root is served
 * meanwhile; its disconnect frees every section (teardown).
 */
static void test_token_hoarding(void **state)
{
	struct attack_child ch = ATTACK_CHILD_INIT;

	assert_int_equal(attack_spawn(&ch, HARNESS_NOBODY, HARNESS_NOGROUP, child_hoard, NULL), 0);
	if (attack_await(ch.from_child, 30000) == 0) {
		assert_int_equal(harness_check_serves(), 0);
		attack_post(ch.to_child);
	}
	assert_int_equal(attack_reap(&ch), 0);
}

static int send_open(int sock, const struct secshm_open_args *o)
{
	struct secshm_open_args a = *o;
	struct raw_reply r;
	int st = raw_op(sock, SECSHM_OP_OPEN, &a, sizeof(a), NULL, 0, &r);

	raw_reply_done(&r);
	return st;
}

static int child_token_fields(void *arg)
{
	const struct tok *t = arg;
	struct secshm_open_args o;
	int sock = raw_connect();

	CHILD_CHECK(sock >= 0);
#define OPEN_RESET() do { memset(&o, 0, sizeof(o)); o.size = sizeof(o); \
			  o.flags = SECSHM_OPEN_TOKEN; o.token = t->token; } while (0)
	OPEN_RESET();
	o.access = SECSHM_GENERIC_ALL;	/* a token carries its own access */
	CHILD_RAW(send_open(sock, &o), -EINVAL);
	o.access = SECSHM_ACCESS_QUERY;
	CHILD_RAW(send_open(sock, &o), -EINVAL);
	OPEN_RESET();
	o.name_len = 1;
	o.name[0] = 'a';
	CHILD_RAW(send_open(sock, &o), -EINVAL);
	OPEN_RESET();
	o.name[100] = 'a';
	CHILD_RAW(send_open(sock, &o), -EINVAL);
	OPEN_RESET();
	o.reserved = 1;
	CHILD_RAW(send_open(sock, &o), -EINVAL);
	OPEN_RESET();
	o.flags = SECSHM_OPEN_TOKEN | (1U << 9);
	CHILD_RAW(send_open(sock, &o), -EINVAL);
	/* A token in a by-name OPEN. */
	OPEN_RESET();
	o.flags = 0;
	o.access = SECSHM_GENERIC_READ;
	o.name_len = (uint32_t)snprintf(o.name, sizeof(o.name), "t/none");
	CHILD_RAW(send_open(sock, &o), -EINVAL);
#undef OPEN_RESET
	/* None of that spent the token. */
	{
		struct secshm *s;
		uint32_t h;

		CHILD_OK(secshm_connect(NULL, &s));
		CHILD_OK(secshm_import(s, &t->token, &h));
		secshm_disconnect(s);
	}
	close(sock);
	return 0;
}

/*
 * SPEC: H7, R4 — OPEN by token with access bits, a name, name bytes,
 * reserved bits or unknown flags, and a by-name OPEN that carries token
 * bytes, are -EINVAL and do not spend the token.
 */
static void test_token_request_fields(void **state)
{
	struct secshm *s = harness_connect();
	struct tok t;
	uint32_t h;

	assert_ok(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	assert_ok(secshm_export(s, h, SECSHM_GENERIC_READ, &t.token));
	ATTACK_AS_NOBODY(child_token_fields, &t);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_token_forged),
	HARNESS_TEST(test_token_replay_and_escalation),
	HARNESS_TEST(test_token_after_exporter_gone),
	HARNESS_TEST(test_token_trusted_only),
	HARNESS_TEST(test_token_hoarding),
	HARNESS_TEST(test_token_request_fields),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
