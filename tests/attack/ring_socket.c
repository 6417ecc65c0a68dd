// SPDX-License-Identifier: MIT
/*
 * A hostile client of the ring request path: it owns its ring section and
 * writes whatever it likes into the control blocks and entries. The server
 * clamps, masks and copies, answers garbage with errors, never hangs, and
 * frees the ring with the connection.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include "../common/harness.h"

#define RW (SECSHM_PROT_READ | SECSHM_PROT_WRITE)
#define ENTRIES 16

struct raw_ring {
	int sock, doorbell;
	struct secshm_ring_args a;
	unsigned char *m;
	struct secshm_ring_ctl *sq, *cq;
	struct secshm_sqe *sqes;
	struct secshm_cqe *cqes;
};

static int raw_ring_open(struct raw_ring *r)
{
	struct secshm_map_args map = { .size = sizeof(map), .prot = RW };
	int fd;

	r->sock = harness_raw_connect();
	CHILD_CHECK(r->sock >= 0);
	r->a = (struct secshm_ring_args){ .size = sizeof(r->a), .entries = ENTRIES };
	CHILD_EQ(harness_raw_request(r->sock, SECSHM_OP_RING, &r->a, sizeof(r->a), NULL, 0,
				     NULL, 0, NULL, &r->doorbell), 0);
	map.handle = r->a.handle;
	map.length = r->a.length;
	CHILD_EQ(harness_raw_request(r->sock, SECSHM_OP_MAP, &map, sizeof(map), NULL, 0, NULL, 0,
				     NULL, &fd), 0);
	r->m = mmap(NULL, r->a.length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	CHILD_CHECK(r->m != MAP_FAILED);
	r->sq = (void *)(r->m + r->a.sq_ctl);
	r->cq = (void *)(r->m + r->a.cq_ctl);
	r->sqes = (void *)(r->m + r->a.sqes);
	r->cqes = (void *)(r->m + r->a.cqes);
	return 0;
}

static void ring_bell(struct raw_ring *r)
{
	uint64_t one = 1;

	if (write(r->doorbell, &one, sizeof(one)) < 0)
		return;
}

/* Wait until the completion tail stops moving; return it. */
static uint32_t settle(struct raw_ring *r)
{
	uint32_t last = ~0U, now;

	for (int stable = 0; stable < 20;) {
		struct timespec ts = { 0, 2000000 };

		now = __atomic_load_n(&r->cq->tail, __ATOMIC_ACQUIRE);
		stable = now == last ? stable + 1 : 0;
		last = now;
		nanosleep(&ts, NULL);
	}
	return now;
}

/* A request the daemon answers: STATS, which nobody may not read. */
static void put_sqe(struct raw_ring *r, uint32_t i, uint64_t user_data)
{
	r->sqes[i % ENTRIES] = (struct secshm_sqe){ .user_data = user_data,
						    .opcode = SECSHM_CALL_STATS };
}

static int hostile_sq_tail(void *p)
{
	struct raw_ring r;

	CHILD_EQ(raw_ring_open(&r), 0);
	/* Claim two billion requests: the server takes at most a ring's worth per pass. */
	__atomic_store_n(&r.sq->tail, 0x80000000U, __ATOMIC_RELEASE);
	ring_bell(&r);
	CHILD_EQ(settle(&r), ENTRIES);	/* then the completion ring is full and it stops */
	for (int i = 0; i < ENTRIES; i++)	/* zeroed entries: opcode 0, not a call */
		CHILD_EQ(r.cqes[i].status, -EOPNOTSUPP);
	CHILD_EQ(harness_check_serves(), 0);
	close(r.sock);
	return 0;
}

/* SPEC: R4, Q5 — a request tail far beyond the ring is clamped to the ring. */
static void test_hostile_sq_tail(void **state)
{
	assert_int_equal(harness_as_nobody(hostile_sq_tail, NULL), 0);
}

static int hostile_cq_head(void *p)
{
	struct raw_ring r;

	CHILD_EQ(raw_ring_open(&r), 0);
	/*
	 * A completion head the server never produced. The server fills the
	 * room it knows of without looking; when it must look, the lie reads
	 * as a full ring and it stops.
	 */
	__atomic_store_n(&r.cq->head, 0xdeadbeefU, __ATOMIC_RELEASE);
	for (uint32_t i = 0; i < ENTRIES; i++)
		put_sqe(&r, i, i);
	__atomic_store_n(&r.sq->tail, ENTRIES, __ATOMIC_RELEASE);
	ring_bell(&r);
	CHILD_EQ(settle(&r), ENTRIES);
	put_sqe(&r, ENTRIES, ENTRIES);
	__atomic_store_n(&r.sq->tail, ENTRIES + 1, __ATOMIC_RELEASE);
	ring_bell(&r);
	CHILD_EQ(settle(&r), ENTRIES);
	CHILD_EQ(harness_check_serves(), 0);
	/* Repaired, the same ring works again. */
	__atomic_store_n(&r.cq->head, ENTRIES, __ATOMIC_RELEASE);
	ring_bell(&r);
	CHILD_EQ(settle(&r), ENTRIES + 1);
	CHILD_EQ(r.cqes[0].user_data, ENTRIES);
	CHILD_EQ(r.cqes[0].status, -EACCES);
	close(r.sock);
	return 0;
}

