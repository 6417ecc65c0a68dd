// SPDX-License-Identifier: MIT
/* Per-client quotas (the harness starts secshmd with known limits). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../common/harness.h"

static struct harness_limits limits(void)
{
	struct harness_limits l;

	if (harness_limits(&l) < 0)
		skip();		/* an external server whose limits were not given */
	return l;
}

/* Another client (another process, another uid) is unaffected. */
static int child_unaffected(void *p)
{
	struct secshm *s;
	uint32_t h, d;
	void *v;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h), 0);
	CHILD_EQ(secshm_duplicate(s, h, SECSHM_GENERIC_READ, &d), 0);
	CHILD_EQ(secshm_map(s, h, 0, 4096, SECSHM_PROT_READ | SECSHM_PROT_WRITE, &v), 0);
	CHILD_EQ(secshm_unmap(s, v), 0);
	CHILD_EQ(secshm_close(s, d), 0);
	CHILD_EQ(secshm_close(s, h), 0);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: Q1 — a client may hold exactly the handle quota: the next open or
 * duplicate is -EDQUOT, the handles it holds keep working, another client
 * (same process or another uid) is unaffected, and after closing one the
 * client can open again.
 */
static void test_handle_quota(void **state)
{
	struct harness_limits l = limits();
	struct secshm_section_info info;
	struct secshm *s = harness_connect(), *other = harness_connect();
	uint32_t *h = calloc(l.handles + 1, sizeof(*h)), x;
	char name[64];
	uint32_t i;

	assert_non_null(h);
	harness_name(name, sizeof(name), "hq");
	assert_ok(secshm_create(s, name, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h[0]));
	for (i = 1; i < l.handles; i++) {
		int r = i % 2 ? secshm_open(s, name, SECSHM_GENERIC_READ, &h[i])
			      : secshm_duplicate(s, h[0], SECSHM_ACCESS_QUERY, &h[i]);

		if (r != 0)
			fail_msg("handle %u of %u: %s", i + 1, l.handles, secshm_strerror(r));
	}
	assert_status(secshm_open(s, name, SECSHM_GENERIC_READ, &x), -EDQUOT);
	assert_status(secshm_duplicate(s, h[0], SECSHM_ACCESS_QUERY, &x), -EDQUOT);
	assert_status(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &x), -EDQUOT);

	for (i = 0; i < l.handles; i++)
		assert_ok(secshm_query(s, h[i], &info, NULL));
	assert_ok(secshm_open(other, name, SECSHM_GENERIC_READ, &x));
	assert_ok(secshm_close(other, x));
	assert_int_equal(harness_as_nobody(child_unaffected, NULL), 0);

	assert_ok(secshm_close(s, h[l.handles - 1]));
	assert_ok(secshm_open(s, name, SECSHM_GENERIC_READ, &h[l.handles - 1]));
	assert_status(secshm_open(s, name, SECSHM_GENERIC_READ, &x), -EDQUOT);

	for (i = 0; i < l.handles; i++)
		assert_ok(secshm_close(s, h[i]));
	free(h);
	secshm_disconnect(s);
	secshm_disconnect(other);
}

/*
 * SPEC: Q1 — a client may create exactly the section quota: the next create
 * is -EDQUOT; another client is unaffected; after closing one, creating
 * works again.
 */
static void test_section_quota(void **state)
{
	struct harness_limits l = limits();
	struct secshm *s, *other;
	uint32_t *h, x, i;

	if (l.sections >= l.handles)
		skip();		/* the handle quota would bite first */
	s = harness_connect();
	other = harness_connect();
	h = calloc(l.sections, sizeof(*h));
	assert_non_null(h);
	for (i = 0; i < l.sections; i++) {
		int r = secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h[i]);

		if (r != 0)
			fail_msg("section %u of %u: %s", i + 1, l.sections, secshm_strerror(r));
	}
	assert_status(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &x), -EDQUOT);
	assert_ok(secshm_create(other, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &x));
	assert_ok(secshm_close(other, x));
	assert_int_equal(harness_as_nobody(child_unaffected, NULL), 0);

	assert_ok(secshm_close(s, h[0]));
	assert_ok(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h[0]));
	assert_status(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &x), -EDQUOT);

	for (i = 0; i < l.sections; i++)
		assert_ok(secshm_close(s, h[i]));
	free(h);
	secshm_disconnect(s);
	secshm_disconnect(other);
}

