// SPDX-License-Identifier: MIT
/*
 * The example privileged server (examples/example.h): its private section,
 * its shared section, its opcodes and the built-in STATS call.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../common/harness.h"
#include "../../examples/example.h"

#define RW (SECSHM_PROT_READ | SECSHM_PROT_WRITE)
#define MIB (1ULL << 20)

/* Regions of the shared section each test uses. */
#define R1_OFF	(2 * MIB)
#define P6_OFF	(4 * MIB)
#define P7_OFF	(6 * MIB)

static const uint32_t private_wants[] = {
	SECSHM_GENERIC_READ, SECSHM_GENERIC_WRITE, SECSHM_GENERIC_ALL,
	SECSHM_ACCESS_QUERY, SECSHM_ACCESS_MAP_READ, SECSHM_ACCESS_DUPLICATE,
};

/* Whether LIST, paged through to the end, names `name`: 1, 0, or -1 on error. */
static int listed(struct secshm *s, const char *name)
{
	static struct secshm_section_info info[SECSHM_LIST_MAX];
	uint32_t start = 0, total = 0;
	int n, i, found = 0;

	do {
		n = secshm_list(s, start, info, SECSHM_LIST_MAX, &total);
		if (n < 0)
			return -1;
		for (i = 0; i < n; i++)
			if (info[i].name_len == strlen(name) &&
			    !memcmp(info[i].name, name, info[i].name_len))
				found = 1;
		start += (uint32_t)n;
	} while (n > 0 && start < total);
	return found;
}

/* The private section cannot be opened, created over or listed by this caller. */
static int try_private(void *p)
{
	struct secshm *s;
	uint32_t h;
	size_t i;
	int r;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	for (i = 0; i < sizeof(private_wants) / sizeof(private_wants[0]); i++) {
		CHILD_EQ(secshm_open(s, EXAMPLE_PRIVATE, private_wants[i], &h), -EACCES);
		CHILD_EQ(secshm_create(s, EXAMPLE_PRIVATE, EXAMPLE_PRIVATE_SIZE, private_wants[i], 0,
				       NULL, &h), -EACCES);
		r = secshm_create(s, EXAMPLE_PRIVATE, 4096, private_wants[i], SECSHM_CREATE_NEW,
				  NULL, &h);
		CHILD_CHECK(r == -EEXIST || r == -EACCES);
	}
	CHILD_EQ(listed(s, EXAMPLE_PRIVATE), 0);
	secshm_disconnect(s);
	return 0;
}

/* Query, map and reference v from a connection that holds no handle. */
static void assert_unreachable(struct secshm *s, uint32_t v)
{
	struct secshm_section_info info;
	struct secshm_ref ref = { .handle = v, .flags = SECSHM_REF_READ, .offset = 0, .length = 64 };
	uint64_t sum;
	size_t n;
	void *addr;
	int r;

	if (!harness_forgeable(v))
		return;
	r = secshm_query(s, v, &info, NULL);
	if (r != -EBADF)
		fail_msg("query of handle %#x: %d", v, r);
	r = secshm_map(s, v, 0, 4096, SECSHM_PROT_READ, &addr);
	if (r != -EBADF)
		fail_msg("map of handle %#x: %d", v, r);
	r = secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 1, &sum, sizeof(sum), &n);
	if (r != -EBADF)
		fail_msg("reference to handle %#x: %d", v, r);
}

/*
 * SPEC: P1, H6 — the server-private section is reachable by no client: open
 * and create-or-open by name are -EACCES for root and for nobody, it is not
 * listed, and no handle value a client can send (small values, the
 * server-handle range, random values) reaches it or any server handle.
 */
static void test_private_unreachable(void **state)
{
	struct secshm *s;
	uint32_t v, i;

	assert_int_equal(try_private(NULL), 0);
	assert_int_equal(harness_as_nobody(try_private, NULL), 0);

	s = harness_connect();
	assert_int_equal(listed(s, EXAMPLE_PRIVATE), 0);
	assert_int_equal(listed(s, EXAMPLE_SHARED), 1);
	for (v = 0; v < 1024; v++) {
		assert_unreachable(s, v);
		assert_unreachable(s, SECSHM_HANDLE_SERVER | v);
		assert_unreachable(s, SECSHM_HANDLE_SERVER | (v << 16) | 1);
		assert_unreachable(s, SECSHM_HANDLE_SERVER | (v << 8) | 1);
	}
	srandom(17);
	for (i = 0; i < 4000; i++)
		assert_unreachable(s, (uint32_t)random() ^ ((uint32_t)random() << 16));
	secshm_disconnect(s);
}

