// SPDX-License-Identifier: MIT
/*
 * A client with write access tampers with memory the server reads (P5,
 * P6): it punches holes through its view, unmaps or protects its view
 * while passing references, and rewrites a record while the server
 * validates it. Only libsecshm and system calls, against the example
 * server (its EXAMPLE_OP_CHECKSUM and EXAMPLE_OP_RECORD read references
 * through the capture helpers), so the module's example driver meets the
 * same attacks.
 */
#include <sys/prctl.h>
#include "attack.h"

#define SEED	0x7a11

static uint64_t fnv(const void *p, size_t len)
{
	return harness_fnv1a(p, len);
}

/* The server's checksum of [off, off + len) equals that of the bytes at p. */
static int server_agrees(struct secshm *s, uint32_t h, uint64_t off, uint64_t len, const void *p)
{
	uint64_t sum = 0;

	CHILD_OK(attack_checksum(s, h, off, len, &sum));
	CHILD_EQ(sum, fnv(p, len));
	return 0;
}

/*
 * Punch a hole through a writable view of [0, 4 pages) of h, pages 1 and 2.
 * On the daemon (memfd) the kernel allows it and the range reads zeros; the
 * module refuses it. Either way the server's reads agree with the client's.
 */
static int punch_and_check(struct secshm *s, uint32_t h)
{
	size_t page = harness_page(), len = 4 * page;
	unsigned char *v, *zeros;
	int r;

	CHILD_OK(secshm_map(s, h, 0, len, RW, (void **)&v));
	harness_fill(v, len, SEED);
	CHILD_CHECK(server_agrees(s, h, 0, len, v) == 0);
	r = madvise(v + page, 2 * page, MADV_REMOVE);
	if (attack_is_socket()) {
		CHILD_EQ(r, 0);
		zeros = calloc(1, 2 * page);
		CHILD_CHECK(zeros);
		CHILD_CHECK(memcmp(v + page, zeros, 2 * page) == 0);
		CHILD_CHECK(server_agrees(s, h, page, 2 * page, zeros) == 0);
		free(zeros);
	} else {
		CHILD_EQ(r, -1);
		CHILD_CHECK(harness_check_fill(v, len, SEED));
	}
	CHILD_CHECK(server_agrees(s, h, 0, len, v) == 0);
	/* The punched pages fill again on write and the server sees it. */
	memset(v + page, 0x5c, page);
	CHILD_CHECK(server_agrees(s, h, 0, len, v) == 0);
	CHILD_OK(secshm_unmap(s, v));
	return 0;
}

static int child_punch_own(void *arg)
{
	struct secshm *s;
	uint32_t h;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create(s, NULL, 4 * harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	CHILD_CHECK(punch_and_check(s, h) == 0);
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: P5 — hole-punching (madvise MADV_REMOVE) through a writable view of
 * the client's own section: the server keeps serving and its reads of the
 * punched range give zeros, exactly what the client sees.
 */
static void test_punch_hole_own_section(void **state)
{
	ATTACK_AS_NOBODY(child_punch_own, NULL);
}

static int child_punch_server(void *arg)
{
	struct secshm *s;
	uint32_t h;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_WRITE, &h));
	CHILD_CHECK(punch_and_check(s, h) == 0);
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: P5, P7 — the same against the server's own shared section, which
 * the server keeps mapped for itself: its reads survive the hole and agree
 * with the client's view.
 */
static void test_punch_hole_server_section(void **state)
{
	ATTACK_AS_NOBODY(child_punch_server, NULL);
}

static int child_unmap(void *arg)
{
	size_t page = harness_page(), len = 4 * page;
	unsigned char *v, *copy;
	struct secshm *s;
	uint32_t h;
	uint64_t sum;

	copy = malloc(len);
	CHILD_CHECK(copy);
	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create(s, NULL, len, SECSHM_GENERIC_ALL, 0, NULL, &h));
	CHILD_OK(secshm_map(s, h, 0, len, RW, (void **)&v));
	harness_fill(v, len, SEED);
	memcpy(copy, v, len);
	/* The client's protection of its own view is not the server's. */
	CHILD_SYSOK(mprotect(v, len, PROT_NONE));
	CHILD_CHECK(server_agrees(s, h, 0, len, copy) == 0);
	CHILD_SYSOK(mprotect(v, len, PROT_READ | PROT_WRITE));
	/* Nor is its unmapping: the section lives on through the handle. */
	CHILD_OK(secshm_unmap(s, v));
	CHILD_CHECK(server_agrees(s, h, 0, len, copy) == 0);
	CHILD_CHECK(server_agrees(s, h, page + 13, 7, copy + page + 13) == 0);
	/* Once the handle is closed the reference is refused. */
	CHILD_OK(secshm_close(s, h));
	CHILD_STATUS(attack_checksum(s, h, 0, len, &sum), -EBADF);
	secshm_disconnect(s);
	free(copy);
	return 0;
}

