// SPDX-License-Identifier: MIT
/*
 * B1's baselines: what a user would use instead of a shared section to move
 * bulk data from one process to another, and the single-thread floor of
 * copying or reading private memory. Every row moves chunks round the same
 * working set (bench_bulk_slots) and nobody writes the payload inside the
 * measurement: each row measures the transport alone. Two-process rows run
 * unpinned.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "bulk.h"

struct private_set {
	unsigned char *src, *dst;
	uint32_t chunk, slots;
	uint64_t sum;
};

static void *populate(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		       -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0x5a, len);
	return p;
}

static int private_open(struct private_set *ps, uint32_t chunk)
{
	ps->chunk = chunk;
	ps->slots = bench_bulk_slots(chunk);
	ps->src = populate((size_t)ps->slots * chunk);
	ps->dst = populate(chunk);
	return ps->src && ps->dst ? 0 : -ENOMEM;
}

static void private_close(struct private_set *ps)
{
	if (ps->src)
		munmap(ps->src, (size_t)ps->slots * ps->chunk);
	if (ps->dst)
		munmap(ps->dst, ps->chunk);
}

static int copy_one(void *ctx, uint64_t i)
{
	struct private_set *ps = ctx;

	bench_copy(ps->dst, ps->src + (i % ps->slots) * ps->chunk, ps->chunk);
	bench_keep(ps->dst);
	return 0;
}

static int read_one(void *ctx, uint64_t i)
{
	struct private_set *ps = ctx;

	ps->sum += bench_sum64(ps->src + (i % ps->slots) * ps->chunk, ps->chunk);
	return 0;
}

static int private_row(const struct bench_row *row, double *value,
		       int (*fn)(void *, uint64_t))
{
	struct private_set ps = { 0 };
	uint64_t iters, ns;
	int err = private_open(&ps, (uint32_t)row->arg);

	if (!err) {
		ns = bench_timed(bench_seconds(0.03), fn, &ps, &iters, &err);
		if (!err)
			*value = (double)(iters * ps.chunk) / (double)ns;
		bench_keep(ps.sum);
	}
	private_close(&ps);
	return err;
}

/* SPEC: B1 — baseline: single-thread memcpy of private memory. */
int bench_memcpy_private(const struct bench_row *row, double *value)
{
	return private_row(row, value, copy_one);
}

/* SPEC: B1 — baseline: a read (sum of 64-bit words) of private memory. */
int bench_read_private(const struct bench_row *row, double *value)
{
	return private_row(row, value, read_one);
}

/* ---- two processes: a writer child, the bench reading ---- */

struct writer {
	int data_fd;		/* the writer's end */
	int go_fd;		/* read one byte, then write */
	uint32_t chunk;
	uint64_t total;
};

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int writer_main(void *arg)
{
	struct writer *w = arg;
	uint32_t slots = bench_bulk_slots(w->chunk);
	unsigned char *src = populate((size_t)slots * w->chunk);
	char go;

	if (!src || read(w->go_fd, &go, 1) != 1)
		return 1;
	for (uint64_t i = 0, sent = 0; sent < w->total; i++, sent += w->chunk)
		if (write_all(w->data_fd, src + (i % slots) * w->chunk, w->chunk))
			return 1;
	return 0;
}

