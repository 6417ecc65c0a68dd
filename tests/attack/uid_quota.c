// SPDX-License-Identifier: MIT
/*
 * Per-uid quotas (Q5, docs/quotas.md). Connections are free, so nobody
 * spreads its sections, bytes, tokens and connections over as many
 * connections as it likes, each one below its own quota: the uid's quota
 * still stops it (-EDQUOT), on every connection and on a fresh one, while
 * another uid (4242) and root are served as before. Then it gives one back
 * and gets exactly one more.
 */
#include "attack.h"

#define OTHER_UID	4242
#define CLIENT_TOKENS	64	/* transfer tokens one connection may hold */
#define MAX_CONNS	128

enum what { SECTIONS, BYTES, TOKENS, CLIENTS };

struct uid_arg {
	enum what what;
	struct harness_limits l;
};

/* What the attacker holds: its connections and, per object, its connection. */
struct hold {
	struct secshm *conns[MAX_CONNS];
	int nconns;
	uint32_t handles[MAX_CONNS * 64];
	int owner[MAX_CONNS * 64];
	int nhandles;
	uint64_t last_len;		/* of the last section created */
	struct secshm_token tok;	/* the last token exported */
};

static struct harness_limits limits(void)
{
	struct harness_limits l;

	assert_int_equal(harness_limits(&l), 0);
	return l;
}

/* Connect and make one request: 0 when served, else how it was refused. */
static int connect_served(struct secshm **s)
{
	struct secshm_section_info info;
	int r = secshm_connect(NULL, s);

	if (r < 0)
		return r;
	r = secshm_query(*s, SECSHM_HANDLE_NONE, &info, NULL);
	if (r == -EBADF)
		return 0;
	secshm_disconnect(*s);
	return r < 0 ? r : -EPROTO;
}

static int new_conn(struct hold *h)
{
	CHILD_CHECK(h->nconns < MAX_CONNS);
	CHILD_OK(connect_served(&h->conns[h->nconns]));
	h->nconns++;
	return 0;
}

static int create(struct hold *h, int conn, uint64_t len)
{
	CHILD_CHECK(h->nhandles < MAX_CONNS * 64);
	CHILD_OK(secshm_create(h->conns[conn], NULL, len, SECSHM_GENERIC_ALL, 0, NULL,
			       &h->handles[h->nhandles]));
	h->owner[h->nhandles++] = conn;
	h->last_len = len;
	return 0;
}

/* Sections: every connection stays one below its own section quota. */
static int fill_sections(const struct harness_limits *l, struct hold *h)
{
	uint32_t x;

	CHILD_CHECK(l->uid_sections > l->sections);
	while ((uint32_t)h->nhandles < l->uid_sections) {
		CHILD_EQ(new_conn(h), 0);
		for (uint32_t k = 0; k + 1 < l->sections &&
				     (uint32_t)h->nhandles < l->uid_sections; k++)
			CHILD_EQ(create(h, h->nconns - 1, 4096), 0);
	}
	for (int c = 0; c < h->nconns; c++)
		CHILD_STATUS(secshm_create(h->conns[c], NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &x),
			     -EDQUOT);
	return 0;
}

/* Bytes: every connection stays a page below its own byte quota. */
static int fill_bytes(const struct harness_limits *l, struct hold *h)
{
	uint64_t page = harness_page(), total = 0;
	uint32_t x;

	CHILD_CHECK(l->uid_bytes > l->bytes && l->uid_bytes % page == 0);
	while (total < l->uid_bytes) {
		uint64_t n = l->uid_bytes - total < l->bytes - page ? l->uid_bytes - total :
								      l->bytes - page;

		CHILD_EQ(new_conn(h), 0);
		CHILD_EQ(create(h, h->nconns - 1, n), 0);
		total += n;
	}
	for (int c = 0; c < h->nconns; c++)
		CHILD_STATUS(secshm_create(h->conns[c], NULL, page, SECSHM_GENERIC_ALL, 0, NULL, &x),
			     -EDQUOT);
	return 0;
}

