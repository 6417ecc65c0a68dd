// SPDX-License-Identifier: MIT
/*
 * SPEC: S1 — data a client flushed survives a power cut. Run in the VM by
 * tests/vm/powercut.sh against the server $SECSHM_ADDRESS names (the
 * module or secshmd), on a file of an ext4 disk whose periodic writeback
 * is off:
 *
 *   powercut write FILE TAG   map FILE's section, write page 0, FLUSH it,
 *                             then write page 1 and do not flush it
 *   powercut check FILE TAG   after the reset: say which pages hold what
 *                             was written (one line each, for the host)
 *
 * The host resets the VM right after `write` and boots again for `check`.
 * Page 0 must be there (what FLUSH promises); page 1 must not, which shows
 * the disk did not just keep whatever the page cache held, so that a FLUSH
 * writing nothing would have lost page 0 too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "secshm.h"

#define PAGES	4

static void pattern(unsigned char *p, size_t len, const char *what, const char *tag)
{
	char line[64];
	size_t n = (size_t)snprintf(line, sizeof(line), "%s page of %s; ", what, tag);

	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)line[i % n];
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "powercut: %s: %s\n", what, secshm_strerror(err));
	return 1;
}

static int do_write(const char *path, const char *tag, size_t page)
{
	size_t len = PAGES * page;
	struct secshm *s;
	uint32_t h;
	void *v;
	int fd, err;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail(path, -errno);
	err = secshm_connect(NULL, &s);
	if (err)
		return fail("connect", err);
	err = secshm_create_file(s, NULL, len, fd, SECSHM_GENERIC_WRITE, 0, NULL, &h);
	if (err)
		return fail("create_file", err);
	err = secshm_map(s, h, 0, len, SECSHM_PROT_READ | SECSHM_PROT_WRITE, &v);
	if (err)
		return fail("map", err);
	pattern(v, page, "flushed", tag);
	err = secshm_flush(s, h, 0, page);
	if (err)
		return fail("flush", err);
	pattern((unsigned char *)v + page, page, "unflushed", tag);
	printf("POWERCUT: %s written\n", tag);
	fflush(stdout);
	return 0;	/* the views and the connection die with the VM */
}

static int do_check(const char *path, const char *tag, size_t page)
{
	unsigned char *want = malloc(page), *got = malloc(page);
	const char *what[2] = { "flushed", "unflushed" };
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !want || !got)
		return fail(path, -errno);
	for (int i = 0; i < 2; i++) {
		pattern(want, page, what[i], tag);
		if (pread(fd, got, page, (off_t)(i * page)) != (ssize_t)page)
			return fail("pread", -errno);
		printf("POWERCUT: %s %s %s\n", tag, what[i],
		       memcmp(want, got, page) ? "absent" : "present");
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (argc == 4 && !strcmp(argv[1], "write"))
		return do_write(argv[2], argv[3], page);
	if (argc == 4 && !strcmp(argv[1], "check"))
		return do_check(argv[2], argv[3], page);
	fprintf(stderr, "usage: powercut write|check FILE TAG\n");
	return 2;
}
