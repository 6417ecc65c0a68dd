// SPDX-License-Identifier: MIT
/* References (handle, offset, length) passed with a CALL are validated first. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../common/harness.h"
#include "../../examples/example.h"

#define RW (SECSHM_PROT_READ | SECSHM_PROT_WRITE)

static int checksum(struct secshm *s, uint32_t h, uint32_t flags, uint64_t off, uint64_t len)
{
	struct secshm_ref ref = { .handle = h, .flags = flags, .offset = off, .length = len };
	uint64_t sum;
	size_t n;

	return secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 1, &sum, sizeof(sum), &n);
}

/*
 * SPEC: R2 — bounds and arithmetic: a reference reaching past the section is
 * -ERANGE, one whose offset + length overflows is -EOVERFLOW; the last
 * byte and the whole section are accepted.
 */
static void test_ref_bounds(void **state)
{
	const uint64_t size = EXAMPLE_SHARED_SIZE;
	struct secshm *s = harness_connect();
	uint32_t h;

	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_READ, &h));
	assert_ok(checksum(s, h, SECSHM_REF_READ, 0, size));
	assert_ok(checksum(s, h, SECSHM_REF_READ, size - 1, 1));
	assert_ok(checksum(s, h, SECSHM_REF_READ, 12345, 678));

	assert_status(checksum(s, h, SECSHM_REF_READ, size, 1), -ERANGE);
	assert_status(checksum(s, h, SECSHM_REF_READ, size - 1, 2), -ERANGE);
	assert_status(checksum(s, h, SECSHM_REF_READ, 0, size + 1), -ERANGE);
	assert_status(checksum(s, h, SECSHM_REF_READ, size - 4096, 8192), -ERANGE);
	assert_status(checksum(s, h, SECSHM_REF_READ, 1ULL << 40, 16), -ERANGE);
	assert_status(checksum(s, h, SECSHM_REF_READ, 16, 1ULL << 40), -ERANGE);

	assert_status(checksum(s, h, SECSHM_REF_READ, UINT64_MAX - 7, 16), -EOVERFLOW);
	assert_status(checksum(s, h, SECSHM_REF_READ, 8, UINT64_MAX), -EOVERFLOW);
	assert_status(checksum(s, h, SECSHM_REF_READ, UINT64_MAX, UINT64_MAX), -EOVERFLOW);
	assert_status(checksum(s, h, SECSHM_REF_READ, 1ULL << 63, 1ULL << 63), -EOVERFLOW);

	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
}

/*
 * SPEC: R2 — access for the direction of use: a READ reference needs
 * MAP_READ, a WRITE reference needs MAP_WRITE (-EACCES otherwise, a
 * read-only handle included); a reference without direction or with unknown
 * flags is -EINVAL.
 */
static void test_ref_access(void **state)
{
	struct secshm *s = harness_connect();
	uint32_t hw, hr, hq, hmw;

	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_WRITE, &hw));
	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_READ, &hr));
	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_ACCESS_QUERY | SECSHM_ACCESS_DUPLICATE, &hq));
	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_ACCESS_MAP_WRITE, &hmw));

	assert_ok(checksum(s, hr, SECSHM_REF_READ, 0, 64));
	assert_ok(checksum(s, hw, SECSHM_REF_READ, 0, 64));
	assert_status(checksum(s, hq, SECSHM_REF_READ, 0, 64), -EACCES);
	assert_status(checksum(s, hmw, SECSHM_REF_READ, 0, 64), -EACCES);
	assert_status(checksum(s, hr, SECSHM_REF_READ | SECSHM_REF_WRITE, 0, 64), -EACCES);
	assert_status(checksum(s, hr, SECSHM_REF_WRITE, 0, 64), -EACCES);
	assert_status(checksum(s, hq, SECSHM_REF_WRITE, 0, 64), -EACCES);

	assert_status(checksum(s, hr, 0, 0, 64), -EINVAL);
	assert_status(checksum(s, hr, SECSHM_REF_READ | (1U << 7), 0, 64), -EINVAL);
	assert_status(checksum(s, hr, SECSHM_REF_READ | (1U << 31), 0, 64), -EINVAL);

	assert_ok(secshm_close(s, hw));
	assert_ok(secshm_close(s, hr));
	assert_ok(secshm_close(s, hq));
	assert_ok(secshm_close(s, hmw));
	secshm_disconnect(s);
}