static int client_created(void *p)
{
	struct secshm_section_info info;
	struct secshm *s;
	char name[64];
	uint32_t h;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_create(s, NULL, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h), 0);
	CHILD_EQ(secshm_query(s, h, &info, NULL), 0);
	CHILD_CHECK(info.flags & SECSHM_SECTION_CLIENT_CREATED);
	CHILD_CHECK(!(info.flags & SECSHM_SECTION_SERVER_PRIVATE));
	CHILD_EQ(info.server_refs, 0);
	CHILD_EQ(secshm_close(s, h), 0);
	harness_local_name(name, sizeof(name), "p3");
	CHILD_EQ(secshm_create(s, name, 4096, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW, NULL, &h), 0);
	CHILD_EQ(secshm_query(s, h, &info, NULL), 0);
	CHILD_CHECK(info.flags & SECSHM_SECTION_CLIENT_CREATED);
	CHILD_EQ(secshm_close(s, h), 0);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: P3 — a section a client creates (root or nobody, named or unnamed)
 * is reported client-created; the section the server created and shares is
 * not, and the server holds its own reference to it.
 */
static void test_client_created_marked(void **state)
{
	struct secshm_section_info info;
	struct secshm *s = harness_connect();
	uint32_t h;

	assert_int_equal(client_created(NULL), 0);
	assert_int_equal(harness_as_nobody(client_created, NULL), 0);
	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_READ, &h));
	assert_ok(secshm_query(s, h, &info, NULL));
	assert_false(info.flags & SECSHM_SECTION_CLIENT_CREATED);
	assert_false(info.flags & SECSHM_SECTION_SERVER_PRIVATE);
	assert_true(info.server_refs >= 1);
	assert_int_equal(info.length, EXAMPLE_SHARED_SIZE);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/* ---- P6: the record length raced while the server validates it ---- */

#define P6_DATA		4096			/* bytes the reference covers after the header */
#define P6_VALID	3000			/* the length that passes validation */

struct flipper {
	struct example_record *rec;
	atomic_bool stop;
	atomic_ulong flips;
};

static void *flip(void *p)
{
	static const uint32_t lens[] = { P6_VALID, P6_DATA + 1, P6_VALID, 0xfffffff8U,
					 P6_VALID, 1U << 20, P6_VALID, 0x7fffffffU };
	struct flipper *f = p;
	unsigned long i = 0;

	while (!atomic_load_explicit(&f->stop, memory_order_relaxed)) {
		__atomic_store_n(&f->rec->len, lens[i++ % 8], __ATOMIC_RELAXED);
		if (!(i & 1023))
			atomic_store_explicit(&f->flips, i, memory_order_relaxed);
	}
	__atomic_store_n(&f->rec->len, P6_VALID, __ATOMIC_RELAXED);
	return NULL;
}

static int record(struct secshm *s, const struct secshm_ref *ref, struct example_record_reply *r)
{
	size_t n = 0;
	int ret;

	memset(r, 0xee, sizeof(*r));
	ret = secshm_call(s, EXAMPLE_OP_RECORD, NULL, 0, ref, 1, r, sizeof(*r), &n);
	if (ret >= 0 && n != sizeof(*r))
		fail_msg("RECORD answered %zu bytes", n);
	return ret;
}

/*
 * SPEC: P6 — the server reads a record's length once: while another thread
 * flips it between a valid length and lengths past the reference, thousands
 * of RECORD calls either succeed with exactly the valid length and the
 * FNV-1a of data[0, len) or fail with -EINVAL; never an overrun, never a
 * checksum over a length other than the one validated.
 */
