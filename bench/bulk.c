// SPDX-License-Identifier: MIT
/*
 * B1, bulk client -> server, one group per chunk size. Our paths: the ring
 * stream with server-side capture and with in-place read (ring_stream.c),
 * one secshm_call per chunk on the socket, and the capture helper alone
 * (no transport: the server capturing a reference's chunks in a loop).
 * Baselines: bulk_baselines.c.
 */
#include <errno.h>
#include <string.h>
#include "bulk.h"

static struct bench_conn conn;

struct bench_conn *bench_bulk_conn(void)
{
	return &conn;
}

uint64_t bench_bulk_total(uint32_t chunk)
{
	uint64_t total = chunk <= 4096 ? 32ULL << 20 : chunk <= (64U << 10) ? 128ULL << 20 :
			 256ULL << 20;

	total = (uint64_t)((double)total * bench_cfg.scale);
	total -= total % chunk;
	return total < 16ULL * chunk ? 16ULL * chunk : total;
}

uint64_t bench_timed(double seconds, int (*fn)(void *ctx, uint64_t i), void *ctx,
		     uint64_t *iters, int *err)
{
	uint64_t t0 = bench_now_ns(), limit = (uint64_t)(seconds * 1e9), i = 0, batch = 1, now;

	*err = 0;
	for (;;) {
		for (uint64_t b = 0; b < batch && !*err; b++)
			*err = fn(ctx, i++);
		now = bench_now_ns();
		if (*err || now - t0 >= limit)
			break;
		if (batch < 4096)
			batch *= 2;
	}
	*iters = i;
	return now - t0 ? now - t0 : 1;
}

static int bulk_setup(void)
{
	if (conn.s)
		return 0;
	bench_note("B1: no producer writes its payload inside a measurement (the transport "
		   "alone); chunks rotate over a 256 KiB working set (2 chunks at 1 MiB); ring "
		   "rows: producer thread on CPU 1 and server on CPU 0, both busy-polling; the "
		   "other two-process rows unpinned. In-place read has no helper in the server "
		   "API: it reads through secshm_span.base");
	return bench_conn_open(&conn);
}

static void bulk_close(void)
{
	bench_conn_close(&conn);
}

/* The data slots of a chunk size: a reference to [BENCH_DATA, + slots * chunk). */
static struct secshm_ref data_ref(uint32_t chunk, uint64_t slot)
{
	return (struct secshm_ref){ .handle = conn.handle, .flags = SECSHM_REF_READ,
				    .offset = BENCH_DATA + slot * chunk, .length = chunk };
}

/*
 * SPEC: B1 — the server reading a reference alone, no transport: server-timed
 * secshm_capture (or an in-place read through span.base) of every chunk,
 * many passes.
 */
static int server_loop(const struct bench_row *row, double *value, uint32_t opcode)
{
	uint32_t chunk = (uint32_t)row->arg, slots = bench_bulk_slots(chunk);
	struct secshm_ref ref = data_ref(chunk, 0);
	struct bench_loop in = { .chunk = chunk };
	struct bench_out out;
	size_t n;
	int err;

	ref.length = (uint64_t)slots * chunk;
	in.reps = (uint32_t)(bench_bulk_total(chunk) / ref.length);
	if (!in.reps)
		in.reps = 1;
	err = secshm_call(conn.s, opcode, &in, sizeof(in), &ref, 1, &out, sizeof(out), &n);
	if (err < 0)
		return err;
	if (n != sizeof(out) || !out.ns)
		return -EPROTO;
	*value = (double)out.bytes / (double)out.ns;
	return 0;
}

static int capture_alone(const struct bench_row *row, double *value)
{
	return server_loop(row, value, BENCH_OP_CAPTURE);
}

static int inplace_alone(const struct bench_row *row, double *value)
{
	return server_loop(row, value, BENCH_OP_INPLACE);
}

struct per_call {
	uint32_t chunk, slots;
};

static int call_one(void *ctx, uint64_t i)
{
	struct per_call *pc = ctx;
	struct secshm_ref ref = data_ref(pc->chunk, i % pc->slots);
	struct bench_loop in = { .chunk = pc->chunk, .reps = 1 };
	struct bench_out out;
	size_t n;
	int err = secshm_call(conn.s, BENCH_OP_CAPTURE, &in, sizeof(in), &ref, 1, &out,
			      sizeof(out), &n);

	return err < 0 ? err : 0;
}

