// SPDX-License-Identifier: MIT
/*
 * B1 through a shared ring (include/secshm-ring.h): the client produces
 * chunk descriptors into a single-producer single-consumer ring in the
 * bench section, busy-polling; the server consumes them in one
 * BENCH_OP_STREAM request, copying each entry out once, checking it against
 * the reference and then capturing the chunk into private memory (or
 * reading it in place). The figure is the server's: bytes consumed over the
 * time its handler ran. The two busy-polling sides get a CPU each (server on
 * CPU 0, producer on CPU 1); the consumer takes every entry published since
 * its last look and releases them with one store.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include "secshm-ring.h"
#include "secshm-server.h"
#include "bench.h"
#include "bulk.h"
#include "server.h"

#define STREAM_TIMEOUT_NS	(10ULL * 1000000000ULL)

/*
 * Busy-poll; if the peer makes no progress for a long while it may share
 * this CPU after all (another process took the other one): let it run.
 */
static inline void spin_wait(uint64_t spins)
{
	if (spins & 0x3fff)
		__builtin_ia32_pause();
	else
		sched_yield();
}

int bench_op_stream(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	const struct secshm_span *span = &req->refs[0];
	unsigned char *buf = data;
	struct bench_out out = { 0 };
	struct bench_stream in = { 0 };
	struct secshm_spsc ring;
	uint64_t t0, spins = 0;
	int err = 0;

	if (req->in_len != sizeof(in) || req->out_cap < sizeof(out))
		return -EINVAL;
	memcpy(&in, req->in, sizeof(in));
	if (in.chunk > BENCH_CHUNK_MAX || in.entries > BENCH_RING_ENTRIES_MAX ||
	    (span->flags & (SECSHM_REF_READ | SECSHM_REF_WRITE)) !=
		    (SECSHM_REF_READ | SECSHM_REF_WRITE) ||
	    span->length < BENCH_DATA)
		return -EINVAL;
	/* The control block and entries are shared: the span's own mapping. */
	err = secshm_spsc_init(&ring, span->base + BENCH_RING_CTL, span->base + BENCH_RING_SLOTS,
			       in.entries, sizeof(struct bench_chunk));
	if (err)
		return err;
	/* The clock starts at the first entry: the stream's rate, not the producer's start-up. */
	t0 = bench_now_ns();
	while (!secshm_spsc_ready(&ring) && !err)
		if (!(++spins & 0xffff) && bench_now_ns() - t0 > STREAM_TIMEOUT_NS)
			err = -ETIMEDOUT;
	spins = 0;
	t0 = bench_now_ns();
	while (out.bytes < in.total && !err) {
		/* Everything published since the last look, released in one store. */
		uint32_t n = secshm_spsc_ready(&ring), i;

		if (!n) {
			spin_wait(++spins);
			if (!(spins & 0xffff) && bench_now_ns() - t0 > STREAM_TIMEOUT_NS)
				err = -ETIMEDOUT;	/* a producer that stopped */
			continue;
		}
		spins = 0;
		for (i = 0; i < n && !err; i++) {
			struct bench_chunk ch;

			/* The entry is the peer's: read it once, then check it. */
			memcpy(&ch, secshm_spsc_slot(&ring, ring.own + i), sizeof(ch));
			if (!ch.length || ch.length > in.chunk || ch.offset < BENCH_DATA)
				err = -EINVAL;
			else if (in.inplace != 1) {
				err = secshm_capture(span, ch.offset, buf, ch.length);
				if (in.inplace == 2)
					out.sum += bench_sum64(buf, ch.length);
			} else if (ch.offset > span->length || ch.length > span->length - ch.offset)
				err = -ERANGE;
			else
				out.sum += bench_sum64(span->base + ch.offset, ch.length);
			bench_keep(buf);
			out.bytes += ch.length;
		}
		secshm_spsc_release(&ring, n);
	}
	out.ns = bench_now_ns() - t0;
	if (err)
		return err;
	memcpy(req->out, &out, sizeof(out));
	req->out_len = sizeof(out);
	return 0;
}

struct producer {
	unsigned char *map;
	struct bench_stream in;
	volatile int stop;
};

static void *produce(void *arg)
{
	struct producer *p = arg;
	struct secshm_spsc ring;
	uint64_t sent = 0, spins = 0;
	uint32_t i = 0;

	if (secshm_spsc_init(&ring, p->map + BENCH_RING_CTL, p->map + BENCH_RING_SLOTS,
			     p->in.entries, sizeof(struct bench_chunk)))
		return NULL;
	while (sent < p->in.total && !p->stop) {
		struct bench_chunk ch = {
			BENCH_DATA + (uint64_t)(i & (p->in.entries - 1)) * p->in.chunk,
			p->in.chunk,
		};
		void *slot = secshm_spsc_reserve(&ring);

		if (!slot) {
			spin_wait(++spins);
			continue;
		}
		spins = 0;
		memcpy(slot, &ch, sizeof(ch));
		secshm_spsc_commit(&ring, 1);
		sent += p->in.chunk;
		i++;
	}
	return NULL;
}

static int stream(const struct bench_row *row, double *value, uint32_t inplace)
{
	struct bench_conn *c = bench_bulk_conn();
	struct producer p = { .map = c->map };
	struct secshm_ref ref = { .handle = c->handle, .flags = SECSHM_REF_READ | SECSHM_REF_WRITE,
				  .offset = 0, .length = BENCH_SECTION_SIZE };
	struct bench_out out;
	pthread_t t;
	size_t n;
	int err;

	p.in = (struct bench_stream){
		.entries = bench_bulk_slots((uint32_t)row->arg), .chunk = (uint32_t)row->arg,
		.total = bench_bulk_total((uint32_t)row->arg), .inplace = inplace,
	};
	/* A fresh ring: both sides start at zero. */
	memset(c->map, 0, BENCH_DATA);
	err = pthread_create(&t, NULL, produce, &p);
	if (err)
		return -err;
	/* Two busy-pollers: one CPU each (server 0, producer 1), never sharing one. */
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1) {
		cpu_set_t one;

		CPU_ZERO(&one);
		CPU_SET(1, &one);
		bench_pin(bench_server_pid(), 0);
		pthread_setaffinity_np(t, sizeof(one), &one);
	}
	err = secshm_call(c->s, BENCH_OP_STREAM, &p.in, sizeof(p.in), &ref, 1, &out,
			  sizeof(out), &n);
	p.stop = 1;
	pthread_join(t, NULL);
	bench_pin(bench_server_pid(), -1);
	if (err < 0)
		return err;
	if (n != sizeof(out) || !out.ns)
		return -EPROTO;
	*value = (double)out.bytes / (double)out.ns;
	return 0;
}

/* SPEC: B1 — ring stream, server-side capture into private memory. */
int bench_ring_capture(const struct bench_row *row, double *value)
{
	return stream(row, value, 0);
}

/*
 * SPEC: B1 — ring stream, server-side in-place read. The API has no in-place
 * helper: this reads through secshm_span.base, the server's own sealed
 * mapping, each word once.
 */
int bench_ring_inplace(const struct bench_row *row, double *value)
{
	return stream(row, value, 1);
}

/* SPEC: B1 — ring stream, capture then read the private copy (what P6 asks of validated data). */
int bench_ring_capture_sum(const struct bench_row *row, double *value)
{
	return stream(row, value, 2);
}
