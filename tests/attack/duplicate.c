// SPDX-License-Identifier: MIT
/*
 * Duplication never adds access (H7, H1): a nobody client with a read-only
 * (0644) handle to root's section asks DUPLICATE for more, duplicates
 * without DUPLICATE access, and chains duplicates, through libsecshm.
 */
#include "attack.h"

#define SEED	0xd0d0

struct dup_arg {
	char name[64];
	uint64_t len;
};

static int access_of(struct secshm *s, uint32_t h, uint32_t *access)
{
	struct secshm_section_info info;

	return secshm_query(s, h, &info, access);
}

static int child_more(void *arg)
{
	const struct dup_arg *a = arg;
	const uint32_t more[] = {
		SECSHM_ACCESS_MAP_WRITE, SECSHM_ACCESS_DELETE, SECSHM_GENERIC_WRITE,
		SECSHM_GENERIC_ALL, SECSHM_ACCESS_SPECIFIC, ATTACK_OTHER_READ | SECSHM_ACCESS_DELETE,
		SECSHM_ACCESS_QUERY | SECSHM_ACCESS_MAP_WRITE,
	};
	struct secshm *s;
	uint32_t h, d, d2, x, acc;
	void *v;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_open(s, a->name, ATTACK_OTHER_READ, &h));
	for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		CHILD_STATUS(secshm_duplicate(s, h, more[i], &x), -EACCES);
	/* Equal access works, and the copy is exactly as weak. */
	CHILD_OK(secshm_duplicate(s, h, ATTACK_OTHER_READ, &d));
	CHILD_OK(access_of(s, d, &acc));
	CHILD_EQ(acc, ATTACK_OTHER_READ);
	CHILD_STATUS(secshm_map(s, d, 0, a->len, RW, &v), -EACCES);
	for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		CHILD_STATUS(secshm_duplicate(s, d, more[i], &x), -EACCES);
	CHILD_STATUS(secshm_unlink(s, d), -EACCES);
	/* Less access works; the lesser copy cannot climb back up. */
	CHILD_OK(secshm_duplicate(s, d, SECSHM_ACCESS_QUERY | SECSHM_ACCESS_DUPLICATE, &d2));
	CHILD_STATUS(secshm_duplicate(s, d2, SECSHM_GENERIC_READ, &x), -EACCES);
	CHILD_STATUS(secshm_duplicate(s, d2, SECSHM_ACCESS_MAP_READ, &x), -EACCES);
	CHILD_STATUS(secshm_map(s, d2, 0, a->len, RO, &v), -EACCES);
	CHILD_OK(secshm_duplicate(s, d2, SECSHM_ACCESS_QUERY, &x));
	CHILD_OK(access_of(s, x, &acc));
	CHILD_EQ(acc, SECSHM_ACCESS_QUERY);
	/* Bad requests are refused, not rounded. */
	CHILD_STATUS(secshm_duplicate(s, h, 0, &x), -EINVAL);
	CHILD_STATUS(secshm_duplicate(s, h, 1U << 5, &x), -EINVAL);
	CHILD_STATUS(secshm_duplicate(s, h, SECSHM_ACCESS_QUERY | (1U << 20), &x), -EINVAL);
	CHILD_OK(secshm_close(s, x));
	CHILD_OK(secshm_close(s, d2));
	CHILD_OK(secshm_close(s, d));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H7, H1 — DUPLICATE asking for more than the handle holds (write,
 * delete, generic write or all) is -EACCES, from the handle and from its
 * duplicates; equal or lesser access works and carries exactly that
 * access; a lesser copy cannot duplicate back up; zero or unknown access
 * bits are -EINVAL.
 */
static void test_duplicate_more_access(void **state)
{
	struct secshm *s = harness_connect();
	struct dup_arg a = { .len = harness_page() };
	uint32_t h;

	attack_named_section(s, "dup", a.len, 0644, SEED, a.name, sizeof(a.name), &h);
	ATTACK_AS_NOBODY(child_more, &a);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static int child_no_dup(void *arg)
{
	const struct dup_arg *a = arg;
	struct secshm *s;
	uint32_t h, x;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_open(s, a->name, SECSHM_GENERIC_READ, &h));	/* no DUPLICATE */
	CHILD_STATUS(secshm_duplicate(s, h, SECSHM_GENERIC_READ, &x), -EACCES);
	CHILD_STATUS(secshm_duplicate(s, h, SECSHM_ACCESS_QUERY, &x), -EACCES);
	CHILD_STATUS(secshm_duplicate(s, h, SECSHM_ACCESS_DUPLICATE, &x), -EACCES);
	CHILD_OK(secshm_close(s, h));
	/* A handle of the client's own section, opened without DUPLICATE, likewise. */
	{
		char name[64];
		uint32_t own, weak;

		snprintf(name, sizeof(name), "t/%d-nodup", (int)getpid());
		CHILD_OK(secshm_create(s, name, 4096, SECSHM_GENERIC_ALL, 0, NULL, &own));
		CHILD_OK(secshm_open(s, name, SECSHM_ACCESS_QUERY | SECSHM_ACCESS_MAP_READ, &weak));
		CHILD_STATUS(secshm_duplicate(s, weak, SECSHM_ACCESS_QUERY, &x), -EACCES);
		CHILD_OK(secshm_close(s, weak));
		CHILD_OK(secshm_close(s, own));
	}
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H7 — a handle without DUPLICATE access cannot be duplicated, even
 * with less access (-EACCES), also on a section the client owns.
 */
static void test_duplicate_without_right(void **state)
{
	struct secshm *s = harness_connect();
	struct dup_arg a = { .len = harness_page() };
	uint32_t h;

	attack_named_section(s, "nodup", a.len, 0644, SEED, a.name, sizeof(a.name), &h);
	ATTACK_AS_NOBODY(child_no_dup, &a);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_duplicate_more_access),
	HARNESS_TEST(test_duplicate_without_right),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
