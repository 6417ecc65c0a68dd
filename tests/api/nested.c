// SPDX-License-Identifier: MIT
/*
 * Nested references (R3) through the example server's EXAMPLE_OP_LIST_SUM:
 * a linked list in shared memory whose every hop the server checks.
 */
#include <errno.h>
#include <string.h>
#include "../common/harness.h"
#include "../../examples/example.h"

#define RW (SECSHM_PROT_READ | SECSHM_PROT_WRITE)

struct list {
	struct secshm *s;
	uint32_t h[2];
	unsigned char *v[2];
};

static void list_open(struct list *l)
{
	l->s = harness_connect();
	for (int i = 0; i < 2; i++) {
		assert_ok(secshm_create(l->s, NULL, 16 * harness_page(), SECSHM_GENERIC_ALL, 0,
					NULL, &l->h[i]));
		assert_ok(secshm_map(l->s, l->h[i], 0, 16 * harness_page(), RW, (void **)&l->v[i]));
	}
}

static void list_close(struct list *l)
{
	for (int i = 0; i < 2; i++) {
		assert_ok(secshm_unmap(l->s, l->v[i]));
		assert_ok(secshm_close(l->s, l->h[i]));
	}
	secshm_disconnect(l->s);
}

static struct example_node *node(struct list *l, int i)
{
	return (struct example_node *)(l->v[i % 2] + (size_t)i * 32);
}

/* n nodes alternating between the sections, node i holding value i + 1. */
static void build(struct list *l, int n)
{
	for (int i = 0; i < n; i++) {
		*node(l, i) = (struct example_node){ .value = (uint64_t)i + 1 };
		if (i + 1 < n) {
			node(l, i)->next_handle = l->h[(i + 1) % 2];
			node(l, i)->next_offset = (uint64_t)(i + 1) * 32;
		}
	}
}

static int sum(struct list *l, struct example_list_reply *r)
{
	struct secshm_ref ref = { l->h[0], SECSHM_REF_READ, 0, sizeof(struct example_node) };
	size_t n;

	return secshm_call(l->s, EXAMPLE_OP_LIST_SUM, NULL, 0, &ref, 1, r, sizeof(*r), &n);
}

/* SPEC: R3 — the server follows a valid list across sections, one check per hop. */
static void test_list(void **state)
{
	struct example_list_reply r;
	struct list l;

	list_open(&l);
	build(&l, EXAMPLE_LIST_MAX);
	assert_ok(sum(&l, &r));
	assert_int_equal(r.count, EXAMPLE_LIST_MAX);
	assert_int_equal(r.sum, (uint64_t)EXAMPLE_LIST_MAX * (EXAMPLE_LIST_MAX + 1) / 2);
	list_close(&l);
}

/* SPEC: R3 — a cycle, an over-long chain and a hop outside a section are refused. */
static void test_hostile_lists(void **state)
{
	struct example_list_reply r;
	struct list l;

	list_open(&l);
	build(&l, EXAMPLE_LIST_MAX + 1);
	assert_status(sum(&l, &r), -E2BIG);
	build(&l, 10);
	node(&l, 9)->next_handle = l.h[1];
	node(&l, 9)->next_offset = 32;		/* back to node 1 */
	assert_status(sum(&l, &r), -ELOOP);
	build(&l, 10);
	node(&l, 4)->next_offset = 16 * harness_page() - 8;
	assert_status(sum(&l, &r), -ERANGE);
	node(&l, 4)->next_offset = UINT64_MAX - 4;
	assert_status(sum(&l, &r), -EOVERFLOW);
	node(&l, 4)->next_offset = 5 * 32;
	node(&l, 4)->next_handle = 0x7fffffff;
	assert_status(sum(&l, &r), -EBADF);
	list_close(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_list),
		HARNESS_TEST(test_hostile_lists),
	};

	harness_set_kind(HARNESS_EXAMPLE);
	return harness_finish(cmocka_run_group_tests(tests, harness_group_setup,
						     harness_group_teardown));
}