/*
 * SPEC: R2, H5 — the handle in a reference is validated like any other:
 * closed, forged, server-bit and another connection's values are -EBADF;
 * more than SECSHM_REFS_MAX references is -E2BIG.
 */
static void test_ref_handles(void **state)
{
	struct secshm *s = harness_connect(), *other = harness_connect();
	struct secshm_ref refs[SECSHM_REFS_MAX + 1];
	uint64_t sum;
	size_t n;
	uint32_t h, closed, i;

	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_READ, &h));
	assert_ok(secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_READ, &closed));
	assert_ok(secshm_close(s, closed));

	assert_status(checksum(s, closed, SECSHM_REF_READ, 0, 64), -EBADF);
	assert_status(checksum(s, 0, SECSHM_REF_READ, 0, 64), -EBADF);
	assert_status(checksum(s, h | SECSHM_HANDLE_SERVER, SECSHM_REF_READ, 0, 64), -EBADF);
	if (harness_forgeable(h + 1))
		assert_status(checksum(s, h + 1, SECSHM_REF_READ, 0, 64), -EBADF);
	assert_status(checksum(s, 0x7fff1234, SECSHM_REF_READ, 0, 64), -EBADF);
	if (harness_backend() == SECSHM_BACKEND_SOCKET)
		assert_status(checksum(other, h, SECSHM_REF_READ, 0, 64), -EBADF);

	for (i = 0; i < SECSHM_REFS_MAX + 1; i++)
		refs[i] = (struct secshm_ref){ .handle = h, .flags = SECSHM_REF_READ, .length = 8 };
	assert_status(secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, refs, SECSHM_REFS_MAX + 1, &sum,
				  sizeof(sum), &n), -E2BIG);
	assert_status(secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, refs, 1000, &sum, sizeof(sum), &n),
		      -E2BIG);

	assert_ok(checksum(s, h, SECSHM_REF_READ, 0, 64));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
	secshm_disconnect(other);
}

/* A raw CALL of CHECKSUM with one reference. */
static int raw_checksum(int fd, uint32_t handle, uint64_t off, uint64_t len, uint64_t *sum)
{
	struct {
		struct secshm_call_args a;
		struct secshm_ref r;
	} __attribute__((packed)) req = {
		.a = { .size = sizeof(req.a), .opcode = EXAMPLE_OP_CHECKSUM, .nrefs = 1,
		       .out_len = sizeof(*sum) },
		.r = { .handle = handle, .flags = SECSHM_REF_READ, .offset = off, .length = len },
	};
	size_t n = 0;
	int ret;

	ret = harness_raw_request(fd, SECSHM_OP_CALL, &req.a, sizeof(req.a), &req.r, sizeof(req.r),
				  sum, sizeof(*sum), &n, NULL);
	if (ret == 0 && (n != sizeof(*sum) || req.a.out_len != sizeof(*sum)))
		return -EBADMSG;
	return ret;
}

/*
 * SPEC: R2 — the server itself (raw CALL on the socket, past libsecshm's own
 * check) refuses more than SECSHM_REFS_MAX references with -E2BIG and
 * checks bounds and overflow.
 */
