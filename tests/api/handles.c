// SPDX-License-Identifier: MIT
/* Handle validation: every value a client passes in is checked. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../common/harness.h"

#define RW (SECSHM_PROT_READ | SECSHM_PROT_WRITE)

static bool is_socket(void)
{
	return harness_backend() == SECSHM_BACKEND_SOCKET;
}

/* Every operation taking a section handle refuses v with -EBADF. */
static void assert_badf_everywhere(struct secshm *s, uint32_t v)
{
	struct secshm_section_info info;
	uint32_t x;
	void *addr;

	if (!harness_forgeable(v))
		return;		/* on the device: a connection's own descriptor */
	assert_status(secshm_query(s, v, &info, &x), -EBADF);
	assert_status(secshm_map(s, v, 0, harness_page(), SECSHM_PROT_READ, &addr), -EBADF);
	assert_status(secshm_duplicate(s, v, SECSHM_ACCESS_QUERY, &x), -EBADF);
	assert_status(secshm_unlink(s, v), -EBADF);
	assert_status(secshm_close(s, v), -EBADF);
}

/* secshm_close refuses a value that is not its handle and closes nothing. */
static void assert_close_refused(struct secshm *s, uint32_t v)
{
	bool open = harness_is_open_fd(v);

	assert_status(secshm_close(s, v), -EBADF);
	assert_int_equal(harness_is_open_fd(v), open);
}

/* h is still a live handle with its access. */
static void assert_live(struct secshm *s, uint32_t h, uint64_t id)
{
	struct secshm_section_info info;

	assert_ok(secshm_query(s, h, &info, NULL));
	assert_int_equal(info.id, id);
}

static uint64_t id_of(struct secshm *s, uint32_t h)
{
	struct secshm_section_info info;

	assert_ok(secshm_query(s, h, &info, NULL));
	return info.id;
}

/*
 * SPEC: H5 — values that are not a live handle of this client are -EBADF
 * for query, map, duplicate, unlink and close: 0, random values, small
 * values, the neighbours of a live handle, descriptors of other files (what
 * a forged value is on the device); the live handle is unaffected.
 */