/* fds[0] is read by the bench, fds[1] written by the child. */
static int two_process(const struct bench_row *row, double *value, int fds[2])
{
	struct writer w = { .data_fd = fds[1], .chunk = (uint32_t)row->arg,
			    .total = bench_bulk_total((uint32_t)row->arg) };
	unsigned char *dst = populate(w.chunk);
	uint64_t got = 0, t0;
	int go[2] = { -1, -1 }, err = 0;
	pid_t pid = -1;

	if (!dst || pipe2(go, O_CLOEXEC)) {
		err = -ENOMEM;
		goto out;
	}
	w.go_fd = go[0];
	pid = bench_fork(writer_main, &w);
	if (pid < 0) {
		err = -errno;
		goto out;
	}
	close(fds[1]);
	fds[1] = -1;
	t0 = bench_now_ns();
	if (write(go[1], "g", 1) != 1)
		err = -EPIPE;
	while (!err && got < w.total) {
		ssize_t n = read(fds[0], dst, w.chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			err = -EPIPE;
		else
			got += (uint64_t)n;
	}
	if (!err)
		*value = (double)got / (double)(bench_now_ns() - t0);
out:
	if (pid > 0 && bench_reap(pid, false))
		err = err ? err : -ECHILD;
	for (int i = 0; i < 2; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		if (go[i] >= 0)
			close(go[i]);
	}
	if (dst)
		munmap(dst, w.chunk);
	return err;
}

/* SPEC: B1 — baseline: AF_UNIX SOCK_STREAM, default buffers. */
int bench_unix_stream(const struct bench_row *row, double *value)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	return two_process(row, value, sv);
}

/* SPEC: B1 — baseline: a pipe, default size (64 KiB). */
int bench_pipe(const struct bench_row *row, double *value)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	return two_process(row, value, p);
}

/* ---- process_vm_readv: the bench reads a child's private memory ---- */

struct target {
	int addr_fd, wait_fd, wake_fd;
	uint32_t chunk;
};

static int target_main(void *arg)
{
	struct target *t = arg;
	uint32_t slots = bench_bulk_slots(t->chunk);
	unsigned char *src = populate((size_t)slots * t->chunk);
	char c;

	close(t->wake_fd);	/* the bench's end: its close is the signal to exit */
	if (!src || write(t->addr_fd, &src, sizeof(src)) != sizeof(src))
		return 1;
	while (read(t->wait_fd, &c, 1) < 0 && errno == EINTR)
		;
	return 0;
}

struct pvr {
	pid_t pid;
	unsigned char *remote, *dst;
	uint32_t chunk, slots;
};

static int pvr_one(void *ctx, uint64_t i)
{
	struct pvr *p = ctx;
	struct iovec local = { p->dst, p->chunk };
	struct iovec remote = { p->remote + (i % p->slots) * p->chunk, p->chunk };

	return process_vm_readv(p->pid, &local, 1, &remote, 1, 0) == (ssize_t)p->chunk ? 0 : -errno;
}

/* SPEC: B1 — baseline: process_vm_readv of the client's private memory (no handshake). */
int bench_process_vm_readv(const struct bench_row *row, double *value)
{
	struct target t = { .chunk = (uint32_t)row->arg };
	struct pvr p = { .chunk = t.chunk, .slots = bench_bulk_slots(t.chunk) };
	int a[2] = { -1, -1 }, w[2] = { -1, -1 }, err = 0;
	uint64_t iters, ns;

	p.dst = populate(t.chunk);
	if (!p.dst || pipe2(a, O_CLOEXEC) || pipe2(w, O_CLOEXEC)) {
		err = -ENOMEM;
		goto out;
	}
	t.addr_fd = a[1];
	t.wait_fd = w[0];
	t.wake_fd = w[1];
	p.pid = bench_fork(target_main, &t);
	if (p.pid < 0 || read(a[0], &p.remote, sizeof(p.remote)) != sizeof(p.remote)) {
		err = -ECHILD;
		goto out;
	}
	ns = bench_timed(bench_seconds(0.03), pvr_one, &p, &iters, &err);
	if (!err)
		*value = (double)(iters * p.chunk) / (double)ns;
out:
	for (int i = 0; i < 2; i++) {
		if (a[i] >= 0)
			close(a[i]);
		if (w[i] >= 0)
			close(w[i]);	/* the child's read returns: it exits */
	}
	if (p.pid > 0)
		bench_reap(p.pid, false);
	if (p.dst)
		munmap(p.dst, t.chunk);
	return err;
}
