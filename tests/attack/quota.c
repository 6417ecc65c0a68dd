// SPDX-License-Identifier: MIT
/*
 * Quota exhaustion (Q1) by a nobody client: it takes every handle, section,
 * byte or view it may and holds them while root and another nobody client
 * check that they are served normally; then it gives back one and gets one
 * again. The harness starts secshmd with known per-client limits
 * (tests/common/harness.h); an external server's are read from the
 * environment, or the test is skipped.
 */
#include "attack.h"

enum what { HANDLES, SECTIONS, BYTES, VIEWS };

struct quota_arg {
	enum what what;
	struct harness_limits l;
};

static struct harness_limits limits(void)
{
	struct harness_limits l;

	if (harness_limits(&l) < 0)
		skip();
	return l;
}

static int exhaust_handles(struct secshm *s, const struct harness_limits *l, uint32_t *hs,
			   uint32_t *n)
{
	uint32_t x;
	void *v;

	CHILD_OK(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &hs[0]));
	for (*n = 1; *n < l->handles; (*n)++)
		CHILD_OK(secshm_duplicate(s, hs[0], SECSHM_GENERIC_READ, &hs[*n]));
	CHILD_STATUS(secshm_duplicate(s, hs[0], SECSHM_GENERIC_READ, &x), -EDQUOT);
	CHILD_STATUS(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &x), -EDQUOT);
	if (attack_is_socket())		/* a view takes a handle on the socket */
		CHILD_STATUS(secshm_map(s, hs[0], 0, 4096, RW, &v), -EDQUOT);
	/* Give one back, take one again, and hit the wall again. */
	CHILD_OK(secshm_close(s, hs[*n - 1]));
	CHILD_OK(secshm_duplicate(s, hs[0], SECSHM_GENERIC_READ, &hs[*n - 1]));
	CHILD_STATUS(secshm_duplicate(s, hs[0], SECSHM_GENERIC_READ, &x), -EDQUOT);
	return 0;
}

static int exhaust_sections(struct secshm *s, const struct harness_limits *l, uint32_t *hs,
			    uint32_t *n)
{
	uint32_t x;

	for (*n = 0; *n < l->sections; (*n)++)
		CHILD_OK(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &hs[*n]));
	CHILD_STATUS(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &x), -EDQUOT);
	CHILD_OK(secshm_close(s, hs[*n - 1]));
	CHILD_OK(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &hs[*n - 1]));
	CHILD_STATUS(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &x), -EDQUOT);
	return 0;
}

static int exhaust_bytes(struct secshm *s, const struct harness_limits *l, uint32_t *hs,
			 uint32_t *n)
{
	uint64_t page = harness_page();
	uint32_t x;

	/* Too big at once, in several ways. */
	CHILD_STATUS(secshm_create(s, NULL, l->bytes + page, SECSHM_GENERIC_ALL, 0, NULL, &x),
		     -EDQUOT);
	CHILD_STATUS(secshm_create(s, NULL, l->bytes + 1, SECSHM_GENERIC_ALL, 0, NULL, &x),
		     -EDQUOT);
	CHILD_STATUS(secshm_create(s, NULL, 1ULL << 62, SECSHM_GENERIC_ALL, 0, NULL, &x),
		     -EDQUOT);
	/* Exactly the quota in two sections, then nothing more. */
	CHILD_OK(secshm_create(s, NULL, l->bytes - page, SECSHM_GENERIC_ALL, 0, NULL, &hs[0]));
	CHILD_STATUS(secshm_create(s, NULL, 2 * page, SECSHM_GENERIC_ALL, 0, NULL, &x), -EDQUOT);
	CHILD_OK(secshm_create(s, NULL, page, SECSHM_GENERIC_ALL, 0, NULL, &hs[1]));
	*n = 2;
	CHILD_STATUS(secshm_create(s, NULL, 1, SECSHM_GENERIC_ALL, 0, NULL, &x), -EDQUOT);
	CHILD_OK(secshm_close(s, hs[1]));
	CHILD_OK(secshm_create(s, NULL, page, SECSHM_GENERIC_ALL, 0, NULL, &hs[1]));
	CHILD_STATUS(secshm_create(s, NULL, 1, SECSHM_GENERIC_ALL, 0, NULL, &x), -EDQUOT);
	return 0;
}