static void test_record_race(void **state)
{
	struct secshm *s = harness_connect();
	struct example_record_reply r;
	struct example_record *rec;
	struct flipper f = { 0 };
	struct secshm_ref ref;
	unsigned long ok = 0, refused = 0, i;
	uint64_t want_valid, want_full;
	unsigned char *v;
	pthread_t th;
	uint32_t h;
	int ret;

	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_WRITE, &h));
	assert_ok(secshm_map(s, h, P6_OFF, 2 * MIB, RW, (void **)&v));
	rec = (struct example_record *)v;
	harness_fill(rec->data, 2 * MIB - sizeof(*rec), 0x6);
	rec->reserved = 0;
	want_valid = harness_fnv1a(rec->data, P6_VALID);
	want_full = harness_fnv1a(rec->data, P6_DATA);
	ref = (struct secshm_ref){ .handle = h, .flags = SECSHM_REF_READ, .offset = P6_OFF,
				   .length = sizeof(*rec) + P6_DATA };

	/* Without a race: the bound is exactly the reference. */
	rec->len = P6_VALID;
	assert_ok(record(s, &ref, &r));
	assert_int_equal(r.len, P6_VALID);
	assert_int_equal(r.checksum, want_valid);
	rec->len = P6_DATA;
	assert_ok(record(s, &ref, &r));
	assert_int_equal(r.len, P6_DATA);
	assert_int_equal(r.checksum, want_full);
	rec->len = 0;
	assert_ok(record(s, &ref, &r));
	assert_int_equal(r.len, 0);
	assert_int_equal(r.checksum, EXAMPLE_FNV_OFFSET);
	rec->len = P6_DATA + 1;
	assert_status(record(s, &ref, &r), -EINVAL);
	rec->len = 0xffffffffU;
	assert_status(record(s, &ref, &r), -EINVAL);

	rec->len = P6_VALID;
	f.rec = rec;
	assert_int_equal(pthread_create(&th, NULL, flip, &f), 0);
	for (i = 0; i < 200000 && (i < 5000 || !ok || !refused); i++) {
		ret = record(s, &ref, &r);
		if (ret == 0) {
			if (r.len != P6_VALID || r.checksum != want_valid) {
				atomic_store(&f.stop, true);
				pthread_join(th, NULL);
				fail_msg("call %lu: len %u checksum %#llx; validated length is %u, checksum %#llx",
					 i, r.len, (unsigned long long)r.checksum, P6_VALID,
					 (unsigned long long)want_valid);
			}
			ok++;
		} else if (ret == -EINVAL) {
			refused++;
		} else {
			atomic_store(&f.stop, true);
			pthread_join(th, NULL);
			fail_msg("call %lu: %d (%s), expected 0 or -EINVAL", i, ret, secshm_strerror(ret));
		}
	}
	atomic_store(&f.stop, true);
	pthread_join(th, NULL);
	print_message("P6: %lu calls, %lu validated, %lu refused\n", i, ok, refused);
	assert_true(ok > 0);
	/* The data was never changed. */
	assert_true(harness_check_fill(rec->data, 2 * MIB - sizeof(*rec), 0x6));

	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/* ---- P7 ---- */

struct p7_arg {
	uint64_t id;
	uint32_t marker;
};

/* A client uses the shared section, then closes everything it has. */
static int p7_client(void *p)
{
	const struct p7_arg *a = p;
	struct secshm_section_info info;
	struct secshm *s;
	uint32_t h, d, access;
	unsigned char *v;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_WRITE | SECSHM_ACCESS_DUPLICATE, &h), 0);
	CHILD_EQ(secshm_query(s, h, &info, &access), 0);
	CHILD_EQ(info.id, a->id);
	CHILD_CHECK(info.server_refs >= 1);
	CHILD_CHECK(!(access & SECSHM_ACCESS_DELETE));
	CHILD_EQ(secshm_unlink(s, h), -EACCES);
	CHILD_EQ(secshm_duplicate(s, h, SECSHM_GENERIC_READ, &d), 0);
	CHILD_EQ(secshm_map(s, h, P7_OFF, 4096, RW, (void **)&v), 0);
	harness_fill(v, 4096, a->marker);
	CHILD_EQ(secshm_unmap(s, v), 0);
	CHILD_EQ(secshm_close(s, d), 0);
	CHILD_EQ(secshm_close(s, h), 0);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: P7 — the server holds its own reference to the shared section: a
 * client that opens it, writes to it and closes every handle (or dies
 * holding them) cannot destroy it; it is still there with the same id, its
 * contents and server_refs >= 1, and the server's sections are still
 * counted.
 */
static void test_server_reference(void **state)
{
	struct secshm_section_info info;
	struct secshm_stats base;
	struct secshm *s = harness_connect();
	struct p7_arg a;
	unsigned char *v;
	uint32_t h;

	assert_ok(harness_stats(&base));
	assert_true(base.sections >= 2);	/* the shared and the private section */
	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_READ, &h));
	assert_ok(secshm_query(s, h, &info, NULL));
	assert_true(info.server_refs >= 1);
	assert_ok(secshm_close(s, h));
	a.id = info.id;
	a.marker = (uint32_t)getpid() * 31;

	assert_int_equal(harness_as_nobody(p7_client, &a), 0);
	assert_int_equal(harness_wait_stats(&base), 0);
	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_READ, &h));
	assert_ok(secshm_query(s, h, &info, NULL));
	assert_int_equal(info.id, a.id);
	assert_true(info.server_refs >= 1);
	assert_int_equal(info.handles, 1);
	assert_ok(secshm_map(s, h, P7_OFF, 4096, SECSHM_PROT_READ, (void **)&v));
	assert_true(harness_check_fill(v, 4096, a.marker));
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, h));

	a.marker++;
	assert_int_equal(harness_as_root_child(p7_client, &a), 0);
	assert_int_equal(harness_wait_stats(&base), 0);
	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_READ, &h));
	assert_ok(secshm_query(s, h, &info, NULL));
	assert_int_equal(info.id, a.id);
	assert_ok(secshm_map(s, h, P7_OFF, 4096, SECSHM_PROT_READ, (void **)&v));
	assert_true(harness_check_fill(v, 4096, a.marker));
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/* ---- R1 ---- */

