// SPDX-License-Identifier: MIT
/*
 * Unit tests of the core's request decisions (src/core/args.c, range.c
 * and the quota comparison), which the daemon and the module both make:
 * headers, argument structs, CALL shapes, references, views, lengths.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "core.h"

#define PAGE 4096U

static bool no(const struct secshm_who *who)
{
	return false;
}

static bool yes(const struct secshm_who *who)
{
	return true;
}

static bool in_own_group(const struct secshm_who *who, uint32_t gid)
{
	return gid == who->gid;
}

static const struct secshm_who_ops plain_ops = {
	.in_group = in_own_group, .dac_override = no, .may_chown = no, .trusted = no,
	.may_pin = no, .global = no, .admin = no,
};

static const struct secshm_who_ops trusted_ops = {
	.in_group = in_own_group, .dac_override = no, .may_chown = no, .trusted = yes,
	.may_pin = yes, .global = no, .admin = no,
};

static const struct secshm_who plain = { 1000, 1000, &plain_ops };
static const struct secshm_who trusted = { 1001, 1001, &trusted_ops };

/* SPEC: R4 — a header is whole, of this version, with no status or flags, a known opcode. */
static void test_header(void **state)
{
	struct secshm_msg h = { .size = sizeof(h), .version = SECSHM_ABI_VERSION,
				.opcode = SECSHM_OP_QUERY };

	assert_int_equal(secshm_check_header(&h, sizeof(h), false), 0);
	assert_int_equal(secshm_check_header(&h, sizeof(h) - 1, false), -EBADMSG);
	assert_int_equal(secshm_check_header(&h, sizeof(h), true), -EBADMSG);
	assert_int_equal(secshm_check_header(&h, SECSHM_MSG_MAX + 1, false), -EBADMSG);
	h.size++;
	assert_int_equal(secshm_check_header(&h, sizeof(h), false), -EBADMSG);
	h.size--;
	h.version++;
	assert_int_equal(secshm_check_header(&h, sizeof(h), false), -EPROTO);
	h.version--;
	h.flags = 1;
	assert_int_equal(secshm_check_header(&h, sizeof(h), false), -EINVAL);
	h.flags = 0;
	h.status = 1;
	assert_int_equal(secshm_check_header(&h, sizeof(h), false), -EINVAL);
	h.status = 0;
	h.opcode = 0;
	assert_int_equal(secshm_check_header(&h, sizeof(h), false), -EOPNOTSUPP);
	h.opcode = SECSHM_OP_MAX_BUILTIN + 1;
	assert_int_equal(secshm_check_header(&h, sizeof(h), false), -EOPNOTSUPP);
}

/* SPEC: R4, P8, Q3 — CREATE's flags: their rules, then the caller's permission for them. */
static void test_create_flags(void **state)
{
	uint32_t f;

	assert_int_equal(secshm_create_flags(0, false, false, &plain, &f), 0);
	assert_int_equal(f, SECSHM_SECTION_CLIENT_CREATED);
	assert_int_equal(secshm_create_flags(0, false, false, NULL, &f), 0);
	assert_int_equal(f, 0);
	assert_int_equal(secshm_create_flags(1U << 31, false, false, &plain, &f), -EINVAL);
	assert_int_equal(secshm_create_flags(SECSHM_CREATE_FILE, false, false, &plain, &f),
			 -EINVAL);
	assert_int_equal(secshm_create_flags(0, false, true, &plain, &f), -EINVAL);
	assert_int_equal(secshm_create_flags(SECSHM_CREATE_FILE, false, true, &plain, &f), 0);
	assert_true(f & SECSHM_SECTION_FILE);
	assert_int_equal(secshm_create_flags(SECSHM_CREATE_FILE | SECSHM_SECTION_PINNED, false,
					     true, &trusted, &f), -EINVAL);
	assert_int_equal(secshm_create_flags(SECSHM_CREATE_PERMANENT, false, false, &plain, &f),
			 -EINVAL);
	assert_int_equal(secshm_create_flags(SECSHM_CREATE_PERMANENT, true, false, &plain, &f), 0);
	assert_true(f & SECSHM_SECTION_PERMANENT);
	assert_int_equal(secshm_create_flags(SECSHM_SECTION_TRUSTED_ONLY, false, false, &plain, &f),
			 -EACCES);
	assert_int_equal(secshm_create_flags(SECSHM_SECTION_TRUSTED_ONLY, false, false, &trusted,
					     &f), 0);
	assert_int_equal(secshm_create_flags(SECSHM_SECTION_PINNED, false, false, &plain, &f),
			 -EPERM);
	assert_int_equal(secshm_create_flags(SECSHM_SECTION_PINNED, false, false, NULL, &f), 0);
}