/* Views: on the socket each view also takes a handle, whichever quota bites first. */
static int exhaust_views(struct secshm *s, const struct harness_limits *l, void **vs,
			 uint32_t *h, uint32_t *n)
{
	uint32_t expect = l->views;
	void *v;

	if (attack_is_socket() && l->handles - 1 < expect)
		expect = l->handles - 1;
	CHILD_OK(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, h));
	for (*n = 0; *n < expect; (*n)++)
		CHILD_OK(secshm_map(s, *h, 0, 4096, *n % 2 ? RO : RW, &vs[*n]));
	CHILD_STATUS(secshm_map(s, *h, 0, 4096, RO, &v), -EDQUOT);
	CHILD_OK(secshm_unmap(s, vs[*n - 1]));
	CHILD_OK(secshm_map(s, *h, 0, 4096, RO, &vs[*n - 1]));
	CHILD_STATUS(secshm_map(s, *h, 0, 4096, RW, &v), -EDQUOT);
	return 0;
}

/* Another nobody client, while the attacker holds its quota. */
static int child_unaffected(void *p)
{
	struct secshm *s;
	uint32_t h, d;
	void *v;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create(s, NULL, 1 << 20, SECSHM_GENERIC_ALL, 0, NULL, &h));
	CHILD_OK(secshm_duplicate(s, h, SECSHM_GENERIC_READ, &d));
	CHILD_OK(secshm_map(s, h, 0, 1 << 20, RW, &v));
	memset(v, 1, 1 << 20);
	CHILD_OK(secshm_unmap(s, v));
	CHILD_OK(secshm_close(s, d));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

static int child_exhaust(void *p, int in, int out)
{
	const struct quota_arg *a = p;
	uint32_t hs[4096], h = 0, n = 0;
	void *vs[4096];
	struct secshm *s;
	int r = 1;

	CHILD_CHECK(a->l.handles <= 4096 && a->l.views <= 4096 && a->l.sections <= 4096);
	CHILD_OK(secshm_connect(NULL, &s));
	switch (a->what) {
	case HANDLES:
		r = exhaust_handles(s, &a->l, hs, &n);
		break;
	case SECTIONS:
		r = exhaust_sections(s, &a->l, hs, &n);
		break;
	case BYTES:
		r = exhaust_bytes(s, &a->l, hs, &n);
		break;
	case VIEWS:
		r = exhaust_views(s, &a->l, vs, &h, &n);
		break;
	}
	CHILD_EQ(r, 0);
	CHILD_EQ(attack_post(out), 0);
	CHILD_EQ(attack_await(in, 30000), 0);
	/* Still at the wall after the others were served; then release all. */
	if (a->what == VIEWS) {
		void *v;

		CHILD_STATUS(secshm_map(s, h, 0, 4096, RO, &v), -EDQUOT);
		for (uint32_t i = 0; i < n; i++)
			CHILD_OK(secshm_unmap(s, vs[i]));
		CHILD_OK(secshm_close(s, h));
	} else {
		for (uint32_t i = n; i-- > 0;)
			CHILD_OK(secshm_close(s, hs[i]));
	}
	secshm_disconnect(s);
	return 0;
}

static void run_exhaust(enum what what)
{
	struct quota_arg a = { .what = what, .l = limits() };
	struct attack_child ch = ATTACK_CHILD_INIT;

	assert_int_equal(attack_spawn(&ch, HARNESS_NOBODY, HARNESS_NOGROUP, child_exhaust, &a), 0);
	if (attack_await(ch.from_child, 30000) == 0) {
		assert_int_equal(harness_check_serves(), 0);
		assert_int_equal(harness_as_nobody(child_unaffected, NULL), 0);
		attack_post(ch.to_child);
	}
	assert_int_equal(attack_reap(&ch), 0);
}