/* Tokens: each connection exports from a section of its own, one below 64. */
static int fill_tokens(const struct harness_limits *l, struct hold *h)
{
	struct secshm_token tok;
	uint32_t total = 0;

	CHILD_CHECK(l->uid_tokens > CLIENT_TOKENS);
	while (total < l->uid_tokens) {
		CHILD_EQ(new_conn(h), 0);
		CHILD_EQ(create(h, h->nconns - 1, 4096), 0);
		for (int k = 0; k + 1 < CLIENT_TOKENS && total < l->uid_tokens; k++, total++)
			CHILD_OK(secshm_export(h->conns[h->nconns - 1], h->handles[h->nhandles - 1],
					       SECSHM_GENERIC_READ, &h->tok));
	}
	for (int i = 0; i < h->nhandles; i++)
		CHILD_STATUS(secshm_export(h->conns[h->owner[i]], h->handles[i],
					   SECSHM_GENERIC_READ, &tok), -EDQUOT);
	return 0;
}

/* Connections: exactly uid_clients are served, the next is refused. */
static int fill_clients(const struct harness_limits *l, struct hold *h)
{
	struct secshm *x;

	CHILD_CHECK(l->uid_clients <= MAX_CONNS);
	while ((uint32_t)h->nconns < l->uid_clients)
		CHILD_EQ(new_conn(h), 0);
	CHILD_STATUS(connect_served(&x), -EDQUOT);
	CHILD_STATUS(connect_served(&x), -EDQUOT);
	return 0;
}

/* A fresh connection of the same uid is at the same wall. */
static int fresh_refused(const struct uid_arg *a)
{
	struct secshm_token tok;
	struct secshm *s;
	uint32_t x;

	if (a->what == CLIENTS)
		return 0;
	CHILD_OK(connect_served(&s));
	if (a->what == TOKENS) {
		CHILD_OK(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &x));
		CHILD_STATUS(secshm_export(s, x, SECSHM_GENERIC_READ, &tok), -EDQUOT);
		CHILD_OK(secshm_close(s, x));
	} else {
		CHILD_STATUS(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &x), -EDQUOT);
	}
	secshm_disconnect(s);
	return 0;
}

/* Give back the last object (or connection), take one again, meet the wall again. */
static int give_one_back(const struct uid_arg *a, struct hold *h)
{
	int last = h->nhandles - 1, c, r;
	struct secshm_token tok;
	struct secshm *x;
	uint32_t y;

	switch (a->what) {
	case SECTIONS:
	case BYTES:
		c = h->owner[last];
		CHILD_OK(secshm_close(h->conns[c], h->handles[last]));
		h->nhandles--;
		CHILD_EQ(create(h, c, h->last_len), 0);
		CHILD_STATUS(secshm_create(h->conns[c], NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL,
					   &y), -EDQUOT);
		break;
	case TOKENS:
		/* A redeemed token is gone: its exporter may make exactly one more. */
		c = h->owner[last];
		CHILD_OK(secshm_import(h->conns[c], &h->tok, &y));
		CHILD_OK(secshm_close(h->conns[c], y));
		CHILD_OK(secshm_export(h->conns[c], h->handles[last], SECSHM_GENERIC_READ, &tok));
		CHILD_STATUS(secshm_export(h->conns[c], h->handles[last], SECSHM_GENERIC_READ, &tok),
			     -EDQUOT);
		break;
	case CLIENTS:
		/* The daemon frees a connection when it sees the hang-up: wait for it. */
		secshm_disconnect(h->conns[--h->nconns]);
		for (int i = 0; (r = connect_served(&h->conns[h->nconns])) == -EDQUOT && i < 2000;
		     i++)
			attack_sleep_us(1000);
		CHILD_OK(r);
		h->nconns++;
		CHILD_STATUS(connect_served(&x), -EDQUOT);
		break;
	}
	return 0;
}

