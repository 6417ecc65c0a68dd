// SPDX-License-Identifier: MIT
/*
 * B4, open + map + unmap + close of an existing named section through
 * secshmd (three round trips: OPEN, MAP with a descriptor back, the client's
 * own mmap and munmap, then CLOSE of the section, with the view's CLOSE sent
 * ahead of it without waiting) against raw
 * memfd_create + ftruncate + mmap + munmap + close of the same size in one
 * process. Pinned (bench and daemon on CPU 0) and unpinned.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "bulk.h"
#include "daemon.h"

#define B4_NAME	"bench-b4"
#define B4_SIZE	(64U << 10)

static struct bench_daemon daemon_;
static struct secshm *owner, *user;
static uint32_t owner_handle;

static int secshm_cycle(void *ctx, uint64_t i)
{
	uint32_t h;
	void *p;
	int err = secshm_open(user, B4_NAME, SECSHM_GENERIC_WRITE, &h);

	if (err)
		return err;
	err = secshm_map(user, h, 0, B4_SIZE, SECSHM_PROT_READ | SECSHM_PROT_WRITE, &p);
	if (!err)
		err = secshm_unmap(user, p);
	if (!err)
		err = secshm_close(user, h);
	else
		secshm_close(user, h);
	return err;
}

static int raw_cycle(void *ctx, uint64_t i)
{
	int fd = memfd_create("bench-b4", MFD_CLOEXEC);
	void *p;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, B4_SIZE)) {
		close(fd);
		return -errno;
	}
	p = mmap(NULL, B4_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return -errno;
	}
	munmap(p, B4_SIZE);
	close(fd);
	return 0;
}

static int measure(const struct bench_row *row, double *value, int (*fn)(void *, uint64_t))
{
	uint64_t iters, ns;
	int err = bench_pin_pair(daemon_.pid, row->arg);

	for (int i = 0; i < 16 && !err; i++)
		err = fn(NULL, (uint64_t)i);
	if (!err) {
		ns = bench_timed(bench_seconds(0.05), fn, NULL, &iters, &err);
		if (!err)
			*value = (double)ns / 1e3 / (double)iters;
	}
	bench_pin_pair(daemon_.pid, false);
	return err;
}

/* SPEC: B4 — baseline: raw memfd_create + ftruncate + mmap + munmap + close. */
static int raw(const struct bench_row *row, double *value)
{
	return measure(row, value, raw_cycle);
}

/* SPEC: B4 — secshm_open + secshm_map + secshm_unmap + secshm_close (secshmd). */
static int ours(const struct bench_row *row, double *value)
{
	return measure(row, value, secshm_cycle);
}

static int b4_setup(void)
{
	struct secshm_sd sd = { SECSHM_ID_CALLER, SECSHM_ID_CALLER, 0600, 0, { { 0 } } };
	int err = bench_daemon_start(&daemon_, "b4", NULL);

	if (!err)
		err = secshm_connect(daemon_.path, &owner);
	if (!err)
		err = secshm_connect(daemon_.path, &user);
	/* The section exists for the whole run: its creator keeps a handle. */
	if (!err)
		err = secshm_create(owner, B4_NAME, B4_SIZE, SECSHM_GENERIC_ALL, SECSHM_CREATE_NEW,
				    &sd, &owner_handle);
	return err < 0 ? err : 0;
}

static void b4_teardown(void)
{
	if (user)
		secshm_disconnect(user);
	if (owner)
		secshm_disconnect(owner);
	user = owner = NULL;
	if (bench_daemon_stop(&daemon_))
		fprintf(stderr, "bench: secshmd (B4) did not exit cleanly\n");
}

/* SPEC: B4 — rows. */
static const struct bench_row rows[] = {
	{ "b4.raw.pinned", "B4", "PINNED   raw memfd+ftruncate+mmap+munmap+close (baseline)",
	  NULL, 0, 0, BENCH_US, raw, 1, false, NULL },
	{ "b4.secshm.pinned", "B4", "PINNED   secshm open+map+unmap+close (secshmd)",
	  "b4.raw.pinned", 0, 1.2, BENCH_US, ours, 1, false, NULL },
	{ "b4.raw.unpinned", "B4", "UNPINNED raw memfd+ftruncate+mmap+munmap+close (baseline)",
	  NULL, 0, 0, BENCH_US, raw, 0, false, NULL },
	{ "b4.secshm.unpinned", "B4", "UNPINNED secshm open+map+unmap+close (secshmd)",
	  "b4.raw.unpinned", 0, 1.2, BENCH_US, ours, 0, false,
	  "B4: 64 KiB section; secshm's cycle is three round trips (OPEN, MAP + SCM_RIGHTS, "
	  "CLOSE section; the view's CLOSE is pipelined) plus the client's own mmap/munmap" },
};

static const struct bench_group b4 = {
	"B4 open + map + unmap + close", 40, b4_setup, b4_teardown, rows, BENCH_NROWS(rows),
};
BENCH_GROUP(b4)
