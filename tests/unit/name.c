// SPDX-License-Identifier: MIT
/* Unit tests: name validation and the namespace hash. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../../src/server/internal.h"

static int check(const char *name)
{
	return name_validate(name, strlen(name));
}

/* SPEC: S2 — names are validated: length, charset, no "..", no NUL. */
static void test_name_validation(void **state)
{
	static const char *good[] = { "a", "A-z_0.9", "dir/file", "a/b/c", "...", "a..b", ".x" };
	static const char *bad[] = { "", "/a", "a/", "a//b", ".", "..", "a/../b", "a/./b",
				     "../a", "a b", "a\nb", "a\\b", "é", "a*", "a:b" };
	char longname[SECSHM_NAME_MAX + 2];

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		assert_int_equal(check(good[i]), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(check(bad[i]), -EINVAL);
	assert_int_equal(name_validate("a\0b", 3), -EINVAL);
	memset(longname, 'x', sizeof(longname));
	assert_int_equal(name_validate(longname, SECSHM_NAME_MAX), 0);
	assert_int_equal(name_validate(longname, SECSHM_NAME_MAX + 1), -ENAMETOOLONG);
}

/* SPEC: S2 — one name, one entry; lookups survive growth; removal forgets. */
static void test_table(void **state)
{
	enum { N = 5000 };
	struct name_table ns;
	struct name_node *nodes = calloc(N, sizeof(*nodes));
	char buf[32];

	assert_int_equal(name_table_init(&ns), 0);
	for (int i = 0; i < N; i++) {
		snprintf(buf, sizeof(buf), "s/%d", i);
		nodes[i].name = strdup(buf);
		nodes[i].len = (uint32_t)strlen(buf);
		assert_int_equal(name_insert(&ns, &nodes[i]), 0);
	}
	assert_int_equal(ns.count, N);
	assert_true(ns.nbuckets >= N);
	assert_int_equal(name_insert(&ns, &nodes[17]), -EEXIST);
	for (int i = 0; i < N; i++)
		assert_ptr_equal(name_lookup(&ns, nodes[i].name, nodes[i].len), &nodes[i]);
	assert_null(name_lookup(&ns, "s/5000", 6));
	assert_null(name_lookup(&ns, "s/1", 2));
	for (int i = 0; i < N; i += 2)
		name_remove(&ns, &nodes[i]);
	for (int i = 0; i < N; i++)
		assert_true((name_lookup(&ns, nodes[i].name, nodes[i].len) != NULL) == (i % 2 == 1));
	for (int i = 0; i < N; i++)
		free(nodes[i].name);
	free(nodes);
	name_table_fini(&ns);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_validation),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
