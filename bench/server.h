/* SPDX-License-Identifier: MIT */
/*
 * The bench server: a privileged server on libsecshm-server, forked from the
 * bench, that creates one shared section for the bulk rows (the way
 * examples/checksum-server.c does: server handle, its own reference, its
 * own view) and registers the opcodes below. Clients reach it through
 * libsecshm like any other server.
 */
#ifndef SECSHM_BENCH_SERVER_H
#define SECSHM_BENCH_SERVER_H

#include <stdint.h>
#include <sys/types.h>
#include "secshm.h"

#define BENCH_SECTION		"bench/bulk"
#define BENCH_SECTION_SIZE	(16U << 20)
#define BENCH_CHUNK_MAX		(1U << 20)

/*
 * Bulk layout inside the section: a ring control block, the ring's entries,
 * then the data slots the entries point at.
 */
#define BENCH_RING_CTL		0
#define BENCH_RING_SLOTS	4096
#define BENCH_RING_ENTRIES_MAX	256
#define BENCH_DATA		(64U << 10)

/* One READ reference, up to 16 bytes in; nothing else: validation only (B2). */
#define BENCH_OP_NOOP		0x2001
/*
 * One READ reference; in: struct bench_loop. Captures (or reads in place)
 * the chunks of the reference, chunk by chunk, reps times round, timed in
 * the handler; out: struct bench_out.
 */
#define BENCH_OP_CAPTURE	0x2002
#define BENCH_OP_INPLACE	0x2003
/*
 * One READ|WRITE reference to the whole section; in: struct bench_stream.
 * Consumes a stream the client produces into the ring (ring_stream.c).
 */
#define BENCH_OP_STREAM		0x2004

struct bench_loop {
	uint32_t chunk;		/* bytes per capture; 0: the whole reference once */
	uint32_t reps;		/* passes over the reference */
};

/* BENCH_OP_STREAM's input: stream total bytes as chunks round the ring. */
struct bench_stream {
	uint32_t entries;	/* ring entries = data slots, a power of two */
	uint32_t chunk;		/* bytes per entry, <= BENCH_CHUNK_MAX */
	uint64_t total;		/* bytes to consume */
	uint32_t inplace;	/* 0: capture; 1: read in place; 2: capture, then read the copy */
	uint32_t reserved;
};

/* A ring entry: where the chunk is, relative to the reference. */
struct bench_chunk {
	uint64_t offset;
	uint64_t length;
};

struct bench_out {
	uint64_t ns;		/* time inside the handler */
	uint64_t bytes;		/* bytes captured or read */
	uint64_t sum;		/* keeps the reads honest */
};

/* The busy-polling instance's ring_poll_us. */
#define BENCH_RING_POLL_US	200

/*
 * Start a server instance (once; later calls return 0): 0 sleeps on its
 * doorbells, 1 busy-polls request rings. bench_server_start/_pid/conn_open
 * name instance 0. Stop reaps every instance.
 */
int bench_server_start(void);
int bench_server_start_instance(int instance);
void bench_server_stop(void);
pid_t bench_server_pid(void);
pid_t bench_server_instance_pid(int instance);

/* A connection to the bench server with the bulk section open and mapped read-write. */
struct bench_conn {
	struct secshm *s;
	uint32_t handle;
	unsigned char *map;
};

int bench_conn_open(struct bench_conn *c);
int bench_conn_open_instance(struct bench_conn *c, int instance);
void bench_conn_close(struct bench_conn *c);

/* Server side: the ring stream handler (ring_stream.c). */
struct secshm_server;
struct secshm_request;
int bench_op_stream(struct secshm_server *srv, struct secshm_request *req, void *data);

/*
 * Every bulk row moves chunks round a working set of this many chunks (a
 * ring's worth: 256 KiB, at least two chunks), so that no row reads from a
 * smaller, hotter set than another.
 */
static inline uint32_t bench_bulk_slots(uint32_t chunk)
{
	uint32_t n = (256U << 10) / chunk;

	return n < 2 ? 2 : n > 64 ? 64 : n;
}

#endif /* SECSHM_BENCH_SERVER_H */
