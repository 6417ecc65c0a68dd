// SPDX-License-Identifier: MIT
/*
 * The checked handle flavour (H6): EXAMPLE_OP_CHECKSUM_HANDLE carries a
 * handle value in its input bytes, not as a reference, so no dispatcher
 * resolved it; the server references it itself as a value that came from
 * this client (secshm_reference_by_handle(..., SECSHM_CHECKED, ...) in the
 * example server, secshm_section_get_by_handle() in the example driver).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../common/harness.h"
#include "../../examples/example.h"

#define RW	(SECSHM_PROT_READ | SECSHM_PROT_WRITE)
#define PAGES	4
#define SEED	0x6a11

static int checksum_handle(struct secshm *s, uint32_t h, uint64_t off, uint64_t len,
			   uint64_t *sum)
{
	struct example_handle_ref in = { .handle = h, .offset = off, .length = len };
	size_t n = 0;
	int r = secshm_call(s, EXAMPLE_OP_CHECKSUM_HANDLE, &in, sizeof(in), NULL, 0, sum,
			    sizeof(*sum), &n);

	if (r >= 0 && n != sizeof(*sum))
		return -EPROTO;
	return r;
}

static bool is_device(void)
{
	return harness_backend() == SECSHM_BACKEND_DEVICE;
}

/* A section of PAGES pages holding the pattern; *v stays mapped. */
static uint32_t filled_section(struct secshm *s, unsigned char **v)
{
	uint32_t h;

	assert_ok(secshm_create(s, NULL, PAGES * harness_page(), SECSHM_GENERIC_ALL, 0, NULL, &h));
	assert_ok(secshm_map(s, h, 0, PAGES * harness_page(), RW, (void **)v));
	harness_fill(*v, PAGES * harness_page(), SEED);
	return h;
}

static uint32_t server_refs(struct secshm *s, uint32_t h)
{
	struct secshm_section_info info;

	assert_ok(secshm_query(s, h, &info, NULL));
	return info.server_refs;
}

/*
 * SPEC: H6 — a live handle of this client with MAP_READ checksums exactly
 * the range it names (a read-only handle too); the server's reference is
 * gone when the call is.
 */
