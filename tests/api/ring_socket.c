// SPDX-License-Identifier: MIT
/*
 * The ring request path (issue 5, R1/R2 through the ring): the same results
 * and the same refusals as secshm_call, in order, with and without the
 * server sleeping between requests.
 */
#include <errno.h>
#include <string.h>
#include "../common/harness.h"
#include "../../examples/example.h"

#define RW (SECSHM_PROT_READ | SECSHM_PROT_WRITE)
#define MIB (1ULL << 20)
#define REGION (10 * MIB)	/* of the example's shared section, this file's own */

struct fixture {
	struct secshm *s;
	struct secshm_ring *ring;
	uint32_t h;
	unsigned char *v;
};

static void open_fixture(struct fixture *f)
{
	f->s = harness_connect();
	assert_ok(secshm_open(f->s, EXAMPLE_SHARED, SECSHM_GENERIC_WRITE, &f->h));
	assert_ok(secshm_map(f->s, f->h, REGION, MIB, RW, (void **)&f->v));
	assert_ok(secshm_ring_setup(f->s, 16, &f->ring));
}

static void close_fixture(struct fixture *f)
{
	secshm_ring_free(f->ring);
	assert_ok(secshm_unmap(f->s, f->v));
	assert_ok(secshm_close(f->s, f->h));
	secshm_disconnect(f->s);
}

/* SPEC: R1, R2 — ring requests return what secshm_call returns, refusals included. */
static void test_ring_matches_call(void **state)
{
	struct fixture f;
	struct secshm_ref ref = { 0, SECSHM_REF_READ, REGION, 4096 };
	struct secshm_cqe cqe;
	uint64_t sum;
	size_t n;

	open_fixture(&f);
	ref.handle = f.h;
	for (int i = 0; i < 200; i++) {
		harness_fill(f.v, 4096, (uint32_t)i);
		assert_ok(secshm_ring_submit(f.ring, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 1,
					     (uint64_t)i));
		/* Alternate busy-poll and sleeping so both wake-up paths run. */
		assert_ok(secshm_ring_wait(f.ring, &cqe, i % 2 ? 1000000 : 0, 5000));
		assert_int_equal(cqe.user_data, i);
		assert_int_equal(cqe.status, 0);
		assert_int_equal(cqe.out_len, sizeof(sum));
		assert_ok(secshm_call(f.s, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 1, &sum,
				      sizeof(sum), &n));
		assert_memory_equal(cqe.out, &sum, sizeof(sum));
		assert_int_equal(sum, harness_fnv1a(f.v, 4096));
	}
	struct { uint32_t op; struct secshm_ref ref; int want; } bad[] = {
		{ EXAMPLE_OP_CHECKSUM, { 0x000fff00, SECSHM_REF_READ, REGION, 4096 }, -EBADF },
		{ EXAMPLE_OP_CHECKSUM, { f.h, SECSHM_REF_READ, EXAMPLE_SHARED_SIZE - 4, 8 }, -ERANGE },
		{ EXAMPLE_OP_CHECKSUM, { f.h, SECSHM_REF_READ, UINT64_MAX - 2, 8 }, -EOVERFLOW },
		{ EXAMPLE_OP_CHECKSUM, { f.h | SECSHM_HANDLE_SERVER, SECSHM_REF_READ, 0, 8 }, -EBADF },
		{ 0x1fff, { f.h, SECSHM_REF_READ, 0, 8 }, -EOPNOTSUPP },
		{ EXAMPLE_OP_CHECKSUM, { f.h, 0, 0, 8 }, -EINVAL },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_ok(secshm_ring_submit(f.ring, bad[i].op, NULL, 0, &bad[i].ref, 1, 1000 + i));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_ok(secshm_ring_wait(f.ring, &cqe, 0, 5000));
		assert_int_equal(cqe.user_data, 1000 + i);
		assert_int_equal(cqe.status, bad[i].want);
		assert_int_equal(secshm_call(f.s, bad[i].op, NULL, 0, &bad[i].ref, 1, &sum,
					     sizeof(sum), &n), bad[i].want);
	}
	close_fixture(&f);
}

/* SPEC: R1 — a full ring says so; completions come back in order once drained. */
static void test_ring_full_and_batches(void **state)
{
	struct fixture f;
	struct secshm_ref ref = { 0, SECSHM_REF_READ, REGION, 64 };
	struct secshm_ring *again;
	struct secshm_cqe cqe;
	uint64_t next = 0;
	int queued = 0;

	open_fixture(&f);
	ref.handle = f.h;
	assert_status(secshm_ring_setup(f.s, 16, &again), -EBUSY);
	for (uint64_t i = 0; i < 2000; i++) {
		int r = secshm_ring_submit(f.ring, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 1, i);

		if (r == -EBUSY) {	/* take one, then retry */
			assert_ok(secshm_ring_wait(f.ring, &cqe, 0, 5000));
			assert_int_equal(cqe.user_data, next++);
			assert_int_equal(cqe.status, 0);
			queued--;
			i--;
			continue;
		}
		assert_ok(r);
		queued++;
	}
	while (queued--) {
		assert_ok(secshm_ring_wait(f.ring, &cqe, 0, 5000));
		assert_int_equal(cqe.user_data, next++);
	}
	assert_int_equal(next, 2000);
	assert_status(secshm_ring_wait(f.ring, &cqe, 0, 0), -EAGAIN);
	assert_status(secshm_ring_submit(f.ring, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 3, 0), -E2BIG);
	close_fixture(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_ring_matches_call),
		HARNESS_TEST(test_ring_full_and_batches),
	};

	harness_set_kind(HARNESS_EXAMPLE);
	return harness_finish(cmocka_run_group_tests(tests, harness_group_setup,
						     harness_group_teardown));
}