/*
 * SPEC: Q1 — a nobody client holding its whole handle quota gets -EDQUOT
 * for duplicate, create (and, on the socket, map); closing one lets it take
 * exactly one more; root and another nobody client are served meanwhile.
 */
static void test_exhaust_handles(void **state)
{
	run_exhaust(HANDLES);
}

/* SPEC: Q1 — the same for the section quota: the next create is -EDQUOT. */
static void test_exhaust_sections(void **state)
{
	run_exhaust(SECTIONS);
}

/*
 * SPEC: Q1 — the byte quota: one section over it (by a page, a byte,
 * or 2^62 bytes) is -EDQUOT; sections adding up to exactly the quota work
 * and the next byte is -EDQUOT.
 */
static void test_exhaust_bytes(void **state)
{
	run_exhaust(BYTES);
}

/*
 * SPEC: Q1 — the view quota (on the socket bounded by the handle quota,
 * since every view record is a handle): the next map is -EDQUOT, unmapping
 * one lets exactly one more be mapped.
 */
static void test_exhaust_views(void **state)
{
	run_exhaust(VIEWS);
}

static int child_permanent(void *arg)
{
	const struct harness_limits *l = arg;
	uint32_t total = 0, h;
	char name[64];
	bool full = false;

	/* Connection after connection, each below its own section quota. */
	for (uint32_t conn = 0; conn < 2 * l->owner_sections / l->sections + 2 && !full;
	     conn++) {
		struct secshm *s;

		CHILD_OK(secshm_connect(NULL, &s));
		for (uint32_t k = 0; k + 1 < l->sections; k++) {
			int r;

			snprintf(name, sizeof(name), "t/%d-perm-%u", (int)getpid(), total);
			r = secshm_create(s, name, 4096, SECSHM_GENERIC_ALL,
					  SECSHM_CREATE_PERMANENT | SECSHM_CREATE_NEW, NULL, &h);
			if (r == -EDQUOT) {
				full = true;
				break;
			}
			CHILD_OK(r);
			CHILD_OK(secshm_close(s, h));
			total++;
		}
		secshm_disconnect(s);
	}
	CHILD_CHECK(full);
	CHILD_EQ(total, l->owner_sections);
	/* Still full from a fresh connection; then the owner cleans up. */
	{
		struct secshm *s;

		CHILD_OK(secshm_connect(NULL, &s));
		snprintf(name, sizeof(name), "t/%d-perm-x", (int)getpid());
		CHILD_STATUS(secshm_create(s, name, 4096, SECSHM_GENERIC_ALL,
					   SECSHM_CREATE_PERMANENT, NULL, &h), -EDQUOT);
		CHILD_EQ(harness_check_serves(), 0);
		for (uint32_t i = 0; i < total; i++) {
			snprintf(name, sizeof(name), "t/%d-perm-%u", (int)getpid(), i);
			CHILD_OK(secshm_open(s, name, SECSHM_ACCESS_DELETE, &h));
			CHILD_OK(secshm_unlink(s, h));
			CHILD_OK(secshm_close(s, h));
		}
		secshm_disconnect(s);
	}
	return 0;
}

/*
 * SPEC: Q1, Q5, S4 — permanent sections outlive their creator's connection,
 * so a nobody client reconnecting to escape its per-client quota still
 * meets the per-owner cap (owner_sections): -EDQUOT, with other clients
 * served; the owner can unlink them all (teardown baseline).
 */
static void test_exhaust_owner_permanent(void **state)
{
	struct harness_limits l = limits();

	ATTACK_AS_NOBODY(child_permanent, &l);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_exhaust_handles),
	HARNESS_TEST(test_exhaust_sections),
	HARNESS_TEST(test_exhaust_bytes),
	HARNESS_TEST(test_exhaust_views),
	HARNESS_TEST(test_exhaust_owner_permanent),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