/*
 * SPEC: Q1 — a client's section bytes are capped: sections adding up to the
 * byte quota are created, one more page is -EDQUOT (one section larger than
 * the quota too); another client is unaffected; after closing, creating
 * works again.
 */
static void test_byte_quota(void **state)
{
	struct harness_limits l = limits();
	uint64_t half = l.bytes / 2, page = harness_page();
	struct secshm *s = harness_connect(), *other = harness_connect();
	uint32_t a, b, x;

	assert_int_equal(half % page, 0);
	assert_status(secshm_create(s, NULL, l.bytes + page, SECSHM_GENERIC_ALL, 0, NULL, &x), -EDQUOT);
	assert_ok(secshm_create(s, NULL, half, SECSHM_GENERIC_ALL, 0, NULL, &a));
	assert_ok(secshm_create(s, NULL, l.bytes - half, SECSHM_GENERIC_ALL, 0, NULL, &b));
	assert_status(secshm_create(s, NULL, page, SECSHM_GENERIC_ALL, 0, NULL, &x), -EDQUOT);
	assert_ok(secshm_create(other, NULL, half, SECSHM_GENERIC_ALL, 0, NULL, &x));
	assert_ok(secshm_close(other, x));

	assert_ok(secshm_close(s, b));
	assert_ok(secshm_create(s, NULL, page, SECSHM_GENERIC_ALL, 0, NULL, &b));
	assert_ok(secshm_close(s, b));
	assert_ok(secshm_close(s, a));
	secshm_disconnect(s);
	secshm_disconnect(other);
}

/*
 * SPEC: Q1 — a client may map exactly the view quota (or, on the socket
 * where each view also holds a handle, the handle quota less the section's
 * handle if that is lower): the next map is -EDQUOT, the views it has keep
 * working, another client is unaffected, and unmapping one lets it map again.
 */
static void test_view_quota(void **state)
{
	struct harness_limits l = limits();
	uint32_t expect = l.views, h, n, i;
	struct secshm *s = harness_connect();
	unsigned char **v;
	void *x;

	if (harness_backend() == SECSHM_BACKEND_SOCKET && l.handles - 1 < expect)
		expect = l.handles - 1;
	v = calloc(expect, sizeof(*v));
	assert_non_null(v);
	assert_ok(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h));
	for (n = 0; n < expect; n++) {
		int r = secshm_map(s, h, 0, 4096, n % 2 ? SECSHM_PROT_READ :
				   SECSHM_PROT_READ | SECSHM_PROT_WRITE, (void **)&v[n]);

		if (r != 0)
			fail_msg("view %u of %u: %s", n + 1, expect, secshm_strerror(r));
	}
	assert_status(secshm_map(s, h, 0, 4096, SECSHM_PROT_READ, &x), -EDQUOT);
	assert_status(secshm_map(s, h, 0, 4096, SECSHM_PROT_READ | SECSHM_PROT_WRITE, &x), -EDQUOT);
	v[0][0] = 0x42;
	for (i = 1; i < n; i++)
		assert_int_equal(v[i][0], 0x42);
	assert_int_equal(harness_as_nobody(child_unaffected, NULL), 0);
	assert_ok(secshm_unmap(s, v[n - 1]));
	assert_ok(secshm_map(s, h, 0, 4096, SECSHM_PROT_READ, (void **)&v[n - 1]));
	assert_status(secshm_map(s, h, 0, 4096, SECSHM_PROT_READ, &x), -EDQUOT);
	for (i = 0; i < n; i++)
		assert_ok(secshm_unmap(s, v[i]));
	assert_ok(secshm_close(s, h));
	free(v);
	secshm_disconnect(s);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_handle_quota),
	HARNESS_TEST(test_section_quota),
	HARNESS_TEST(test_byte_quota),
	HARNESS_TEST(test_view_quota),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