static int stats_as_nobody(void *p)
{
	struct secshm_stats st;
	struct secshm *s;
	size_t n = 0;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_call(s, SECSHM_CALL_STATS, NULL, 0, NULL, 0, &st, sizeof(st), &n), -EACCES);
	secshm_disconnect(s);
	return 0;
}

struct checksum_arg {
	struct secshm_ref ref;	/* handle filled in by the child */
	uint64_t want;
};

static int checksum_as_nobody(void *p)
{
	const struct checksum_arg *a = p;
	struct secshm_ref ref = a->ref;
	struct secshm *s;
	uint64_t sum = 0;
	size_t n = 0;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_READ, &ref.handle), 0);
	CHILD_EQ(secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 1, &sum, sizeof(sum), &n), 0);
	CHILD_EQ(n, sizeof(sum));
	CHILD_CHECK(sum == a->want);
	CHILD_EQ(secshm_close(s, ref.handle), 0);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: R1 — a server-registered opcode over the request channel: CHECKSUM
 * with one READ reference answers the FNV-1a of exactly the referenced bytes
 * (for root and for nobody), 8 bytes of output.
 */
static void test_checksum_call(void **state)
{
	static const uint64_t lens[] = { 1, 7, 4096, 10000, 65536 + 3 };
	struct secshm *s = harness_connect();
	struct checksum_arg arg;
	unsigned char *v;
	uint32_t h;
	size_t i;

	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_WRITE, &h));
	assert_ok(secshm_map(s, h, R1_OFF, 1 * MIB, RW, (void **)&v));
	harness_fill(v, 1 * MIB, (uint32_t)getpid());
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct secshm_ref ref = { .handle = h, .flags = SECSHM_REF_READ,
					  .offset = R1_OFF + 100 + i, .length = lens[i] };
		uint64_t sum = 0;
		size_t n = 0;

		assert_ok(secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 1, &sum, sizeof(sum), &n));
		assert_int_equal(n, sizeof(sum));
		assert_int_equal(sum, harness_fnv1a(v + 100 + i, lens[i]));
	}
	arg.ref = (struct secshm_ref){ .flags = SECSHM_REF_READ, .offset = R1_OFF + 5, .length = 3333 };
	arg.want = harness_fnv1a(v + 5, 3333);
	assert_int_equal(harness_as_nobody(checksum_as_nobody, &arg), 0);
	/* The server read the section, not a stale copy. */
	v[5] ^= 1;
	arg.want = harness_fnv1a(v + 5, 3333);
	assert_int_equal(harness_as_nobody(checksum_as_nobody, &arg), 0);

	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/*
 * SPEC: R1 — opcodes nobody registered are -EOPNOTSUPP, in the user range
 * and in the built-in call range (after the last built-in call); SECSHM_CALL_STATS answers root and is
 * -EACCES for nobody; a call whose shape the opcode does not accept (no
 * reference, unexpected input) is refused.
 */
static void test_call_dispatch(void **state)
{
	static const uint32_t unknown[] = { 0x1fff, 0x1006, 0x1000, 0xffff, 0x0005, 0x0fff };
	struct secshm *s = harness_connect();
	struct secshm_stats st;
	uint64_t sum;
	size_t i, n;
	uint32_t h;

	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		assert_status(secshm_call(s, unknown[i], NULL, 0, NULL, 0, &sum, sizeof(sum), &n),
			      -EOPNOTSUPP);

	assert_ok(secshm_call(s, SECSHM_CALL_STATS, NULL, 0, NULL, 0, &st, sizeof(st), &n));
	assert_int_equal(n, sizeof(st));
	assert_int_equal(st.size, sizeof(st));
	assert_int_equal(harness_as_nobody(stats_as_nobody, NULL), 0);

	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_READ, &h));
	{
		struct secshm_ref ref = { .handle = h, .flags = SECSHM_REF_READ, .length = 16 };
		char in[8] = "junk";

		assert_true(secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, NULL, 0, &sum, sizeof(sum), &n) < 0);
		assert_true(secshm_call(s, EXAMPLE_OP_CHECKSUM, in, sizeof(in), &ref, 1, &sum,
					sizeof(sum), &n) < 0);
		assert_ok(secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 1, &sum, sizeof(sum), &n));
	}
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_private_unreachable),
	HARNESS_TEST(test_client_created_marked),
	HARNESS_TEST(test_record_race),
	HARNESS_TEST(test_server_reference),
	HARNESS_TEST(test_checksum_call),
	HARNESS_TEST(test_call_dispatch),
};

HARNESS_MAIN(tests, HARNESS_EXAMPLE)