static void test_forged_values(void **state)
{
	struct secshm *s = harness_connect();
	uint32_t h, v, i;
	uint64_t id;

	assert_ok(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	id = id_of(s, h);

	assert_badf_everywhere(s, SECSHM_HANDLE_NONE);
	{
		/* Descriptors that are not handles (on the device, values that are fds). */
		int zero = open("/dev/zero", O_RDWR | O_CLOEXEC);
		int file = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

		assert_true(zero >= 0 && file >= 0);
		assert_badf_everywhere(s, (uint32_t)zero);
		assert_badf_everywhere(s, (uint32_t)file);
		if ((uint32_t)zero != h && (uint32_t)file != h) {
			assert_close_refused(s, (uint32_t)zero);
			assert_close_refused(s, (uint32_t)file);
		}
		close(zero);
		close(file);
	}
	assert_badf_everywhere(s, h + 1);
	assert_badf_everywhere(s, h ^ 0x10000);
	assert_badf_everywhere(s, UINT32_MAX);
	assert_badf_everywhere(s, INT32_MAX);

	srandom(4242);
	for (i = 0; i < 5000; i++) {
		struct secshm_section_info info;
		int r;

		v = (uint32_t)random() ^ ((uint32_t)random() << 16);
		if (i % 2)
			v &= 0xffff;
		if (v == h || !harness_forgeable(v))
			continue;
		r = secshm_query(s, v, &info, NULL);
		if (r != -EBADF)
			fail_msg("query of forged handle %#x: %d", v, r);
	}
	for (v = 1; v < 2048; v++) {
		struct secshm_section_info info;
		int r;

		if (v == h || !harness_forgeable(v))
			continue;
		r = secshm_query(s, v, &info, NULL);
		if (r != -EBADF)
			fail_msg("query of handle value %u: %d", v, r);
	}
	assert_live(s, h, id);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/*
 * SPEC: H5 — a closed handle is -EBADF (closing twice too); on the socket a
 * stale value is never revived by a new handle reusing its slot.
 */
static void test_closed_and_stale(void **state)
{
	struct secshm *s = harness_connect();
	uint32_t h, old[64];
	uint64_t id;
	int i, j;

	assert_ok(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	assert_ok(secshm_close(s, h));
	assert_badf_everywhere(s, h);

	if (!is_socket()) {
		/* On the device a handle is a descriptor: its number is reused by design. */
		secshm_disconnect(s);
		return;
	}
	old[0] = h;
	for (i = 1; i < 64; i++) {
		assert_ok(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
		id = id_of(s, h);
		for (j = 0; j < i; j++) {
			struct secshm_section_info info;

			if (old[j] == h)
				fail_msg("handle value %#x reused after close", h);
			assert_status(secshm_query(s, old[j], &info, NULL), -EBADF);
		}
		assert_live(s, h, id);
		assert_ok(secshm_close(s, h));
		old[i] = h;
	}
	secshm_disconnect(s);
}

struct other_arg {
	uint32_t h;
};

static int child_other_client(void *p)
{
	const struct other_arg *a = p;
	struct secshm_section_info info;
	struct secshm *s;
	uint32_t x;
	void *v;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(secshm_query(s, a->h, &info, NULL), -EBADF);
	CHILD_EQ(secshm_map(s, a->h, 0, 4096, SECSHM_PROT_READ, &v), -EBADF);
	CHILD_EQ(secshm_duplicate(s, a->h, SECSHM_ACCESS_QUERY, &x), -EBADF);
	CHILD_EQ(secshm_close(s, a->h), -EBADF);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H5 — another client's handle value is -EBADF: from a second
 * connection of the same process that holds no handles, and from another
 * process of another uid; neither can close it from under its owner.
 */
static void test_other_clients_handle(void **state)
{
	struct secshm *a = harness_connect(), *b;
	struct other_arg arg;
	uint32_t h;
	uint64_t id;

	assert_ok(secshm_create(a, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	id = id_of(a, h);
	b = harness_connect();
	if (is_socket())
		assert_badf_everywhere(b, h);
	else	/* a descriptor of this process: the module refuses it, the library closes nothing */
		assert_close_refused(b, h);
	secshm_disconnect(b);
	arg.h = h;
	if (is_socket())
		assert_int_equal(harness_as_nobody(child_other_client, &arg), 0);
	assert_live(a, h, id);
	assert_ok(secshm_close(a, h));
	secshm_disconnect(a);
}

/*
 * SPEC: H5, H6 — a value carrying the server-handle bit is refused from a
 * client with -EBADF, whatever the rest of it: the client's own handle with
 * the bit set, and the server table's low values; the handle without the
 * bit stays live.
 */
static void test_server_bit_refused(void **state)
{
	struct secshm *s = harness_connect();
	uint32_t h, v;
	uint64_t id;

	assert_ok(secshm_create(s, NULL, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	id = id_of(s, h);
	assert_badf_everywhere(s, h | SECSHM_HANDLE_SERVER);
	assert_live(s, h, id);
	for (v = 0; v < 4096; v++) {
		struct secshm_section_info info;
		int r = secshm_query(s, SECSHM_HANDLE_SERVER | v, &info, NULL);

		if (r != -EBADF)
			fail_msg("query of server handle value %#x: %d", SECSHM_HANDLE_SERVER | v, r);
	}
	assert_live(s, h, id);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/*
 * SPEC: H5 — a handle lacking the access an operation needs is -EACCES, and
 * the handle stays usable for what it has.
 */
static void test_insufficient_access(void **state)
{
	struct secshm *s = harness_connect();
	struct secshm_section_info info;
	char name[64];
	uint32_t owner, h, x;
	void *v;

	harness_name(name, sizeof(name), "acc");
	assert_ok(secshm_create(s, name, harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &owner));
	assert_ok(secshm_open(s, name, SECSHM_ACCESS_QUERY, &h));
	assert_status(secshm_map(s, h, 0, harness_page(), SECSHM_PROT_READ, &v), -EACCES);
	assert_status(secshm_duplicate(s, h, SECSHM_ACCESS_QUERY, &x), -EACCES);
	assert_status(secshm_unlink(s, h), -EACCES);
	assert_ok(secshm_query(s, h, &info, &x));
	assert_int_equal(x, SECSHM_ACCESS_QUERY);
	assert_ok(secshm_close(s, h));
	assert_ok(secshm_close(s, owner));
	secshm_disconnect(s);
}

/*
 * SPEC: H5 — a view handle where a section handle is needed is a type
 * mismatch (-EMEDIUMTYPE) for query, map, duplicate and unlink (socket only:
 * on the device a view has no handle). Raw requests, since libsecshm keeps
 * view handles to itself.
 */
static void test_view_handle_type_mismatch(void **state)
{
	struct secshm_create_args c = { .size = sizeof(c), .length = 4096,
					.access = SECSHM_GENERIC_ALL };
	struct secshm_map_args m = { .size = sizeof(m), .prot = RW, .length = 4096 };
	struct secshm_query_args q = { .size = sizeof(q) };
	struct secshm_dup_args d = { .size = sizeof(d), .access = SECSHM_ACCESS_QUERY };
	struct secshm_handle_args u = { .size = sizeof(u) };
	int fd, vfd;

	if (!is_socket())
		skip();
	fd = harness_raw_connect();
	assert_true(fd >= 0);
	assert_ok(harness_raw_request(fd, SECSHM_OP_CREATE, &c, sizeof(c), NULL, 0, NULL, 0, NULL, NULL));
	assert_int_not_equal(c.handle, 0);
	m.handle = c.handle;
	assert_ok(harness_raw_request(fd, SECSHM_OP_MAP, &m, sizeof(m), NULL, 0, NULL, 0, NULL, &vfd));
	assert_true(vfd >= 0);
	close(vfd);
	assert_int_not_equal(m.view, 0);
	assert_int_not_equal(m.view, c.handle);

	q.handle = m.view;
	assert_status(harness_raw_request(fd, SECSHM_OP_QUERY, &q, sizeof(q), NULL, 0, NULL, 0, NULL, NULL),
		      -EMEDIUMTYPE);
	m.handle = m.view;
	assert_status(harness_raw_request(fd, SECSHM_OP_MAP, &m, sizeof(m), NULL, 0, NULL, 0, NULL, &vfd),
		      -EMEDIUMTYPE);
	assert_int_equal(vfd, -1);
	d.handle = m.handle;
	assert_status(harness_raw_request(fd, SECSHM_OP_DUPLICATE, &d, sizeof(d), NULL, 0, NULL, 0, NULL, NULL),
		      -EMEDIUMTYPE);
	u.handle = m.handle;
	assert_status(harness_raw_request(fd, SECSHM_OP_UNLINK, &u, sizeof(u), NULL, 0, NULL, 0, NULL, NULL),
		      -EMEDIUMTYPE);
	/* The server bit on a view handle is still an invalid handle. */
	q.handle = m.handle | SECSHM_HANDLE_SERVER;
	assert_status(harness_raw_request(fd, SECSHM_OP_QUERY, &q, sizeof(q), NULL, 0, NULL, 0, NULL, NULL),
		      -EBADF);

	/* The section handle still works; both close. */
	q.handle = c.handle;
	assert_ok(harness_raw_request(fd, SECSHM_OP_QUERY, &q, sizeof(q), NULL, 0, NULL, 0, NULL, NULL));
	assert_int_equal(q.info.views, 1);
	u.handle = m.handle;
	assert_ok(harness_raw_request(fd, SECSHM_OP_CLOSE, &u, sizeof(u), NULL, 0, NULL, 0, NULL, NULL));
	assert_status(harness_raw_request(fd, SECSHM_OP_CLOSE, &u, sizeof(u), NULL, 0, NULL, 0, NULL, NULL),
		      -EBADF);
	u.handle = c.handle;
	assert_ok(harness_raw_request(fd, SECSHM_OP_CLOSE, &u, sizeof(u), NULL, 0, NULL, 0, NULL, NULL));
	close(fd);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_forged_values),
	HARNESS_TEST(test_closed_and_stale),
	HARNESS_TEST(test_other_clients_handle),
	HARNESS_TEST(test_server_bit_refused),
	HARNESS_TEST(test_insufficient_access),
	HARNESS_TEST(test_view_handle_type_mismatch),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