static void test_valid_handle(void **state)
{
	struct secshm *s = harness_connect();
	size_t len = PAGES * harness_page();
	unsigned char *v;
	uint32_t h = filled_section(s, &v), ro;
	uint64_t sum;

	assert_ok(checksum_handle(s, h, 0, len, &sum));
	assert_true(sum == harness_fnv1a(v, len));
	assert_ok(checksum_handle(s, h, 100, 5000, &sum));
	assert_true(sum == harness_fnv1a(v + 100, 5000));
	assert_ok(checksum_handle(s, h, len - 1, 1, &sum));
	assert_true(sum == harness_fnv1a(v + len - 1, 1));
	assert_ok(secshm_duplicate(s, h, SECSHM_GENERIC_READ, &ro));
	v[7] ^= 0xff;
	assert_ok(checksum_handle(s, ro, 0, 64, &sum));
	assert_true(sum == harness_fnv1a(v, 64));
	assert_int_equal(server_refs(s, h), 0);
	assert_ok(secshm_close(s, ro));
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/*
 * SPEC: H6, H5 — values that are not a live handle of this client are
 * -EBADF: 0, forged values, a closed handle, and values carrying the
 * server-handle bit (the server's own table, the client's handle with the
 * bit).
 */
static void test_not_a_handle(void **state)
{
	struct secshm *s = harness_connect();
	unsigned char *v;
	uint32_t h = filled_section(s, &v), closed, x;
	uint64_t sum;

	assert_status(checksum_handle(s, SECSHM_HANDLE_NONE, 0, 64, &sum), -EBADF);
	srandom(77);
	for (int i = 0; i < 200; i++) {
		x = (uint32_t)random() ^ ((uint32_t)random() << 16);
		if (x != h && harness_forgeable(x))
			assert_status(checksum_handle(s, x, 0, 64, &sum), -EBADF);
	}
	for (x = 0; x < 64; x++)
		assert_status(checksum_handle(s, SECSHM_HANDLE_SERVER | x, 0, 64, &sum), -EBADF);
	assert_status(checksum_handle(s, SECSHM_HANDLE_SERVER | h, 0, 64, &sum), -EBADF);

	assert_ok(secshm_duplicate(s, h, SECSHM_GENERIC_READ, &closed));
	assert_ok(secshm_close(s, closed));
	if (harness_forgeable(closed))
		assert_status(checksum_handle(s, closed, 0, 64, &sum), -EBADF);
	assert_ok(checksum_handle(s, h, 0, 64, &sum));
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

struct other_arg {
	uint32_t h;
};

/* Another process of another uid sends root's handle value. */
static int child_other(void *p)
{
	const struct other_arg *a = p;
	struct secshm *s;
	uint64_t sum;

	CHILD_EQ(secshm_connect(NULL, &s), 0);
	CHILD_EQ(checksum_handle(s, a->h, 0, 64, &sum), -EBADF);
	secshm_disconnect(s);
	return 0;
}

/*
 * SPEC: H6, H5 — another connection's handle is -EBADF: from a second
 * connection of this process that holds no handle, and from a nobody
 * process (which, on the device, inherited the very descriptor).
 */
static void test_other_connection(void **state)
{
	struct secshm *owner = harness_connect(), *s = harness_connect();
	struct other_arg a;
	unsigned char *v;
	uint64_t sum;

	a.h = filled_section(owner, &v);
	assert_status(checksum_handle(s, a.h, 0, 64, &sum), -EBADF);
	assert_int_equal(harness_as_nobody(child_other, &a), 0);
	assert_ok(checksum_handle(owner, a.h, 0, 64, &sum));
	assert_true(sum == harness_fnv1a(v, 64));
	assert_ok(secshm_unmap(owner, v));
	assert_ok(secshm_close(owner, a.h));
	secshm_disconnect(s);
	secshm_disconnect(owner);
}

/* SPEC: H6, H1 — a live handle without MAP_READ is -EACCES. */
static void test_no_read_access(void **state)
{
	struct secshm *s = harness_connect();
	unsigned char *v;
	uint32_t h = filled_section(s, &v), q, w;
	uint64_t sum;

	assert_ok(secshm_duplicate(s, h, SECSHM_ACCESS_QUERY, &q));
	assert_ok(secshm_duplicate(s, h, SECSHM_ACCESS_MAP_WRITE, &w));
	assert_status(checksum_handle(s, q, 0, 64, &sum), -EACCES);
	assert_status(checksum_handle(s, w, 0, 64, &sum), -EACCES);
	assert_ok(secshm_close(s, w));
	assert_ok(secshm_close(s, q));
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/*
 * SPEC: H6, H5 — a live value naming something other than a section is a
 * type mismatch, -EMEDIUMTYPE: on the device a descriptor of another file
 * (/dev/null, a pipe, a /dev/secshm connection), on the socket a view
 * handle (made on a raw connection, where libsecshm does not hide it).
 */
static void test_wrong_type(void **state)
{
	struct secshm *s = harness_connect();
	uint64_t sum;

	if (is_device()) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC), dev = open(SECSHM_DEVICE_PATH,
									   O_RDWR | O_CLOEXEC);
		int p[2];

		assert_true(null >= 0 && dev >= 0);
		assert_int_equal(pipe2(p, O_CLOEXEC), 0);
		assert_status(checksum_handle(s, (uint32_t)null, 0, 64, &sum), -EMEDIUMTYPE);
		assert_status(checksum_handle(s, (uint32_t)p[0], 0, 64, &sum), -EMEDIUMTYPE);
		assert_status(checksum_handle(s, (uint32_t)dev, 0, 64, &sum), -EMEDIUMTYPE);
		close(p[0]);
		close(p[1]);
		close(dev);
		close(null);
	} else {
		struct secshm_create_args c = { .size = sizeof(c), .length = harness_page(),
						.access = SECSHM_GENERIC_ALL };
		struct secshm_map_args m = { .size = sizeof(m), .prot = SECSHM_PROT_READ,
					     .length = harness_page() };
		struct example_handle_ref in = { .length = 64 };
		struct secshm_call_args a = { .size = sizeof(a),
					      .opcode = EXAMPLE_OP_CHECKSUM_HANDLE,
					      .in_len = sizeof(in), .out_len = sizeof(sum) };
		int raw = harness_raw_connect(), vfd;
		size_t n;

		assert_true(raw >= 0);
		assert_ok(harness_raw_request(raw, SECSHM_OP_CREATE, &c, sizeof(c), NULL, 0, NULL,
					      0, NULL, NULL));
		m.handle = c.handle;
		assert_ok(harness_raw_request(raw, SECSHM_OP_MAP, &m, sizeof(m), NULL, 0, NULL, 0,
					      NULL, &vfd));
		close(vfd);
		in.handle = c.handle;
		assert_ok(harness_raw_request(raw, SECSHM_OP_CALL, &a, sizeof(a), &in, sizeof(in),
					      &sum, sizeof(sum), &n, NULL));
		in.handle = m.view;
		assert_status(harness_raw_request(raw, SECSHM_OP_CALL, &a, sizeof(a), &in,
						  sizeof(in), &sum, sizeof(sum), &n, NULL),
			      -EMEDIUMTYPE);
		close(raw);
	}
	secshm_disconnect(s);
}

/*
 * SPEC: H6, R2 — the range is checked like a reference's once the handle
 * is: past the end -ERANGE, wrapping -EOVERFLOW, empty -EINVAL, and a
 * non-zero reserved field -EINVAL.
 */
static void test_range(void **state)
{
	struct secshm *s = harness_connect();
	size_t len = PAGES * harness_page();
	struct example_handle_ref in;
	unsigned char *v;
	uint32_t h = filled_section(s, &v);
	uint64_t sum;
	size_t n;

	assert_status(checksum_handle(s, h, 0, len + 1, &sum), -ERANGE);
	assert_status(checksum_handle(s, h, len, 1, &sum), -ERANGE);
	assert_status(checksum_handle(s, h, 1, len, &sum), -ERANGE);
	assert_status(checksum_handle(s, h, UINT64_MAX - 10, 64, &sum), -EOVERFLOW);
	assert_status(checksum_handle(s, h, 64, UINT64_MAX, &sum), -EOVERFLOW);
	assert_status(checksum_handle(s, h, 0, 0, &sum), -EINVAL);
	in = (struct example_handle_ref){ .handle = h, .reserved = 1, .length = 64 };
	assert_status(secshm_call(s, EXAMPLE_OP_CHECKSUM_HANDLE, &in, sizeof(in), NULL, 0, &sum,
				  sizeof(sum), &n), -EINVAL);
	assert_status(secshm_call(s, EXAMPLE_OP_CHECKSUM_HANDLE, &in, sizeof(in) - 1, NULL, 0,
				  &sum, sizeof(sum), &n), -EINVAL);
	assert_ok(checksum_handle(s, h, len - 64, 64, &sum));
	assert_true(sum == harness_fnv1a(v + len - 64, 64));
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_valid_handle),
	HARNESS_TEST(test_not_a_handle),
	HARNESS_TEST(test_other_connection),
	HARNESS_TEST(test_no_read_access),
	HARNESS_TEST(test_wrong_type),
	HARNESS_TEST(test_range),
};

HARNESS_MAIN(tests, HARNESS_EXAMPLE)
