// SPDX-License-Identifier: MIT
/*
 * A client with write access attacks the descriptor a MAP reply carries
 * (P5): the example server's own shared section (mode 0666) is the target,
 * because the server keeps it mapped and reads it for every checksum. The
 * memfd is sealed against shrink, grow and further seals; hole punching is
 * allowed by the kernel and must only ever read as zeros.
 */
#include <sys/stat.h>
#include "raw.h"

#define SEED	0x3e3e

struct conn {
	int sock;
	uint32_t h, view;
	int fd;
	unsigned char *v;	/* a writable view of the first 4 pages */
};

static int server_checksum(int sock, uint32_t h, uint64_t off, uint64_t len, uint64_t *sum)
{
	struct secshm_call_args a = { .size = sizeof(a), .opcode = EXAMPLE_OP_CHECKSUM,
				      .nrefs = 1, .out_len = sizeof(*sum) };
	struct secshm_ref ref = { .handle = h, .flags = SECSHM_REF_READ, .offset = off,
				  .length = len };
	static struct raw_reply r;
	int st = raw_call(sock, &a, &ref, NULL, &r);

	raw_reply_done(&r);
	if (st < 0)
		return st;
	if (a.out_len != sizeof(*sum) || r.body_len != sizeof(a) + sizeof(*sum))
		return RAW_BADREPLY;
	memcpy(sum, r.body + sizeof(a), sizeof(*sum));
	return st;
}

static int server_agrees(const struct conn *c, uint64_t off, uint64_t len, const void *p)
{
	uint64_t sum = 0;

	CHILD_RAW(server_checksum(c->sock, c->h, off, len, &sum), 0);
	CHILD_EQ(sum, harness_fnv1a(p, len));
	return 0;
}

static int conn_open(struct conn *c)
{
	size_t len = 4 * harness_page();

	c->sock = raw_connect();
	CHILD_CHECK(c->sock >= 0);
	CHILD_RAW(raw_open(c->sock, EXAMPLE_SHARED, SECSHM_GENERIC_WRITE, &c->h), 0);
	CHILD_RAW(raw_map(c->sock, c->h, 0, len, RW, &c->view, &c->fd), 0);
	CHILD_EQ(fcntl(c->fd, F_GETFL) & O_ACCMODE, O_RDWR);
	c->v = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	CHILD_CHECK(c->v != MAP_FAILED);
	harness_fill(c->v, len, SEED);
	CHILD_CHECK(server_agrees(c, 0, len, c->v) == 0);
	return 0;
}

static int conn_close(struct conn *c)
{
	CHILD_SYSOK(munmap(c->v, 4 * harness_page()));
	close(c->fd);
	CHILD_RAW(raw_close(c->sock, c->view), 0);
	CHILD_RAW(raw_close(c->sock, c->h), 0);
	close(c->sock);
	return 0;
}

static int child_truncate(void *arg)
{
	off_t size = (off_t)EXAMPLE_SHARED_SIZE, page = (off_t)harness_page();
	struct conn c;
	struct stat st;

	CHILD_CHECK(conn_open(&c) == 0);
	CHILD_ERRNO(ftruncate(c.fd, 0), EPERM);
	CHILD_ERRNO(ftruncate(c.fd, page), EPERM);
	CHILD_ERRNO(ftruncate(c.fd, size - page), EPERM);
	CHILD_ERRNO(ftruncate(c.fd, size + page), EPERM);
	CHILD_ERRNO(ftruncate(c.fd, size * 64), EPERM);
	CHILD_ERRNO(fallocate(c.fd, 0, size, page), EPERM);
	CHILD_ERRNO(fallocate(c.fd, 0, size - page, 2 * page), EPERM);
	CHILD_ERRNO(fallocate(c.fd, FALLOC_FL_KEEP_SIZE, size, 64 * page), EPERM);
	CHILD_SYSOK(fstat(c.fd, &st));
	CHILD_EQ(st.st_size, size);
	/* The server still reads its whole section, to the last byte. */
	CHILD_CHECK(server_agrees(&c, 0, 4 * (uint64_t)page, c.v) == 0);
	{
		uint64_t sum;

		CHILD_RAW(server_checksum(c.sock, c.h, (uint64_t)size - 1, 1, &sum), 0);
		CHILD_RAW(server_checksum(c.sock, c.h, 0, (uint64_t)size, &sum), 0);
	}
	return conn_close(&c);
}

