// SPDX-License-Identifier: MIT
/* Unit tests: the core's name rules and namespaces, and the daemon's namespace hash. */
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
	return secshm_name_check(name, strlen(name));
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
	assert_int_equal(secshm_name_check("a\0b", 3), -EINVAL);
	memset(longname, 'x', sizeof(longname));
	assert_int_equal(secshm_name_check(longname, SECSHM_NAME_MAX), 0);
	assert_int_equal(secshm_name_check(longname, SECSHM_NAME_MAX + 1), -ENAMETOOLONG);
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

/* One name as a client (uid) or the server resolves it, or an error. */
static void resolves(const char *name, bool server, uint32_t uid, int err, const char *want)
{
	char out[SECSHM_NAME_MAX + 1];
	struct secshm_ns ns;
	size_t len;

	assert_int_equal(secshm_name_resolve(name, strlen(name), server, uid, out, &len, &ns), err);
	if (err)
		return;
	assert_string_equal(out, want);
	assert_int_equal(len, strlen(want));
}

/*
 * SPEC: N1 — an unqualified name is a client's own and the server's
 * global; qualified names stand as written; a namespace with no name, or a
 * uid that is not canonical, is -EINVAL; the qualified form must fit in
 * SECSHM_NAME_MAX.
 */
static void test_name_resolve(void **state)
{
	char longname[SECSHM_NAME_MAX + 1], out[SECSHM_NAME_MAX + 1];
	struct secshm_ns ns;
	size_t len;

	resolves("frames", false, 1000, 0, "user/1000/frames");
	resolves("a/b", false, 0, 0, "user/0/a/b");
	resolves("frames", true, 1000, 0, "global/frames");
	resolves("global/frames", false, 1000, 0, "global/frames");
	resolves("user/7/x", false, 1000, 0, "user/7/x");
	resolves("user/0/x", true, 0, 0, "user/0/x");
	resolves("user/4294967294/x", false, 1, 0, "user/4294967294/x");
	resolves("globalx", false, 5, 0, "user/5/globalx");
	resolves("users/1/x", false, 5, 0, "user/5/users/1/x");
	static const char *bad[] = { "global", "user", "user/5", "user/x/y", "user/01/y",
				      "user/4294967295/y", "user/99999999999/y", "user/-1/y",
				      "user/+1/y" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(secshm_name_resolve(bad[i], strlen(bad[i]), false, 5, out, &len,
						     &ns), -EINVAL);
	assert_true(secshm_name_resolve("user/1000/x", 11, false, 5, out, &len, &ns) == 0 &&
		    ns.uid == 1000 && !ns.global && ns.qualified);
	assert_true(secshm_name_resolve("global/x", 8, false, 5, out, &len, &ns) == 0 &&
		    ns.global && ns.qualified);
	assert_true(secshm_name_resolve("x", 1, false, 5, out, &len, &ns) == 0 &&
		    ns.uid == 5 && !ns.global && !ns.qualified);
	memset(longname, 'x', SECSHM_NAME_MAX);
	longname[SECSHM_NAME_MAX - strlen("user/1000/")] = '\0';
	assert_int_equal(secshm_name_resolve(longname, strlen(longname), false, 1000, out, &len,
					     &ns), 0);
	assert_int_equal(len, SECSHM_NAME_MAX);
	assert_int_equal(secshm_name_resolve(longname, strlen(longname), false, 10000, out, &len,
					     &ns), -ENAMETOOLONG);
}

/* SPEC: S2, R4 — a request's name field: the bytes, no NUL in them, nothing after. */
static void test_name_request(void **state)
{
	char raw[SECSHM_NAME_MAX + 1] = "frames";

	assert_int_equal(secshm_name_request(raw, 6), 0);
	assert_int_equal(secshm_name_request(raw, 0), -EINVAL);
	assert_int_equal(secshm_name_request(raw, 5), -EINVAL);		/* "s" after it */
	assert_int_equal(secshm_name_request(raw, 7), -EINVAL);		/* the NUL in it */
	assert_int_equal(secshm_name_request(raw, SECSHM_NAME_MAX + 1), -ENAMETOOLONG);
	raw[SECSHM_NAME_MAX] = 'x';
	assert_int_equal(secshm_name_request(raw, 6), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_validation),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_name_resolve),
		cmocka_unit_test(test_name_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
