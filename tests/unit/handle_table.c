// SPDX-License-Identifier: MIT
/* Unit tests: handle tables (index + generation, server bit, quota). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "../../src/server/internal.h"

static int destroyed;

static void dummy_destroy(struct secshm_object *obj)
{
	destroyed++;
	free(obj);
}

static const struct secshm_object_ops dummy_ops = {
	.name = "dummy", .type = SECSHM_TYPE_VIEW, .destroy = dummy_destroy,
};

static struct secshm_server fake_srv;

static struct secshm_object *dummy(void)
{
	struct secshm_object *obj = calloc(1, sizeof(*obj));

	object_init(obj, &fake_srv, &dummy_ops);
	return obj;
}

/* SPEC: H5 — zero, random and out-of-range values are not handles. */
static void test_lookup_rejects_non_handles(void **state)
{
	struct handle_table t;
	uint32_t h;

	handle_table_init(&t, 64, 0);
	assert_int_equal(handle_insert(&t, dummy(), SECSHM_ACCESS_QUERY, &h), 0);
	assert_non_null(handle_lookup(&t, h));
	assert_null(handle_lookup(&t, 0));
	assert_null(handle_lookup(&t, h + 1));
	assert_null(handle_lookup(&t, 0x000fffff));
	assert_null(handle_lookup(&t, 0xffffffff));
	srand(1);
	for (int i = 0; i < 100000; i++) {
		uint32_t v = (uint32_t)rand() ^ ((uint32_t)rand() << 16);

		if (v != h)
			assert_null(handle_lookup(&t, v));
	}
	handle_table_release(&t);
	assert_int_equal(destroyed, 1);
	destroyed = 0;
}

/* SPEC: H5 — a closed handle is stale forever after, even when its slot is reused. */
static void test_stale_handle_misses_reused_slot(void **state)
{
	struct handle_table t;
	struct secshm_object *obj;
	uint32_t first, h;

	handle_table_init(&t, 4, 0);
	assert_int_equal(handle_insert(&t, dummy(), 0, &first), 0);
	assert_int_equal(handle_remove(&t, first, &obj), 0);
	secshm_object_put(obj);
	assert_int_equal(handle_remove(&t, first, &obj), -EBADF);
	/* Cycle the slot well past the FIFO so the same index comes back. */
	for (int i = 0; i < 200; i++) {
		assert_int_equal(handle_insert(&t, dummy(), 0, &h), 0);
		assert_int_not_equal(h, first);
		assert_null(handle_lookup(&t, first));
		assert_int_equal(handle_remove(&t, h, &obj), 0);
		secshm_object_put(obj);
	}
	handle_table_release(&t);
	destroyed = 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* SPEC: H5 — no value is ever issued twice, however long a client churns. */
static void test_values_never_repeat(void **state)
{
	enum { ROUNDS = 40000 };	/* well past 16 slots x 2048 generations */
	uint32_t *seen = malloc(ROUNDS * sizeof(*seen));
	struct secshm_object *obj = dummy(), *out;
	struct handle_table t;

	handle_table_init(&t, 4, 0);
	for (int i = 0; i < ROUNDS; i++) {
		assert_int_equal(handle_insert(&t, secshm_object_get(obj), 0, &seen[i]), 0);
		assert_int_equal(handle_remove(&t, seen[i], &out), 0);
		secshm_object_put(out);
	}
	qsort(seen, ROUNDS, sizeof(*seen), cmp_u32);
	for (int i = 1; i < ROUNDS; i++)
		assert_int_not_equal(seen[i], seen[i - 1]);
	assert_true(t.size > 16);	/* slots were retired, new ones made */
	secshm_object_put(obj);
	handle_table_release(&t);
	free(seen);
	destroyed = 0;
}

/* SPEC: H6 — server handles carry the top bit; each table refuses the other's. */
static void test_server_bit_separates_tables(void **state)
{
	struct handle_table client, server;
	uint32_t ch, sh;

	handle_table_init(&client, 8, 0);
	handle_table_init(&server, 8, SECSHM_HANDLE_SERVER);
	assert_int_equal(handle_insert(&client, dummy(), 0, &ch), 0);
	assert_int_equal(handle_insert(&server, dummy(), 0, &sh), 0);
	assert_true(sh & SECSHM_HANDLE_SERVER);
	assert_false(ch & SECSHM_HANDLE_SERVER);
	/* Same slot and generation, different table: never found. */
	assert_int_equal(ch | SECSHM_HANDLE_SERVER, sh);
	assert_null(handle_lookup(&client, sh));
	assert_null(handle_lookup(&server, ch));
	handle_table_release(&client);
	handle_table_release(&server);
	assert_int_equal(destroyed, 2);
	destroyed = 0;
}

/* SPEC: Q1 — a table holds at most its limit; closing makes room again. */
static void test_limit(void **state)
{
	struct handle_table t;
	struct secshm_object *obj = dummy(), *out;
	uint32_t h[5];

	handle_table_init(&t, 4, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(handle_insert(&t, secshm_object_get(obj), 0, &h[i]), 0);
	assert_int_equal(handle_insert(&t, obj, 0, &h[4]), -EDQUOT);
	assert_int_equal(handle_remove(&t, h[2], &out), 0);
	secshm_object_put(out);
	assert_int_equal(handle_insert(&t, obj, 0, &h[4]), 0);
	assert_int_equal(t.count, 4);
	handle_table_release(&t);
	assert_int_equal(destroyed, 1);
	destroyed = 0;
}

/* SPEC: S4 — releasing a table drops every reference it held. */
static void test_release_drops_references(void **state)
{
	struct handle_table t;
	uint32_t h;

	handle_table_init(&t, 4096, 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(handle_insert(&t, dummy(), 0, &h), 0);
	handle_table_release(&t);
	assert_int_equal(destroyed, 1000);
	assert_int_equal(fake_srv.nobjects, 0);
	destroyed = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_rejects_non_handles),
		cmocka_unit_test(test_stale_handle_misses_reused_slot),
		cmocka_unit_test(test_values_never_repeat),
		cmocka_unit_test(test_server_bit_separates_tables),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_release_drops_references),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