/*
 * SPEC: P5 — with a writable handle to the server's shared section:
 * ftruncate (shrink or grow) and fallocate past the end (with or without
 * KEEP_SIZE) are EPERM (sealed); the size is unchanged and the server reads
 * the whole section, last byte included.
 */
static void test_truncate_sealed(void **state)
{
	ATTACK_AS_NOBODY(child_truncate, NULL);
}

static int child_punch(void *arg)
{
	size_t page = harness_page();
	static unsigned char zeros[1 << 16];
	struct conn c;

	CHILD_CHECK(conn_open(&c) == 0);
	CHILD_SYSOK(fallocate(c.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)page,
			      2 * (off_t)page));
	CHILD_CHECK(memcmp(c.v + page, zeros, 2 * page) == 0);
	CHILD_CHECK(server_agrees(&c, page, 2 * page, zeros) == 0);
	CHILD_CHECK(server_agrees(&c, 0, 4 * page, c.v) == 0);
	/* Unaligned: the partial pages are zeroed in place. */
	CHILD_SYSOK(fallocate(c.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100, 300));
	CHILD_CHECK(memcmp(c.v + 100, zeros, 300) == 0);
	CHILD_CHECK(server_agrees(&c, 0, 4 * page, c.v) == 0);
	/* A hole over the whole section, past the server's last read. */
	CHILD_SYSOK(fallocate(c.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
			      (off_t)EXAMPLE_SHARED_SIZE));
	CHILD_CHECK(server_agrees(&c, EXAMPLE_SHARED_SIZE - sizeof(zeros), sizeof(zeros),
				  zeros) == 0);
	CHILD_CHECK(server_agrees(&c, 0, 4 * page, zeros) == 0);
	return conn_close(&c);
}

/*
 * SPEC: P5 — fallocate(PUNCH_HOLE) through a writable descriptor of the
 * server's section is allowed by the kernel: the server keeps serving, and
 * its checksum of a punched range is that of zeros.
 */
static void test_punch_hole_descriptor(void **state)
{
	ATTACK_AS_NOBODY(child_punch, NULL);
}

static int child_seal(void *arg)
{
	int seals[] = { F_SEAL_WRITE, F_SEAL_FUTURE_WRITE, F_SEAL_WRITE | F_SEAL_SEAL };
	struct conn c;

	CHILD_CHECK(conn_open(&c) == 0);
	for (size_t i = 0; i < sizeof(seals) / sizeof(seals[0]); i++)
		CHILD_ERRNO(fcntl(c.fd, F_ADD_SEALS, seals[i]), EPERM);
	CHILD_EQ(fcntl(c.fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	/* Writes still work, for the client and as seen by the server. */
	memset(c.v, 0xa5, harness_page());
	CHILD_CHECK(server_agrees(&c, 0, harness_page(), c.v) == 0);
	return conn_close(&c);
}

/*
 * SPEC: P5 — F_ADD_SEALS(F_SEAL_WRITE or F_SEAL_FUTURE_WRITE) on the
 * server's section is EPERM (F_SEAL_SEAL): a client cannot take write
 * access away from the server or other clients.
 */
static void test_seal_write_refused(void **state)
{
	ATTACK_AS_NOBODY(child_seal, NULL);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_truncate_sealed),
	HARNESS_TEST(test_punch_hole_descriptor),
	HARNESS_TEST(test_seal_write_refused),
};

HARNESS_MAIN(tests, HARNESS_EXAMPLE)
