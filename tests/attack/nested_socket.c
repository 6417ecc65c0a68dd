// SPDX-License-Identifier: MIT
/*
 * Nested references under attack (R3, H5, P6): a nobody client builds lists
 * for the example server's EXAMPLE_OP_LIST_SUM whose hops carry forged,
 * server, foreign or under-privileged handles, overflowing offsets and
 * cycles, and rewrites the list while the server walks it. Daemon only (the
 * list operation is the example server's).
 */
#include <sys/prctl.h>
#include "attack.h"

#define NODE	sizeof(struct example_node)

struct list {
	struct secshm *s;
	uint32_t h[2];
	struct example_node *n[2];	/* writable views */
	uint64_t len;
};

static int list_open(struct list *l)
{
	l->len = harness_page();
	CHILD_OK(secshm_connect(NULL, &l->s));
	for (int i = 0; i < 2; i++) {
		CHILD_OK(secshm_create(l->s, NULL, l->len, SECSHM_GENERIC_ALL, 0, NULL, &l->h[i]));
		CHILD_OK(secshm_map(l->s, l->h[i], 0, l->len, RW, (void **)&l->n[i]));
	}
	return 0;
}

static void list_close(struct list *l)
{
	for (int i = 0; i < 2; i++) {
		secshm_unmap(l->s, l->n[i]);
		secshm_close(l->s, l->h[i]);
	}
	secshm_disconnect(l->s);
}

/* count nodes alternating between the two zeroed sections, values 1..count. */
static void build(struct list *l, int count)
{
	memset(l->n[0], 0, l->len);
	memset(l->n[1], 0, l->len);
	for (int i = 0; i < count; i++) {
		struct example_node *x = &l->n[i % 2][i / 2];

		*x = (struct example_node){ .value = (uint64_t)i + 1 };
		if (i + 1 < count) {
			x->next_handle = l->h[(i + 1) % 2];
			x->next_offset = (uint64_t)((i + 1) / 2) * NODE;
		}
	}
}

static struct example_node *node(struct list *l, int i)
{
	return &l->n[i % 2][i / 2];
}

static int walk(struct list *l, struct example_list_reply *r)
{
	struct secshm_ref ref = { .handle = l->h[0], .flags = SECSHM_REF_READ, .length = NODE };
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	return secshm_call(l->s, EXAMPLE_OP_LIST_SUM, NULL, 0, &ref, 1, r, sizeof(*r), &n);
}

struct foreign {
	uint32_t root_handle;	/* a handle value of root's connection */
	char ro_name[64];	/* a 0644 section of root's */
};

static int child_hops(void *arg)
{
	const struct foreign *f = arg;
	struct example_list_reply r;
	struct list l;
	uint32_t q;

	CHILD_CHECK(list_open(&l) == 0);
	build(&l, 10);
	CHILD_OK(walk(&l, &r));
	CHILD_EQ(r.count, 10);
	CHILD_EQ(r.sum, 55);

#define HOP(field, value, expected) do {					\
		build(&l, 10);							\
		node(&l, 4)->field = (value);					\
		CHILD_STATUS(walk(&l, &r), (expected));				\
	} while (0)
	HOP(next_handle, 0x00abcdefU, -EBADF);
	HOP(next_handle, l.h[1] + 7, -EBADF);
	HOP(next_handle, l.h[1] ^ (1U << 20), -EBADF);
	HOP(next_handle, SECSHM_HANDLE_SERVER | 1, -EBADF);
	HOP(next_handle, SECSHM_HANDLE_SERVER | 2, -EBADF);
	HOP(next_handle, l.h[1] | SECSHM_HANDLE_SERVER, -EBADF);
	if (f->root_handle != l.h[0] && f->root_handle != l.h[1])
		HOP(next_handle, f->root_handle, -EBADF);
	HOP(next_offset, UINT64_MAX, -EOVERFLOW);
	HOP(next_offset, UINT64_MAX - NODE + 1, -EOVERFLOW);
	HOP(next_offset, l.len, -ERANGE);
	HOP(next_offset, l.len - NODE + 1, -ERANGE);
	HOP(next_offset, 1ULL << 62, -ERANGE);
	/* A hop through a handle that may query but not read. */
	CHILD_OK(secshm_open(l.s, f->ro_name, SECSHM_ACCESS_QUERY, &q));
	HOP(next_handle, q, -EACCES);
	CHILD_OK(secshm_close(l.s, q));
	/* A closed handle. */
	CHILD_OK(secshm_duplicate(l.s, l.h[1], SECSHM_GENERIC_READ, &q));
	CHILD_OK(secshm_close(l.s, q));
	HOP(next_handle, q, -EBADF);
	/* Cycles: to itself, to the head, across sections. */
	build(&l, 10);
	node(&l, 4)->next_handle = l.h[0];
	node(&l, 4)->next_offset = 2 * NODE;
	CHILD_STATUS(walk(&l, &r), -ELOOP);
	build(&l, 10);
	node(&l, 9)->next_handle = l.h[0];
	node(&l, 9)->next_offset = 0;
	CHILD_STATUS(walk(&l, &r), -ELOOP);
	build(&l, 10);
	node(&l, 3)->next_handle = l.h[0];
	node(&l, 3)->next_offset = NODE;	/* node 2 */
	CHILD_STATUS(walk(&l, &r), -ELOOP);
	/* The same bytes reached through another offset alignment are another node. */
	build(&l, 3);
	node(&l, 2)->next_handle = l.h[0];
	node(&l, 2)->next_offset = 3 * NODE + 4;
	CHILD_OK(walk(&l, &r));
	CHILD_EQ(r.count, 4);
	CHILD_EQ(r.sum, 6);
	/* Too long. */
	build(&l, EXAMPLE_LIST_MAX + 1);
	CHILD_STATUS(walk(&l, &r), -E2BIG);
	build(&l, EXAMPLE_LIST_MAX);
	CHILD_OK(walk(&l, &r));
	CHILD_EQ(r.count, EXAMPLE_LIST_MAX);