/*
 * SPEC: P5, P2 — the client mprotect()s its view to PROT_NONE, or unmaps
 * it, while passing references: the server reads through its own mapping
 * and answers correctly; after the handle is closed the reference is
 * -EBADF.
 */
static void test_unmap_protect_during_use(void **state)
{
	ATTACK_AS_NOBODY(child_unmap, NULL);
}

/* Flip the record header's len between a valid and a huge value until killed. */
static void rewrite_forever(volatile struct example_record *rec)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(30);
	for (uint32_t i = 0;; i++) {
		rec->len = i & 1 ? 0xfffffff0U : 16;
		rec->data[i % 64] = (unsigned char)i;
	}
}

static int child_race(void *arg)
{
	size_t page = harness_page(), len = 2 * page;
	struct example_record *rec;
	struct secshm *s;
	int ok = 0, refused = 0;
	uint32_t h;
	pid_t writer;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create(s, NULL, len, SECSHM_GENERIC_ALL, 0, NULL, &h));
	CHILD_OK(secshm_map(s, h, 0, len, RW, (void **)&rec));
	rec->len = 16;
	writer = fork();
	CHILD_CHECK(writer >= 0);
	if (writer == 0)
		rewrite_forever(rec);
	for (int i = 0; i < 400; i++) {
		struct secshm_ref ref = { .handle = h, .flags = SECSHM_REF_READ,
					  .length = sizeof(*rec) + 64 };
		struct example_record_reply reply = { 0 };
		uint64_t sum;
		size_t n = 0;
		int r;

		if (i % 4 == 3) {
			CHILD_OK(attack_checksum(s, h, 0, len, &sum));
			continue;
		}
		r = secshm_call(s, EXAMPLE_OP_RECORD, NULL, 0, &ref, 1, &reply, sizeof(reply), &n);
		if (r == -EINVAL) {
			refused++;
			continue;
		}
		CHILD_OK(r);
		CHILD_EQ(n, sizeof(reply));
		/* Only the value that was validated is ever used. */
		CHILD_EQ(reply.len, 16);
		ok++;
	}
	kill(writer, SIGKILL);
	waitpid(writer, NULL, 0);
	CHILD_CHECK(ok + refused == 300);
	CHILD_OK(secshm_unmap(s, rec));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: P6, P5 — a writer process flips a record's length between 16 and
 * 0xfffffff0 while the server validates it 300 times: every answer is
 * either -EINVAL or a reply over exactly 16 bytes (the captured, validated
 * value); never an overrun, a crash or a hang.
 */
static void test_rewrite_during_validation(void **state)
{
	ATTACK_AS_NOBODY(child_race, NULL);
}

static int child_private_ref(void *arg)
{
	size_t n = 0;
	struct secshm *s;
	uint32_t h;
	uint64_t sum;
	struct secshm_ref ref = { .flags = SECSHM_REF_READ, .length = 64 };

	CHILD_OK(secshm_connect(NULL, &s));
	/* The server-private section cannot be opened, created over, or referenced. */
	CHILD_STATUS(secshm_open(s, EXAMPLE_PRIVATE, SECSHM_GENERIC_READ, &h), -EACCES);
	CHILD_STATUS(secshm_open(s, EXAMPLE_PRIVATE, SECSHM_ACCESS_QUERY, &h), -EACCES);
	CHILD_STATUS(secshm_create(s, EXAMPLE_PRIVATE, 4096, SECSHM_GENERIC_READ, 0, NULL, &h),
		     -EACCES);
	CHILD_STATUS(secshm_create(s, EXAMPLE_PRIVATE, 4096, SECSHM_GENERIC_READ,
				   SECSHM_CREATE_NEW, NULL, &h), -EEXIST);
	/* Nor can the shared one be taken over by a client. */
	CHILD_STATUS(secshm_create(s, EXAMPLE_SHARED, 4096, SECSHM_GENERIC_ALL, 0, NULL, &h),
		     -EACCES);
	CHILD_STATUS(secshm_open(s, EXAMPLE_SHARED, SECSHM_ACCESS_DELETE, &h), -EACCES);
	/* Server handle values: the example server's own two are low slots. */
	for (uint32_t v = 1; v <= 64; v++) {
		ref.handle = SECSHM_HANDLE_SERVER | v;
		CHILD_STATUS(secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 1, &sum,
					 sizeof(sum), &n), -EBADF);
	}
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: P1, P3, H5 — the server-private section is out of reach: open (any
 * access) and create-or-open are -EACCES, create-new is -EEXIST, a
 * client cannot take over or delete the server's shared section, and
 * server handle values in a reference are -EBADF.
 */
static void test_server_sections_out_of_reach(void **state)
{
	ATTACK_AS_NOBODY(child_private_ref, NULL);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_punch_hole_own_section),
	HARNESS_TEST(test_punch_hole_server_section),
	HARNESS_TEST(test_unmap_protect_during_use),
	HARNESS_TEST(test_rewrite_during_validation),
	HARNESS_TEST(test_server_sections_out_of_reach),
};

HARNESS_MAIN(tests, HARNESS_EXAMPLE)