/* SPEC: R4 — a completion head that lies stalls only the liar's own ring. */
static void test_hostile_cq_head(void **state)
{
	assert_int_equal(harness_as_nobody(hostile_cq_head, NULL), 0);
}

static int garbage_entries(void *p)
{
	static const struct secshm_sqe bad[] = {
		{ .user_data = 1, .opcode = SECSHM_CALL_STATS, .nrefs = 1000 },
		{ .user_data = 2, .opcode = SECSHM_CALL_STATS, .in_len = 1U << 30 },
		{ .user_data = 3, .opcode = SECSHM_CALL_STATS, .flags = 7 },
		{ .user_data = 4, .opcode = 0x1fff },
		{ .user_data = 5, .opcode = SECSHM_CALL_FLUSH, .nrefs = 1,
		  .refs = { { 0x000abcde, SECSHM_REF_READ, 0, 8 } } },
		{ .user_data = 6, .opcode = SECSHM_CALL_FLUSH, .nrefs = 1,
		  .refs = { { SECSHM_HANDLE_SERVER | 1, SECSHM_REF_READ, 0, 8 } } },
	};
	/* FLUSH waits for the disk: the loop's ring path never serves it. */
	static const int want[] = { -E2BIG, -E2BIG, -EINVAL, -EOPNOTSUPP, -EOPNOTSUPP,
				    -EOPNOTSUPP };
	struct raw_ring r;
	uint32_t n = sizeof(bad) / sizeof(bad[0]);

	CHILD_EQ(raw_ring_open(&r), 0);
	memcpy(r.sqes, bad, sizeof(bad));
	__atomic_store_n(&r.sq->tail, n, __ATOMIC_RELEASE);
	ring_bell(&r);
	CHILD_EQ(settle(&r), n);
	for (uint32_t i = 0; i < n; i++) {
		CHILD_EQ(r.cqes[i].user_data, bad[i].user_data);
		CHILD_EQ(r.cqes[i].status, want[i]);
		CHILD_EQ(r.cqes[i].out_len, 0);
	}
	close(r.sock);
	return 0;
}

/*
 * SPEC: R4, Q5 — malformed ring entries get the socket path's errors, and
 * FLUSH, which would hold the loop on the disk, is refused on the ring.
 */
static void test_garbage_entries(void **state)
{
	assert_int_equal(harness_as_nobody(garbage_entries, NULL), 0);
}

static int flood_and_vanish(void *p)
{
	struct raw_ring r;

	CHILD_EQ(raw_ring_open(&r), 0);
	for (uint32_t i = 0; i < 3 * ENTRIES; i++)
		put_sqe(&r, i, i);
	/* Publish more than was written, ring the bell thousands of times, never reap. */
	__atomic_store_n(&r.sq->tail, 3 * ENTRIES + 5, __ATOMIC_RELEASE);
	for (int i = 0; i < 10000; i++)
		ring_bell(&r);
	CHILD_EQ(harness_check_serves(), 0);
	return 0;	/* exit with the ring half-used: the server must free it all */
}

/* SPEC: Q2, S4 — a client that stops mid-stream and dies leaves nothing behind. */
static void test_flood_and_vanish(void **state)
{
	assert_int_equal(harness_as_nobody(flood_and_vanish, NULL), 0);
}

static int bad_setup(void *p)
{
	static const uint32_t entries[] = { 3, 100, SECSHM_RING_MAX * 2, 0x80000000U };
	struct secshm_ring_args a;
	int sock = harness_raw_connect(), fd;

	CHILD_CHECK(sock >= 0);
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		a = (struct secshm_ring_args){ .size = sizeof(a), .entries = entries[i] };
		CHILD_EQ(harness_raw_request(sock, SECSHM_OP_RING, &a, sizeof(a), NULL, 0, NULL, 0,
					     NULL, &fd), -EINVAL);
	}
	a = (struct secshm_ring_args){ .size = sizeof(a), .flags = 1 };
	CHILD_EQ(harness_raw_request(sock, SECSHM_OP_RING, &a, sizeof(a), NULL, 0, NULL, 0, NULL,
				     &fd), -EINVAL);
	a = (struct secshm_ring_args){ .size = sizeof(a) };
	CHILD_EQ(harness_raw_request(sock, SECSHM_OP_RING, &a, sizeof(a), NULL, 0, NULL, 0, NULL,
				     &fd), 0);
	close(fd);
	a = (struct secshm_ring_args){ .size = sizeof(a) };
	CHILD_EQ(harness_raw_request(sock, SECSHM_OP_RING, &a, sizeof(a), NULL, 0, NULL, 0, NULL,
				     &fd), -EBUSY);
	close(sock);
	return 0;
}

/* SPEC: R4 — ring sizes that are not powers of two or too large, and a second ring, are refused. */
static void test_bad_setup(void **state)
{
	assert_int_equal(harness_as_nobody(bad_setup, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_hostile_sq_tail),
		HARNESS_TEST(test_hostile_cq_head),
		HARNESS_TEST(test_garbage_entries),
		HARNESS_TEST(test_flood_and_vanish),
		HARNESS_TEST(test_bad_setup),
	};

	harness_set_kind(HARNESS_DAEMON);
	return harness_finish(cmocka_run_group_tests(tests, harness_group_setup,
						     harness_group_teardown));
}