/* SPEC: B1 — one secshm_call per chunk on the socket (validated reference, capture), end to end. */
static int call_per_chunk(const struct bench_row *row, double *value)
{
	struct per_call pc = { (uint32_t)row->arg, bench_bulk_slots((uint32_t)row->arg) };
	uint64_t iters, ns;
	int err;

	ns = bench_timed(bench_seconds(0.05), call_one, &pc, &iters, &err);
	if (!err)
		*value = (double)(iters * pc.chunk) / (double)ns;
	return err;
}

/*
 * SPEC: B1 — rows, one table per chunk size. The targets: ring capture
 * >= 0.9x memcpy, ring in-place >= 0.95x private read. The connection stays
 * open across the three groups; the last one closes it.
 */
#define B1_ROWS(sz, tag)									\
	{ "b1." tag ".memcpy", "B1", "memcpy, private memory (baseline)", NULL, 0, 0,	\
	  BENCH_GBPS, bench_memcpy_private, sz, false, NULL },				\
	{ "b1." tag ".read", "B1", "read (sum u64), private memory (baseline)", NULL, 0, 0, \
	  BENCH_GBPS, bench_read_private, sz, false, NULL },				\
	{ "b1." tag ".ring.capture", "B1", "ring stream + server capture", "b1." tag ".memcpy", \
	  0, 0.9, BENCH_GBPS, bench_ring_capture, sz, false, NULL },			\
	{ "b1." tag ".ring.inplace", "B1", "ring stream + in-place read (via span.base)",	\
	  "b1." tag ".read", 0, 0.95, BENCH_GBPS, bench_ring_inplace, sz, false, NULL },	\
	{ "b1." tag ".ring.capsum", "B1", "ring stream + capture, then read the copy",	\
	  "b1." tag ".read", 0, 0, BENCH_GBPS, bench_ring_capture_sum, sz, false, NULL },	\
	{ "b1." tag ".capture", "B1", "secshm_capture alone (server loop)", "b1." tag ".memcpy", \
	  0, 0, BENCH_GBPS, capture_alone, sz, false, NULL },				\
	{ "b1." tag ".inplace", "B1", "in-place read alone (server loop)", "b1." tag ".read", \
	  0, 0, BENCH_GBPS, inplace_alone, sz, false, NULL },				\
	{ "b1." tag ".call", "B1", "secshm_call per chunk + capture (socket)",		\
	  "b1." tag ".memcpy", 0, 0, BENCH_GBPS, call_per_chunk, sz, false, NULL },	\
	{ "b1." tag ".unix", "B1", "AF_UNIX SOCK_STREAM (baseline)", NULL, 0, 0,		\
	  BENCH_GBPS, bench_unix_stream, sz, false, NULL },				\
	{ "b1." tag ".pipe", "B1", "pipe (baseline)", NULL, 0, 0, BENCH_GBPS, bench_pipe, sz, \
	  false, NULL },								\
	{ "b1." tag ".pvr", "B1", "process_vm_readv (baseline)", NULL, 0, 0, BENCH_GBPS,	\
	  bench_process_vm_readv, sz, false, NULL }

static const struct bench_row rows_4k[] = { B1_ROWS(4096, "4k") };
static const struct bench_row rows_64k[] = { B1_ROWS(65536, "64k") };
static const struct bench_row rows_1m[] = { B1_ROWS(1048576, "1m") };

static const struct bench_group b1_4k = {
	"B1 bulk client -> server, 4 KiB chunks", 10, bulk_setup, NULL,
	rows_4k, BENCH_NROWS(rows_4k),
};
static const struct bench_group b1_64k = {
	"B1 bulk client -> server, 64 KiB chunks", 11, bulk_setup, NULL,
	rows_64k, BENCH_NROWS(rows_64k),
};
static const struct bench_group b1_1m = {
	"B1 bulk client -> server, 1 MiB chunks", 12, bulk_setup, bulk_close,
	rows_1m, BENCH_NROWS(rows_1m),
};
BENCH_GROUP(b1_4k)
BENCH_GROUP(b1_64k)
BENCH_GROUP(b1_1m)