#undef HOP
	list_close(&l);
	return 0;
}

/*
 * SPEC: R3, H5, R2 — every hop of a nested list is checked like a
 * top-level reference: forged, stale, closed, server-bit and root's handle
 * values are -EBADF, a QUERY-only handle is -EACCES, overflowing offsets
 * -EOVERFLOW, outside ones -ERANGE; cycles (to itself, to the head, back
 * across sections) are -ELOOP; more than EXAMPLE_LIST_MAX nodes is -E2BIG.
 */
static void test_hostile_hops(void **state)
{
	struct secshm *s = harness_connect();
	struct foreign f;
	uint32_t ro;

	attack_named_section(s, "hop", harness_page(), 0644, 1, f.ro_name, sizeof(f.ro_name), &ro);
	f.root_handle = ro;
	ATTACK_AS_NOBODY(child_hops, &f);
	assert_ok(secshm_close(s, ro));
	secshm_disconnect(s);
}

/* Rewrite the list's links forever: node 5 ends or continues, node 7 loops or not. */
static void rewrite_links(struct list *l)
{
	volatile struct example_node *n5 = node(l, 5), *n7 = node(l, 7);
	uint32_t h6 = n5->next_handle;
	uint64_t o8 = n7->next_offset;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(30);
	for (uint32_t i = 0;; i++) {
		n5->next_handle = i & 1 ? 0 : h6;
		n7->next_offset = i & 2 ? 0 : o8;	/* node 8, or back to the head */
	}
}

static int child_race(void *arg)
{
	struct example_list_reply r;
	int seen[3] = { 0 };
	struct list l;
	pid_t writer;

	CHILD_CHECK(list_open(&l) == 0);
	build(&l, 10);
	writer = fork();
	CHILD_CHECK(writer >= 0);
	if (writer == 0)
		rewrite_links(&l);
	for (int i = 0; i < 300; i++) {
		int st = walk(&l, &r);

		/* Only whole lists the client could have built at some instant. */
		if (st == -ELOOP) {
			seen[2]++;
		} else {
			CHILD_OK(st);
			if (r.count == 6 && r.sum == 21)
				seen[0]++;
			else if (r.count == 10 && r.sum == 55)
				seen[1]++;
			else
				CHILD_CHECK(!"a list that never existed");
		}
	}
	kill(writer, SIGKILL);
	waitpid(writer, NULL, 0);
	CHILD_EQ(seen[0] + seen[1] + seen[2], 300);
	list_close(&l);
	return 0;
}

/*
 * SPEC: R3, P6, P5 — a writer process flips a list's links (end here or
 * go on; loop back or not) while the server walks it 300 times: every
 * answer is a list that existed (6 nodes summing 21, or 10 summing 55) or
 * -ELOOP, because each node is captured once before it is followed.
 */
static void test_rewrite_during_walk(void **state)
{
	ATTACK_AS_NOBODY(child_race, NULL);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_hostile_hops),
	HARNESS_TEST(test_rewrite_during_walk),
};

HARNESS_MAIN(tests, HARNESS_EXAMPLE)
