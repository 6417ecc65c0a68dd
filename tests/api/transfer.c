// SPDX-License-Identifier: MIT
/*
 * Passing a section to another process (H7): export a one-use token with
 * equal or lesser access, import it as another uid.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../common/harness.h"

#define RW (SECSHM_PROT_READ | SECSHM_PROT_WRITE)

struct xfer {
	struct secshm_token token;
	uint32_t want_access;
};

/* As nobody: import the token, check the access it carries and use it. */
static int import_read_only(void *p)
{
	struct xfer *x = p;
	struct secshm_section_info info;
	struct secshm *s;
	uint32_t h, access;
	unsigned char *v;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_import(s, &x->token, &h), 0);
	CHILD_EQ(secshm_query(s, h, &info, &access), 0);
	CHILD_EQ(access, x->want_access);
	CHILD_EQ(secshm_map(s, h, 0, harness_page(), RW, (void **)&v), -EACCES);
	CHILD_EQ(secshm_map(s, h, 0, harness_page(), SECSHM_PROT_READ, (void **)&v), 0);
	CHILD_CHECK(harness_check_fill(v, harness_page(), 7));
	CHILD_CHECK(mprotect(v, harness_page(), PROT_READ | PROT_WRITE) != 0);
	CHILD_EQ(secshm_import(s, &x->token, &h), -EBADF);	/* one use only */
	CHILD_EQ(secshm_unmap(s, v), 0);
	secshm_disconnect(s);
	return 0;
}

/* SPEC: H7 — a client with DUPLICATE passes a section on with lesser access. */
static void test_export_lesser_access(void **state)
{
	struct secshm *s = harness_connect();
	struct xfer x = { .want_access = SECSHM_ACCESS_QUERY | SECSHM_ACCESS_MAP_READ };
	unsigned char *v;
	uint32_t h;

	assert_ok(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	assert_ok(secshm_map(s, h, 0, harness_page(), RW, (void **)&v));
	harness_fill(v, harness_page(), 7);
	assert_ok(secshm_export(s, h, SECSHM_GENERIC_READ, &x.token));
	assert_int_equal(harness_as_nobody(import_read_only, &x), 0);
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static int import_fails(void *p)
{
	struct secshm *s;
	uint32_t h;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_import(s, p, &h), -EBADF);
	secshm_disconnect(s);
	return 0;
}

/* SPEC: H7 — never more access than held, never without DUPLICATE, never a dead token. */
static void test_export_refused(void **state)
{
	struct secshm *s = harness_connect(), *s2 = harness_connect();
	struct secshm_token token, forged = { { 0x1234, 0x5678 } };
	uint32_t h, ro, nodup;

	assert_ok(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	assert_ok(secshm_duplicate(s, h, SECSHM_GENERIC_READ | SECSHM_ACCESS_DUPLICATE, &ro));
	assert_ok(secshm_duplicate(s, h, SECSHM_GENERIC_READ, &nodup));
	assert_status(secshm_export(s, ro, SECSHM_GENERIC_WRITE, &token), -EACCES);
	assert_status(secshm_export(s, ro, SECSHM_GENERIC_ALL, &token), -EACCES);
	assert_status(secshm_export(s, nodup, SECSHM_GENERIC_READ, &token), -EACCES);
	assert_status(secshm_duplicate(s, ro, SECSHM_GENERIC_WRITE, &h), -EACCES);
	assert_status(secshm_import(s2, &forged, &h), -EBADF);
	/* A token dies with its exporter's connection. */
	assert_ok(secshm_export(s, ro, SECSHM_GENERIC_READ, &token));
	assert_ok(secshm_close(s, nodup));
	assert_ok(secshm_close(s, ro));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
	assert_int_equal(harness_as_nobody(import_fails, &token), 0);
	secshm_disconnect(s2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_export_lesser_access),
		HARNESS_TEST(test_export_refused),
	};

	harness_set_kind(HARNESS_DAEMON);
	return harness_finish(cmocka_run_group_tests(tests, harness_group_setup,
						     harness_group_teardown));
}