static int child_fill(void *p, int in, int out)
{
	const struct uid_arg *a = p;
	static struct hold h;
	int r = 1;

	switch (a->what) {
	case SECTIONS:
		r = fill_sections(&a->l, &h);
		break;
	case BYTES:
		r = fill_bytes(&a->l, &h);
		break;
	case TOKENS:
		r = fill_tokens(&a->l, &h);
		break;
	case CLIENTS:
		r = fill_clients(&a->l, &h);
		break;
	}
	CHILD_EQ(r, 0);
	CHILD_CHECK(h.nconns > 1);	/* the uid's quota, not one connection's */
	CHILD_EQ(fresh_refused(a), 0);
	CHILD_EQ(attack_post(out), 0);
	CHILD_EQ(attack_await(in, 30000), 0);
	CHILD_EQ(give_one_back(a, &h), 0);
	for (int i = h.nhandles; i-- > 0;)
		CHILD_OK(secshm_close(h.conns[h.owner[i]], h.handles[i]));
	while (h.nconns)
		secshm_disconnect(h.conns[--h.nconns]);
	return 0;
}

/* Another uid, while nobody holds its whole quota: served in every way. */
static int child_other_uid(void *p)
{
	struct secshm_token tok;
	struct secshm *s;
	uint32_t h, d;
	void *v;

	CHILD_OK(connect_served(&s));
	CHILD_OK(secshm_create(s, NULL, 1 << 20, SECSHM_GENERIC_ALL, 0, NULL, &h));
	CHILD_OK(secshm_duplicate(s, h, SECSHM_GENERIC_READ, &d));
	CHILD_OK(secshm_export(s, h, SECSHM_GENERIC_READ, &tok));
	CHILD_OK(secshm_map(s, h, 0, 1 << 20, RW, &v));
	memset(v, 1, 1 << 20);
	CHILD_OK(secshm_unmap(s, v));
	CHILD_OK(secshm_close(s, d));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

static void run_fill(enum what what)
{
	struct uid_arg a = { .what = what, .l = limits() };
	struct attack_child ch = ATTACK_CHILD_INIT;

	assert_int_equal(attack_spawn(&ch, HARNESS_NOBODY, HARNESS_NOGROUP, child_fill, &a), 0);
	if (attack_await(ch.from_child, 60000) == 0) {
		assert_int_equal(harness_run_as(OTHER_UID, OTHER_UID, child_other_uid, NULL), 0);
		assert_int_equal(harness_check_serves(), 0);
		attack_post(ch.to_child);
	}
	assert_int_equal(attack_reap(&ch), 0);
}

/*
 * SPEC: Q5 — one nobody uid creating sections over several connections,
 * each below its own section quota, meets the uid's section quota: every
 * connection and a fresh one get -EDQUOT; uid 4242 and root are served
 * meanwhile; closing one lets it create exactly one more.
 */
static void test_uid_sections(void **state)
{
	run_fill(SECTIONS);
}

/* SPEC: Q5 — the same for the uid's byte quota. */
static void test_uid_bytes(void **state)
{
	run_fill(BYTES);
}

/* SPEC: Q5 — the same for the uid's transfer tokens (64 per connection). */
static void test_uid_tokens(void **state)
{
	run_fill(TOKENS);
}

/*
 * SPEC: Q5 — connections per uid: uid_clients connections of nobody are
 * served, the next is refused with -EDQUOT (the device fails the open, the
 * daemon answers the first request), uid 4242 still connects; closing one
 * lets exactly one more in.
 */
static void test_uid_clients(void **state)
{
	run_fill(CLIENTS);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_uid_sections),
	HARNESS_TEST(test_uid_bytes),
	HARNESS_TEST(test_uid_tokens),
	HARNESS_TEST(test_uid_clients),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
