// SPDX-License-Identifier: MIT
/*
 * References (R2) from a nobody client: (handle, offset, length, flags)
 * that overflow, reach past the section, are empty, carry unknown flags or
 * ask for more access than the handle has. Against the example server's
 * EXAMPLE_OP_CHECKSUM (or the module's example driver), through libsecshm.
 */
#include "attack.h"

#define SEED	0x2e2e

static int call_ref(struct secshm *s, uint32_t h, uint32_t flags, uint64_t off, uint64_t len)
{
	struct secshm_ref ref = { .handle = h, .flags = flags, .offset = off, .length = len };
	uint64_t sum;
	size_t n = 0;

	return secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 1, &sum, sizeof(sum), &n);
}

static int child_bounds(void *arg)
{
	const uint64_t page = harness_page(), len = 4 * page;
	const uint32_t R = SECSHM_REF_READ;
	unsigned char *v;
	struct secshm *s;
	uint64_t sum;
	uint32_t h;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create(s, NULL, len, SECSHM_GENERIC_ALL, 0, NULL, &h));
	CHILD_OK(secshm_map(s, h, 0, len, RW, (void **)&v));
	harness_fill(v, len, SEED);

	/* offset + length wraps around: -EOVERFLOW. */
	CHILD_STATUS(call_ref(s, h, R, UINT64_MAX, 1), -EOVERFLOW);
	CHILD_STATUS(call_ref(s, h, R, 1, UINT64_MAX), -EOVERFLOW);
	CHILD_STATUS(call_ref(s, h, R, UINT64_MAX, UINT64_MAX), -EOVERFLOW);
	CHILD_STATUS(call_ref(s, h, R, UINT64_MAX - 10, 11), -EOVERFLOW);
	CHILD_STATUS(call_ref(s, h, R, 1ULL << 63, 1ULL << 63), -EOVERFLOW);
	CHILD_STATUS(call_ref(s, h, R, len, UINT64_MAX - len + 1), -EOVERFLOW);
	/* Within arithmetic, outside the section: -ERANGE. */
	CHILD_STATUS(call_ref(s, h, R, 0, len + 1), -ERANGE);
	CHILD_STATUS(call_ref(s, h, R, len, 1), -ERANGE);
	CHILD_STATUS(call_ref(s, h, R, len - 1, 2), -ERANGE);
	CHILD_STATUS(call_ref(s, h, R, 1ULL << 63, 1), -ERANGE);
	CHILD_STATUS(call_ref(s, h, R, UINT64_MAX - 10, 10), -ERANGE);
	CHILD_STATUS(call_ref(s, h, R, 0, UINT64_MAX), -ERANGE);
	CHILD_STATUS(call_ref(s, h, R, 0, 1ULL << 32), -ERANGE);
	/* Empty: -EINVAL, wherever it points. */
	CHILD_STATUS(call_ref(s, h, R, 0, 0), -EINVAL);
	CHILD_STATUS(call_ref(s, h, R, len, 0), -EINVAL);
	CHILD_STATUS(call_ref(s, h, R, UINT64_MAX, 0), -EINVAL);
	/* The edges that are inside work, unaligned included, and read the right bytes. */
	CHILD_OK(attack_checksum(s, h, len - 1, 1, &sum));
	CHILD_EQ(sum, harness_fnv1a(v + len - 1, 1));
	CHILD_OK(attack_checksum(s, h, 0, len, &sum));
	CHILD_EQ(sum, harness_fnv1a(v, len));
	CHILD_OK(attack_checksum(s, h, 4097, 3001, &sum));
	CHILD_EQ(sum, harness_fnv1a(v + 4097, 3001));
	CHILD_OK(secshm_unmap(s, v));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: R2 — reference arithmetic: offset + length overflowing is
 * -EOVERFLOW (offsets near UINT64_MAX, lengths near UINT64_MAX); a range
 * past the end is -ERANGE; a zero length is -EINVAL; ranges at the very
 * end, and unaligned ones, work and read exactly their bytes.
 */
static void test_ref_bounds(void **state)
{
	ATTACK_AS_NOBODY(child_bounds, NULL);
}

