// SPDX-License-Identifier: MIT
/*
 * Handle validation (H5) for what only the socket has: view handles, which
 * libsecshm keeps to itself. A nobody client passes them, raw, where a
 * section handle is needed, after closing them, and on another connection.
 */
#include "raw.h"

/* Every section operation answers v with expected (CLOSE is not tried). */
static int refused_as_section(int sock, uint32_t v, int expected)
{
	struct secshm_call_args a = { .size = sizeof(a), .opcode = EXAMPLE_OP_CHECKSUM,
				      .nrefs = 1, .out_len = 8 };
	struct secshm_ref ref = { .handle = v, .flags = SECSHM_REF_READ, .length = 64 };
	static struct raw_reply r;
	uint32_t x;
	int fd;

	CHILD_RAW(raw_query(sock, v, NULL, NULL), expected);
	CHILD_RAW(raw_map(sock, v, 0, harness_page(), RO, &x, &fd), expected);
	CHILD_EQ(fd, -1);
	CHILD_RAW(raw_map(sock, v, 0, harness_page(), RW, &x, &fd), expected);
	CHILD_EQ(fd, -1);
	CHILD_RAW(raw_duplicate(sock, v, SECSHM_ACCESS_QUERY, &x), expected);
	CHILD_RAW(raw_handle_op(sock, SECSHM_OP_UNLINK, v), expected);
	CHILD_RAW(raw_call(sock, &a, &ref, NULL, &r), expected);
	raw_reply_done(&r);
	ref.flags = SECSHM_REF_READ | SECSHM_REF_WRITE;
	a.out_len = 8;
	CHILD_RAW(raw_call(sock, &a, &ref, NULL, &r), expected);
	raw_reply_done(&r);
	return 0;
}