static void test_ref_limits_server(void **state)
{
	struct secshm_open_args o = { .size = sizeof(o), .access = SECSHM_GENERIC_READ,
				      .name_len = sizeof(EXAMPLE_SHARED) - 1, .name = EXAMPLE_SHARED };
	struct secshm_handle_args c = { .size = sizeof(c) };
	struct secshm_ref refs[SECSHM_REFS_MAX + 1];
	struct secshm_call_args a = { .size = sizeof(a), .opcode = EXAMPLE_OP_CHECKSUM,
				      .nrefs = SECSHM_REFS_MAX + 1, .out_len = 8 };
	uint64_t sum;
	int fd, i;

	if (harness_backend() != SECSHM_BACKEND_SOCKET)
		skip();
	fd = harness_raw_connect();
	assert_true(fd >= 0);
	assert_ok(harness_raw_request(fd, SECSHM_OP_OPEN, &o, sizeof(o), NULL, 0, NULL, 0, NULL, NULL));
	for (i = 0; i < SECSHM_REFS_MAX + 1; i++)
		refs[i] = (struct secshm_ref){ .handle = o.handle, .flags = SECSHM_REF_READ, .length = 8 };
	assert_status(harness_raw_request(fd, SECSHM_OP_CALL, &a, sizeof(a), refs, sizeof(refs),
					  &sum, sizeof(sum), NULL, NULL), -E2BIG);
	assert_ok(raw_checksum(fd, o.handle, 0, 64, &sum));
	assert_status(raw_checksum(fd, o.handle, EXAMPLE_SHARED_SIZE, 1, &sum), -ERANGE);
	assert_status(raw_checksum(fd, o.handle, EXAMPLE_SHARED_SIZE - 8, 16, &sum), -ERANGE);
	assert_status(raw_checksum(fd, o.handle, UINT64_MAX - 7, 16, &sum), -EOVERFLOW);
	assert_status(raw_checksum(fd, o.handle, 8, UINT64_MAX, &sum), -EOVERFLOW);
	c.handle = o.handle;
	assert_ok(harness_raw_request(fd, SECSHM_OP_CLOSE, &c, sizeof(c), NULL, 0, NULL, 0, NULL, NULL));
	close(fd);
}

/*
 * SPEC: R2, H5 — a view handle in a reference is a type mismatch
 * (-EMEDIUMTYPE); the section handle it came from is accepted (socket only:
 * on the device a view has no handle).
 */
static void test_ref_view_handle(void **state)
{
	struct secshm_open_args o = { .size = sizeof(o), .access = SECSHM_GENERIC_READ,
				      .name_len = sizeof(EXAMPLE_SHARED) - 1, .name = EXAMPLE_SHARED };
	struct secshm_map_args m = { .size = sizeof(m), .prot = SECSHM_PROT_READ, .length = 4096 };
	struct secshm_handle_args c = { .size = sizeof(c) };
	uint64_t sum;
	int fd, vfd;

	if (harness_backend() != SECSHM_BACKEND_SOCKET)
		skip();
	fd = harness_raw_connect();
	assert_true(fd >= 0);
	assert_ok(harness_raw_request(fd, SECSHM_OP_OPEN, &o, sizeof(o), NULL, 0, NULL, 0, NULL, NULL));
	m.handle = o.handle;
	assert_ok(harness_raw_request(fd, SECSHM_OP_MAP, &m, sizeof(m), NULL, 0, NULL, 0, NULL, &vfd));
	assert_true(vfd >= 0);
	close(vfd);

	assert_ok(raw_checksum(fd, o.handle, 0, 4096, &sum));
	assert_status(raw_checksum(fd, m.view, 0, 4096, &sum), -EMEDIUMTYPE);
	assert_status(raw_checksum(fd, m.view, 0, 1, &sum), -EMEDIUMTYPE);
	assert_status(raw_checksum(fd, m.view | SECSHM_HANDLE_SERVER, 0, 4096, &sum), -EBADF);

	c.handle = m.view;
	assert_ok(harness_raw_request(fd, SECSHM_OP_CLOSE, &c, sizeof(c), NULL, 0, NULL, 0, NULL, NULL));
	c.handle = o.handle;
	assert_ok(harness_raw_request(fd, SECSHM_OP_CLOSE, &c, sizeof(c), NULL, 0, NULL, 0, NULL, NULL));
	close(fd);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_ref_bounds),
	HARNESS_TEST(test_ref_access),
	HARNESS_TEST(test_ref_handles),
	HARNESS_TEST(test_ref_view_handle),
	HARNESS_TEST(test_ref_limits_server),
};

HARNESS_MAIN(tests, HARNESS_EXAMPLE)