/* SPEC: R4 — argument structs: reserved fields, unknown flags, unused bytes are refused. */
static void test_arg_structs(void **state)
{
	struct secshm_create_args c = { .size = sizeof(c) };
	struct secshm_open_args o = { .size = sizeof(o), .access = SECSHM_GENERIC_READ,
				      .name_len = 1, .name = "a" };
	struct secshm_dup_args d = { .size = sizeof(d), .access = SECSHM_GENERIC_READ };
	struct secshm_call_args call = { .size = sizeof(call) };
	struct secshm_list_args l = { .size = sizeof(l) };
	struct secshm_ring_args r = { .size = sizeof(r) };
	uint32_t n;

	assert_int_equal(secshm_check_create(&c, false), 0);
	c.sd.mode = 0600;
	assert_int_equal(secshm_check_create(&c, false), -EINVAL);	/* sd without a name */
	c.sd.mode = 0;
	c.fd = 3;
	assert_int_equal(secshm_check_create(&c, true), -EINVAL);	/* fd without FILE */
	c.flags = SECSHM_CREATE_FILE;
	assert_int_equal(secshm_check_create(&c, true), 0);
	assert_int_equal(secshm_check_create(&c, false), -EINVAL);	/* the socket's is SCM_RIGHTS */

	assert_int_equal(secshm_check_open(&o), 0);
	o.reserved = 1;
	assert_int_equal(secshm_check_open(&o), -EINVAL);
	o.reserved = 0;
	o.flags = SECSHM_OPEN_TOKEN;
	assert_int_equal(secshm_check_open(&o), -EINVAL);	/* a token takes no access or name */
	o = (struct secshm_open_args){ .size = sizeof(o), .flags = SECSHM_OPEN_TOKEN };
	assert_int_equal(secshm_check_open(&o), 0);
	o.flags = 0;
	o.token.value[0] = 1;
	assert_int_equal(secshm_check_open(&o), -EINVAL);	/* a name takes no token */

	assert_int_equal(secshm_check_dup(&d), 0);
	d.access = 0;
	assert_int_equal(secshm_check_dup(&d), -EINVAL);
	d.flags = SECSHM_DUP_SAME_ACCESS;
	assert_int_equal(secshm_check_dup(&d), 0);
	d.flags = 1U << 30;
	assert_int_equal(secshm_check_dup(&d), -EINVAL);

	assert_int_equal(secshm_check_call(&call, false), 0);
	call.nrefs = SECSHM_REFS_MAX + 1;
	assert_int_equal(secshm_check_call(&call, false), -E2BIG);
	call.nrefs = 0;
	call.in_len = SECSHM_INLINE_MAX + 1;
	assert_int_equal(secshm_check_call(&call, false), -E2BIG);
	call.in_len = 0;
	call.in = 0x1000;
	assert_int_equal(secshm_check_call(&call, false), -EINVAL);
	assert_int_equal(secshm_check_call(&call, true), 0);

	assert_int_equal(secshm_check_list(&l, false), 0);
	l.entries = 0x1000;
	assert_int_equal(secshm_check_list(&l, false), -EINVAL);
	assert_int_equal(secshm_check_list(&l, true), 0);

	assert_int_equal(secshm_check_ring(&r, &n), 0);
	assert_int_equal(n, 256);
	r.entries = 3;
	assert_int_equal(secshm_check_ring(&r, &n), -EINVAL);
	r.entries = SECSHM_RING_MAX * 2;
	assert_int_equal(secshm_check_ring(&r, &n), -EINVAL);
}