static int child_view_as_section(void *arg)
{
	struct secshm_section_info info;
	uint32_t h, view, view_ro, again;
	int sock, fd, fd_ro;
	char *v;

	sock = raw_connect();
	CHILD_CHECK(sock >= 0);
	CHILD_RAW(raw_create(sock, 2 * harness_page(), SECSHM_GENERIC_ALL, &h), 0);
	CHILD_RAW(raw_map(sock, h, 0, 2 * harness_page(), RW, &view, &fd), 0);
	CHILD_RAW(raw_map(sock, h, 0, harness_page(), RO, &view_ro, &fd_ro), 0);
	CHILD_CHECK(view != h && view_ro != h && view != view_ro);
	v = mmap(NULL, 2 * harness_page(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHILD_CHECK(v != MAP_FAILED);
	memset(v, 0x11, 2 * harness_page());

	CHILD_CHECK(refused_as_section(sock, view, -EMEDIUMTYPE) == 0);
	CHILD_CHECK(refused_as_section(sock, view_ro, -EMEDIUMTYPE) == 0);
	CHILD_CHECK(refused_as_section(sock, view | SECSHM_HANDLE_SERVER, -EBADF) == 0);
	CHILD_RAW(raw_query(sock, h, &info, NULL), 0);
	CHILD_EQ(info.views, 2);
	CHILD_EQ(info.handles, 1);

	/* Closed view handles: -EBADF, as section and as view. */
	CHILD_RAW(raw_close(sock, view), 0);
	CHILD_RAW(raw_close(sock, view_ro), 0);
	CHILD_RAW(raw_close(sock, view), -EBADF);
	CHILD_CHECK(refused_as_section(sock, view, -EBADF) == 0);
	/* A new section handle in a freed view slot: the old value stays dead. */
	for (int i = 0; i < 40; i++) {
		CHILD_RAW(raw_duplicate(sock, h, SECSHM_ACCESS_QUERY, &again), 0);
		CHILD_CHECK(again != view && again != view_ro);
		CHILD_RAW(raw_query(sock, view, NULL, NULL), -EBADF);
		CHILD_RAW(raw_close(sock, view_ro), -EBADF);
		CHILD_RAW(raw_close(sock, again), 0);
	}
	CHILD_RAW(raw_query(sock, h, &info, NULL), 0);
	CHILD_EQ(info.views, 0);
	/* The mapping the client made is its own and outlives the record. */
	CHILD_EQ(v[2 * harness_page() - 1], 0x11);
	CHILD_SYSOK(munmap(v, 2 * harness_page()));
	close(fd);
	close(fd_ro);
	CHILD_RAW(raw_close(sock, h), 0);
	close(sock);
	return 0;
}

/*
 * SPEC: H5 — a view handle where a section handle is needed (QUERY, MAP,
 * DUPLICATE, UNLINK, a READ or WRITE reference) is -EMEDIUMTYPE; with the
 * server bit, -EBADF; once closed, -EBADF, also after its slot is reused.
 */
static void test_view_handle_as_section(void **state)
{
	ATTACK_AS_NOBODY(child_view_as_section, NULL);
}

static int child_other_conn_view(void *arg)
{
	uint32_t h, view, h2;
	int a, b, fd;

	a = raw_connect();
	b = raw_connect();
	CHILD_CHECK(a >= 0 && b >= 0);
	CHILD_RAW(raw_create(a, harness_page(), SECSHM_GENERIC_ALL, &h), 0);
	CHILD_RAW(raw_map(a, h, 0, harness_page(), RW, &view, &fd), 0);
	close(fd);
	/* b holds nothing: a's values mean nothing there. */
	CHILD_RAW(raw_close(b, view), -EBADF);
	CHILD_RAW(raw_close(b, h), -EBADF);
	CHILD_CHECK(refused_as_section(b, view, -EBADF) == 0);
	CHILD_CHECK(refused_as_section(b, h, -EBADF) == 0);
	/* b's own first handle may have a's section's value; a's view stays a's. */
	CHILD_RAW(raw_create(b, harness_page(), SECSHM_GENERIC_ALL, &h2), 0);
	if (view != h2)
		CHILD_RAW(raw_close(b, view), -EBADF);
	CHILD_RAW(raw_close(a, view), 0);
	CHILD_RAW(raw_close(a, h), 0);
	CHILD_RAW(raw_close(b, h2), 0);
	close(a);
	close(b);
	return 0;
}

/*
 * SPEC: H5 — another connection's section and view handles are -EBADF
 * (CLOSE included): a client cannot close another's view record.
 */
static void test_other_connection_view_handle(void **state)
{
	ATTACK_AS_NOBODY(child_other_conn_view, NULL);
}

#define REUSE_ROUNDS	70000

static int child_wrap(void *arg)
{
	struct secshm *s;
	uint32_t h, first, d;

	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	CHILD_OK(secshm_duplicate(s, h, SECSHM_ACCESS_QUERY, &first));
	CHILD_OK(secshm_close(s, first));
	for (int i = 0; i < REUSE_ROUNDS; i++) {
		CHILD_OK(secshm_duplicate(s, h, SECSHM_ACCESS_QUERY, &d));
		if (d == first) {
			fprintf(stderr, "child: closed handle %#x handed out again after %d rounds\n",
				first, i + 1);
			return 1;
		}
		CHILD_OK(secshm_close(s, d));
	}
	CHILD_STATUS(secshm_query(s, first, &(struct secshm_section_info){ 0 }, NULL), -EBADF);
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H5 — a closed handle's value is never handed out again (DESIGN: the
 * generation in the value keeps a stale value from hitting a reused slot),
 * not even after 70,000 open/close rounds that cycle every free slot's
 * generation counter through its whole range.
 */
static void test_stale_value_never_revives(void **state)
{
	ATTACK_AS_NOBODY(child_wrap, NULL);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_view_handle_as_section),
	HARNESS_TEST(test_other_connection_view_handle),
	HARNESS_TEST(test_stale_value_never_revives),
};

HARNESS_MAIN(tests, HARNESS_EXAMPLE)
