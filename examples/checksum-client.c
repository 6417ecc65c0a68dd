// SPDX-License-Identifier: MIT
/*
 * The demo client: streams data through the example server's shared section
 * with the checksum opcode, prints the throughput, then shows four things a
 * hostile client tries being refused. Exits non-zero if anything is not as
 * it should be.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "secshm.h"
#include "example.h"

#define CHUNK (1U << 20)

static uint64_t fnv1a(const unsigned char *p, size_t len)
{
	uint64_t h = EXAMPLE_FNV_OFFSET;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * EXAMPLE_FNV_PRIME;
	return h;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int checksum(struct secshm *s, uint32_t handle, uint64_t off, uint64_t len,
		    uint64_t *sum)
{
	struct secshm_ref ref = { .handle = handle, .flags = SECSHM_REF_READ,
				  .offset = off, .length = len };
	size_t n = 0;
	int err = secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 1, sum, sizeof(*sum), &n);

	if (!err && n != sizeof(*sum))
		err = -EPROTO;
	return err;
}

/* Fill each chunk in place, have the server capture and checksum it. */
static int stream(struct secshm *s, uint64_t total)
{
	unsigned char *map;
	uint32_t h;
	uint64_t done = 0, sum;
	double t0, t;
	int err;

	err = secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_WRITE, &h);
	if (!err)
		err = secshm_map(s, h, 0, EXAMPLE_SHARED_SIZE,
				 SECSHM_PROT_READ | SECSHM_PROT_WRITE, (void **)&map);
	if (err) {
		fprintf(stderr, "demo: open %s: %s\n", EXAMPLE_SHARED, secshm_strerror(err));
		return err;
	}
	t0 = now();
	for (uint64_t i = 0; done < total; i++) {
		uint64_t off = (i * CHUNK) % EXAMPLE_SHARED_SIZE;

		memset(map + off, (int)(i & 0xff), CHUNK);
		err = checksum(s, h, off, CHUNK, &sum);
		if (err || (i % 64 == 0 && sum != fnv1a(map + off, CHUNK))) {
			fprintf(stderr, "demo: chunk %" PRIu64 ": %s\n", i,
				err ? secshm_strerror(err) : "wrong checksum");
			return err ? err : -EIO;
		}
		done += CHUNK;
	}
	t = now() - t0;
	printf("streamed %.2f GiB through %s in %.2f s: %.2f GB/s "
	       "(client writes in place, server captures and checksums)\n",
	       (double)done / (1 << 30), EXAMPLE_SHARED, t, (double)done / t / 1e9);
	secshm_unmap(s, map);
	secshm_close(s, h);
	return 0;
}

static int expect(const char *what, int err, int want)
{
	if (err == want) {
		printf("refused: %-46s -> %s\n", what, secshm_strerror(err));
		return 0;
	}
	printf("NOT REFUSED AS EXPECTED: %s -> %s (wanted: %s)\n", what,
	       err ? secshm_strerror(err) : "success", secshm_strerror(want));
	return -1;
}

static int refusals(struct secshm *s)
{
	uint32_t rw, ro, priv;
	uint64_t sum;
	void *addr;
	int fails = 0, err;

	err = secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_READ, &rw);
	if (err)
		return err;
	fails += expect("forged handle 0x00345678", checksum(s, 0x00345678, 0, 4096, &sum), -EBADF);
	err = secshm_open(s, EXAMPLE_SHARED, SECSHM_GENERIC_READ, &ro);
	if (err)
		return err;
	fails += expect("writable view from a read-only handle",
			secshm_map(s, ro, 0, 4096, SECSHM_PROT_READ | SECSHM_PROT_WRITE, &addr),
			-EACCES);
	fails += expect("reference past the end of the section",
			checksum(s, rw, EXAMPLE_SHARED_SIZE - 4096, 8192, &sum), -ERANGE);
	err = secshm_open(s, EXAMPLE_PRIVATE, SECSHM_GENERIC_READ, &priv);
	fails += expect("open the server-private section " EXAMPLE_PRIVATE, err, -EACCES);
	secshm_close(s, ro);
	secshm_close(s, rw);
	return fails ? -EACCES : 0;
}

int main(int argc, char **argv)
{
	uint64_t total = 1ULL << 30;
	struct secshm *s;
	int err;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: %s [MiB]\nStream MiB (default 1024) through the example server "
		       "at $SECSHM_ADDRESS, then try four refused operations.\n", argv[0]);
		return 0;
	}
	if (argc > 1)
		total = strtoull(argv[1], NULL, 0) << 20;
	if (!total) {
		fprintf(stderr, "%s: bad size\n", argv[0]);
		return 2;
	}
	err = secshm_connect(NULL, &s);
	if (err) {
		fprintf(stderr, "demo: connect: %s\n", secshm_strerror(err));
		return 1;
	}
	err = stream(s, total);
	if (!err)
		err = refusals(s);
	secshm_disconnect(s);
	return err ? 1 : 0;
}