static int child_flags(void *arg)
{
	uint32_t bad[] = { 0, 1U << 3, 1U << 4, 1U << 31, SECSHM_REF_READ | (1U << 3),
			   SECSHM_REF_READ | (1U << 31), SECSHM_REF_WRITE | 0x100,
			   ~SECSHM_REF_MASK, UINT32_MAX };
	static char local[4096];
	struct secshm *s;
	uint32_t h;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHILD_STATUS(call_ref(s, h, bad[i], 0, 64), -EINVAL);
	/* SECSHM_REF_USER_PTR alone names no direction. */
	CHILD_STATUS(call_ref(s, 0, SECSHM_REF_USER_PTR, (uintptr_t)local, 64), -EINVAL);
	if (attack_is_socket()) {
		/* The daemon never takes a caller address, whatever it points at. */
		CHILD_STATUS(call_ref(s, h, SECSHM_REF_READ | SECSHM_REF_USER_PTR, 0, 64), -EINVAL);
		CHILD_STATUS(call_ref(s, 0, SECSHM_REF_READ | SECSHM_REF_USER_PTR,
				      (uintptr_t)local, 64), -EINVAL);
	} else {
		/* The device copies it with the fault-safe routines. */
		void *hole = mmap(NULL, 65536, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		CHILD_CHECK(hole != MAP_FAILED);
		CHILD_OK(call_ref(s, 0, SECSHM_REF_READ | SECSHM_REF_USER_PTR, (uintptr_t)local,
				  sizeof(local)));
		CHILD_STATUS(call_ref(s, h, SECSHM_REF_READ | SECSHM_REF_USER_PTR,
				      (uintptr_t)local, 64), -EINVAL);
		CHILD_STATUS(call_ref(s, 0, SECSHM_REF_READ | SECSHM_REF_USER_PTR,
				      (uintptr_t)hole, 65536), -EFAULT);
		CHILD_STATUS(call_ref(s, 0, SECSHM_REF_READ | SECSHM_REF_USER_PTR,
				      0xffff888000000000ULL, 4096), -EFAULT);
		CHILD_STATUS(call_ref(s, 0, SECSHM_REF_READ | SECSHM_REF_USER_PTR, 0, 4096),
			     -EFAULT);
		CHILD_STATUS(call_ref(s, 0, SECSHM_REF_READ | SECSHM_REF_USER_PTR,
				      UINT64_MAX - 10, 64), -EOVERFLOW);
		munmap(hole, 65536);
	}
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: R2 — reference flags: none, or any unknown bit, is -EINVAL;
 * SECSHM_REF_USER_PTR is -EINVAL on the daemon; on the device a user
 * pointer into unmapped or kernel memory is -EFAULT and one that
 * overflows is -EOVERFLOW.
 */
static void test_ref_flags(void **state)
{
	ATTACK_AS_NOBODY(child_flags, NULL);
}

struct acc_arg {
	char name[64];
};

static int child_access(void *arg)
{
	const struct acc_arg *a = arg;
	struct secshm_ref refs[3];
	struct secshm *s;
	uint32_t ro, q, mine;
	uint64_t sum;
	size_t n;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_open(s, a->name, SECSHM_GENERIC_READ, &ro));
	CHILD_OK(secshm_open(s, a->name, SECSHM_ACCESS_QUERY, &q));
	CHILD_OK(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &mine));
	/* The server would write: needs MAP_WRITE. */
	CHILD_STATUS(call_ref(s, ro, SECSHM_REF_WRITE, 0, 64), -EACCES);
	CHILD_STATUS(call_ref(s, ro, SECSHM_REF_READ | SECSHM_REF_WRITE, 0, 64), -EACCES);
	/* The server would read: needs MAP_READ. */
	CHILD_STATUS(call_ref(s, q, SECSHM_REF_READ, 0, 64), -EACCES);
	CHILD_OK(call_ref(s, ro, SECSHM_REF_READ, 0, 64));
	/* The first bad reference of several fails the call, and nothing is held. */
	refs[0] = (struct secshm_ref){ .handle = mine, .flags = SECSHM_REF_READ, .length = 64 };
	refs[1] = (struct secshm_ref){ .handle = ro, .flags = SECSHM_REF_WRITE, .length = 64 };
	refs[2] = (struct secshm_ref){ .handle = mine, .flags = SECSHM_REF_READ, .length = 64 };
	CHILD_CHECK(secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, refs, 3, &sum, sizeof(sum),
				&n) < 0);
	CHILD_STATUS(secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, refs, SECSHM_REFS_MAX + 1,
				 &sum, sizeof(sum), &n), -E2BIG);
	CHILD_OK(secshm_close(s, q));
	CHILD_OK(secshm_close(s, ro));
	CHILD_OK(secshm_close(s, mine));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: R2, H1 — access for the direction of use: a WRITE reference on a
 * read-only handle and a READ reference on a QUERY-only handle are
 * -EACCES; a call with a bad reference among good ones fails and holds
 * nothing (the teardown's counters); more than SECSHM_REFS_MAX is -E2BIG.
 */
static void test_ref_access(void **state)
{
	struct secshm *s = harness_connect();
	struct acc_arg a;
	uint32_t h;

	attack_named_section(s, "refacc", harness_page(), 0644, SEED, a.name, sizeof(a.name), &h);
	ATTACK_AS_NOBODY(child_access, &a);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_ref_bounds),
	HARNESS_TEST(test_ref_flags),
	HARNESS_TEST(test_ref_access),
};

HARNESS_MAIN(tests, HARNESS_EXAMPLE)