/* SPEC: R1 — an opcode is registered with a shape, and a CALL must fit it. */
static void test_opcode_shape(void **state)
{
	assert_int_equal(secshm_opcode_check(SECSHM_CALL_USER, false, 0, 1, 0, 8), 0);
	assert_int_equal(secshm_opcode_check(SECSHM_CALL_USER - 1, false, 0, 1, 0, 8), -EINVAL);
	assert_int_equal(secshm_opcode_check(SECSHM_CALL_MAX + 1, false, 0, 1, 0, 8), -EINVAL);
	assert_int_equal(secshm_opcode_check(SECSHM_CALL_STATS, true, 0, 0, 0, 0), 0);
	assert_int_equal(secshm_opcode_check(SECSHM_CALL_USER, true, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(secshm_opcode_check(0, true, 0, 0, 0, 0), -EINVAL);
	assert_int_equal(secshm_opcode_check(SECSHM_CALL_USER, false, 2, 1, 0, 8), -EINVAL);
	assert_int_equal(secshm_opcode_check(SECSHM_CALL_USER, false, 0, SECSHM_REFS_MAX + 1,
					     0, 8), -EINVAL);
	assert_int_equal(secshm_opcode_check(SECSHM_CALL_USER, false, 0, 1, 9, 8), -EINVAL);
	assert_int_equal(secshm_opcode_check(SECSHM_CALL_USER, false, 0, 1, 0,
					     SECSHM_INLINE_MAX + 1), -EINVAL);

	assert_int_equal(secshm_call_fits(1, 4, 1, 1, 4, 4), 0);
	assert_int_equal(secshm_call_fits(0, 4, 1, 1, 4, 4), -EINVAL);
	assert_int_equal(secshm_call_fits(2, 4, 1, 1, 4, 4), -EINVAL);
	assert_int_equal(secshm_call_fits(1, 3, 1, 1, 4, 4), -EINVAL);
	assert_int_equal(secshm_call_fits(1, 5, 1, 1, 4, 4), -EINVAL);
}

/* SPEC: R2 — a reference: flags, then empty, overflowing, outside; a span's use by direction. */
static void test_references(void **state)
{
	uint32_t need;

	assert_int_equal(secshm_ref_flags(SECSHM_REF_READ, false, &need), 0);
	assert_int_equal(need, SECSHM_ACCESS_MAP_READ);
	assert_int_equal(secshm_ref_flags(SECSHM_REF_READ | SECSHM_REF_WRITE, false, &need), 0);
	assert_int_equal(need, SECSHM_ACCESS_MAP_READ | SECSHM_ACCESS_MAP_WRITE);
	assert_int_equal(secshm_ref_flags(0, false, &need), -EINVAL);
	assert_int_equal(secshm_ref_flags(SECSHM_REF_READ | SECSHM_REF_USER_PTR, false, &need),
			 -EINVAL);
	assert_int_equal(secshm_ref_flags(SECSHM_REF_READ | SECSHM_REF_USER_PTR, true, &need), 0);
	assert_int_equal(secshm_ref_flags(SECSHM_REF_READ | (1U << 30), true, &need), -EINVAL);

	assert_int_equal(secshm_range_check(0, 4096, 4096), 0);
	assert_int_equal(secshm_range_check(0, 0, 4096), -EINVAL);
	assert_int_equal(secshm_range_check(1, 4096, 4096), -ERANGE);
	assert_int_equal(secshm_range_check(UINT64_MAX, 2, UINT64_MAX), -EOVERFLOW);

	assert_int_equal(secshm_span_check(SECSHM_REF_READ, 100, 0, 100, SECSHM_REF_READ), 0);
	assert_int_equal(secshm_span_check(SECSHM_REF_READ, 100, 0, 1, SECSHM_REF_WRITE), -EACCES);
	assert_int_equal(secshm_span_check(SECSHM_REF_READ, 100, 99, 2, SECSHM_REF_READ), -ERANGE);
	assert_int_equal(secshm_span_check(SECSHM_REF_READ, 100, 101, 0, SECSHM_REF_READ), -ERANGE);
	assert_int_equal(secshm_span_check(SECSHM_REF_READ, 100, 1, UINT64_MAX, SECSHM_REF_READ),
			 -ERANGE);
}

/* SPEC: S3 — a view is page aligned and inside its section. */
static void test_views(void **state)
{
	assert_int_equal(secshm_view_check(PAGE, PAGE, 2 * PAGE, PAGE), 0);
	assert_int_equal(secshm_view_check(1, PAGE, 2 * PAGE, PAGE), -EINVAL);
	assert_int_equal(secshm_view_check(0, PAGE + 1, 2 * PAGE, PAGE), -EINVAL);
	assert_int_equal(secshm_view_check(PAGE, 2 * PAGE, 2 * PAGE, PAGE), -ERANGE);
	assert_int_equal(secshm_view_check(UINT64_MAX & ~(uint64_t)(PAGE - 1), PAGE, 2 * PAGE, PAGE),
			 -EOVERFLOW);
}

/* SPEC: S1, P9 — a length rounds up to pages within the side's maximum; a file backs one whole. */
static void test_lengths(void **state)
{
	uint64_t r;

	assert_int_equal(secshm_length_check(1, PAGE, UINT64_MAX, &r), 0);
	assert_int_equal(r, PAGE);
	assert_int_equal(secshm_length_check(PAGE, PAGE, UINT64_MAX, &r), 0);
	assert_int_equal(r, PAGE);
	assert_int_equal(secshm_length_check(0, PAGE, UINT64_MAX, &r), -EINVAL);
	assert_int_equal(secshm_length_check(UINT64_MAX, PAGE, UINT64_MAX, &r), -EOVERFLOW);
	assert_int_equal(secshm_length_check(3 * PAGE, PAGE, 2 * PAGE, &r), -EOVERFLOW);

	assert_int_equal(secshm_file_size_check(PAGE, PAGE, PAGE), 0);
	assert_int_equal(secshm_file_size_check(PAGE, 1, PAGE), 0);
	assert_int_equal(secshm_file_size_check(PAGE, PAGE + 1, PAGE), -ERANGE);
	assert_int_equal(secshm_file_size_check(2 * PAGE, PAGE, PAGE), -ERANGE);
	assert_int_equal(secshm_file_size_check(UINT64_MAX, UINT64_MAX - 1, PAGE), 0);
}

/* SPEC: Q1 — a quota passes up to its limit and never wraps. */
static void test_quota(void **state)
{
	assert_false(secshm_quota_over(0, 1, 1));
	assert_true(secshm_quota_over(1, 1, 1));
	assert_false(secshm_quota_over(10, 5, 15));
	assert_true(secshm_quota_over(10, 6, 15));
	assert_true(secshm_quota_over(0, 16, 15));
	assert_true(secshm_quota_over(UINT64_MAX, 1, UINT64_MAX));
	assert_true(secshm_quota_over(1, UINT64_MAX, UINT64_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_create_flags),
		cmocka_unit_test(test_arg_structs),
		cmocka_unit_test(test_opcode_shape),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_quota),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
