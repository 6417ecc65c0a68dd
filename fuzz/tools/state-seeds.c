// SPDX-License-Identifier: MIT
/*
 * Writes the seed corpus of fuzz/state.c: short client sessions in its
 * operation format (fuzz/state.h), named by what they exercise, together
 * covering every operation kind, every built-in request, the registered
 * calls, file-backed sections and a ring set up and used. Each one is a
 * well-behaved session the server handles without fault; the fuzzer's job
 * is to combine and reorder them. Run once (`make fuzz-seeds`); the output
 * is committed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../state.h"

#define ALL_SLOTS	0x0f

static const char *dir;
static struct fz_op ops[FZ_OPS_MAX];
static int nops;

static void op(uint8_t kind, uint8_t conn, const void *args, size_t len)
{
	if (nops == FZ_OPS_MAX || len > sizeof(ops[0].arg)) {
		fprintf(stderr, "state-seeds: seed too long\n");
		exit(1);
	}
	ops[nops] = (struct fz_op){ .kind = kind, .conn = conn };
	memcpy(ops[nops].arg, args, len);
	nops++;
}

static void emit(const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(ops, sizeof(ops[0]), (size_t)nops, f) != (size_t)nops || fclose(f)) {
		perror(path);
		exit(1);
	}
	nops = 0;
}

/* ---- one helper per operation, with the arguments seeds use ---- */

static void connect_as(int slot, uint8_t flags)
{
	struct fz_connect a = { .flags = flags };

	op(FZ_CONNECT, (uint8_t)slot, &a, sizeof(a));
}

static void hangup(int slot, uint8_t flags)
{
	struct fz_hangup a = { .flags = flags };

	op(FZ_HANGUP, (uint8_t)slot, &a, sizeof(a));
}

static void kill_slot(int slot)
{
	op(FZ_KILL, (uint8_t)slot, NULL, 0);
}

/*
 * Let the server run, then read every answer that came. Two rounds: a new
 * client's first requests are served in the round after it is accepted.
 */
static void dispatch(void)
{
	struct fz_dispatch a = { .rounds = 1, .read = ALL_SLOTS };

	op(FZ_DISPATCH, 0, &a, sizeof(a));
}

/* Let the server run, read nothing. */
static void dispatch_only(void)
{
	struct fz_dispatch a = { .rounds = 1 };

	op(FZ_DISPATCH, 0, &a, sizeof(a));
}

static void recv_some(int slot, uint8_t max)
{
	struct fz_recv a = { .max = max };

	op(FZ_RECV, (uint8_t)slot, &a, sizeof(a));
}

static void create(uint8_t conn, struct fz_create a)
{
	op(FZ_CREATE, conn, &a, sizeof(a));
}

static void open_name(uint8_t conn, uint8_t name, uint8_t access)
{
	struct fz_open a = { .name = name, .access = access };

	op(FZ_OPEN, conn, &a, sizeof(a));
}

static void open_token(uint8_t conn, uint8_t token)
{
	struct fz_open a = { .flags = FZ_OPEN_TOKEN, .token = token };

	op(FZ_OPEN, conn, &a, sizeof(a));
}

static void handle_op(uint8_t kind, uint8_t conn, uint8_t handle)
{
	struct fz_handle a = { .handle = handle };

	op(kind, conn, &a, sizeof(a));
}

static void dup(uint8_t conn, uint8_t handle, uint8_t flags, uint8_t access)
{
	struct fz_dup a = { .handle = handle, .flags = flags, .access = access };

	op(FZ_DUPLICATE, conn, &a, sizeof(a));
}

static void map(uint8_t conn, uint8_t handle, uint8_t prot, uint8_t offset, uint8_t length,
		uint8_t fill)
{
	struct fz_map a = { .handle = handle, .prot = prot, .offset = offset, .length = length,
			    .fill = fill };

	op(FZ_MAP, conn, &a, sizeof(a));
}

static void list(uint8_t conn, uint8_t start, uint8_t max)
{
	struct fz_list a = { .start = start, .max = max };

	op(FZ_LIST, conn, &a, sizeof(a));
}

static void call(uint8_t conn, uint8_t opcode, uint8_t nrefs, struct fz_ref ref, uint8_t in_len,
		 uint8_t out_len, uint8_t in_seed)
{
	struct fz_call a = { .opcode = opcode, .nrefs = nrefs, .in_len = in_len,
			     .out_len = out_len, .in_seed = in_seed, .ref = ref };

	op(FZ_CALL, conn, &a, sizeof(a));
}

static void ring(int slot, uint8_t entries)
{
	struct fz_ring a = { .entries = entries };

	op(FZ_RING, (uint8_t)slot, &a, sizeof(a));
}

static void ring_map(int slot)
{
	struct fz_ring_map a = { 0 };

	op(FZ_RING_MAP, (uint8_t)slot, &a, sizeof(a));
}

static void submit(int slot, uint8_t count, uint8_t bell, uint8_t opcode, uint8_t nrefs,
		   struct fz_ref ref, uint8_t in_len)
{
	struct fz_submit a = { .count = count, .doorbell = bell, .opcode = opcode,
			       .nrefs = nrefs, .in_len = in_len, .ref = ref };

	op(FZ_RING_SUBMIT, (uint8_t)slot, &a, sizeof(a));
}

static void reap(int slot, uint8_t max)
{
	struct fz_reap a = { .max = max };

	op(FZ_RING_REAP, (uint8_t)slot, &a, sizeof(a));
}

static void poke(int slot, uint8_t field, uint8_t flags, uint32_t value)
{
	struct fz_poke a = { .field = field, .flags = flags,
			     .value = { (uint8_t)value, (uint8_t)(value >> 8),
					(uint8_t)(value >> 16), (uint8_t)(value >> 24) } };

	op(FZ_RING_POKE, (uint8_t)slot, &a, sizeof(a));
}

static void doorbell(int slot)
{
	struct fz_doorbell a = { 0 };

	op(FZ_DOORBELL, (uint8_t)slot, &a, sizeof(a));
}

static void garbage(uint8_t conn, uint8_t kind, uint8_t opcode, uint16_t length, uint8_t seed)
{
	struct fz_garbage a = { .kind = kind, .opcode = opcode,
				.length = { (uint8_t)length, (uint8_t)(length >> 8) },
				.seed = { seed, 0x5e, 0xc5 } };

	op(FZ_GARBAGE, conn, &a, sizeof(a));
}

static void repeat(int slot, uint8_t count)
{
	struct fz_repeat a = { .count = count };

	op(FZ_REPEAT, (uint8_t)slot, &a, sizeof(a));
}

static void truncate_file(uint8_t file, uint8_t size)
{
	struct fz_truncate a = { .file = file, .size = size };

	op(FZ_TRUNCATE, 0, &a, sizeof(a));
}

#define SECTION(sz, acc)		((struct fz_create){ .size = (sz), .access = (acc) })
#define NAMED(fl, nm, sz, md)		((struct fz_create){ .flags = FZ_CREATE_NAMED | (fl), \
					  .name = (nm), .size = (sz), .mode = (md) })
#define FILE_BACKED(kind, sz)		((struct fz_create){ .flags = FZ_CREATE_FILE, \
					  .size = (sz), .file = (kind) })
#define REF(h, fl, off, len)		((struct fz_ref){ .handle = (h), .flags = (fl), \
					  .offset = (off), .length = (len) })
#define MODE_0600	0
#define MODE_0640	1
#define MODE_0644	2
#define NEWEST		FZ_HANDLE_NEWEST
#define RW		3	/* SECSHM_PROT_READ | SECSHM_PROT_WRITE */
#define RO		1

/* ---- sessions ---- */

static void connections(void)
{
	connect_as(0, 0);
	dispatch();
	hangup(0, 0);
	dispatch();
	emit("connect-hangup");

	connect_as(0, 0);
	connect_as(1, 0);
	create(0, SECTION(FZ_SIZE_4K, FZ_ACC_ALL));
	hangup(1, FZ_HANGUP_SHUTDOWN);
	dispatch();
	recv_some(1, 7);
	emit("hangup-shutdown");

	/* Requests in flight and answers unread when the client goes. */
	connect_as(0, 0);
	connect_as(1, 0);
	create(0, SECTION(FZ_SIZE_8K, FZ_ACC_ALL));
	dispatch();
	map(0, NEWEST, RW, FZ_OFFSET_0, FZ_LENGTH_WHOLE, FZ_FILL_TOUCH);
	dup(0, NEWEST, FZ_DUP_SAME, 0);
	create(1, SECTION(FZ_SIZE_4K, FZ_ACC_ALL));
	dispatch_only();
	kill_slot(0);
	create(1, SECTION(FZ_SIZE_4K, FZ_ACC_ALL));
	dispatch();
	emit("kill-in-flight");

	/* Four clients, two replaced. */
	for (int i = 0; i < FZ_SLOTS; i++) {
		connect_as(i, i & 1 ? FZ_CONNECT_AS_USER : 0);
		create((uint8_t)i, NAMED(0, (uint8_t)(FZ_NAME_A + i % 3), FZ_SIZE_4K, MODE_0644));
	}
	dispatch();
	kill_slot(1);
	hangup(2, 0);
	connect_as(1, 0);
	open_name(1, FZ_NAME_A, FZ_ACC_READ);
	dispatch();
	emit("four-clients");

	/* Ten requests, one dispatch, answers read a few at a time. */
	connect_as(0, 0);
	for (int i = 0; i < 10; i++)
		create(0, SECTION(FZ_SIZE_4K, FZ_ACC_ALL));
	dispatch_only();
	recv_some(0, 2);
	recv_some(0, 7);
	dispatch();
	emit("pipeline");

	/*
	 * More answers than the socket holds: ten 16 KiB echoes nearly fill
	 * it, so one of a burst of views, descriptor and all, waits in the
	 * server's queue; a few are read, then the client dies with the rest
	 * queued or unsent.
	 */
	connect_as(0, 0);
	create(0, SECTION(FZ_SIZE_4K, FZ_ACC_ALL));
	dispatch();
	call(0, FZ_CALL_ECHO, 0, REF(0, 0, 0, 0), FZ_IN_MAX, FZ_OUT_MAX, 1);
	repeat(0, 8);
	dispatch_only();
	map(0, NEWEST, RO, FZ_OFFSET_0, FZ_LENGTH_4K, FZ_FILL_TOUCH);
	repeat(0, 31);
	dispatch_only();
	recv_some(0, 3);
	dispatch_only();
	kill_slot(0);
	dispatch();
	emit("reply-queue");
}

static void sections(void)
{
	connect_as(0, 0);
	create(0, SECTION(FZ_SIZE_8K, FZ_ACC_ALL));
	dispatch();
	handle_op(FZ_QUERY, 0, NEWEST);
	handle_op(FZ_CLOSE, 0, NEWEST);
	handle_op(FZ_QUERY, 0, NEWEST);	/* a closed handle */
	dispatch();
	emit("create-query-close");

	connect_as(0, 0);
	connect_as(1, FZ_CONNECT_AS_USER);
	create(0, NAMED(FZ_CREATE_NEW, FZ_NAME_A, FZ_SIZE_4K, MODE_0640));
	create(0, NAMED(0, FZ_NAME_A, FZ_SIZE_4K, MODE_0640));	/* exists */
	create(1, NAMED(0, FZ_NAME_B, FZ_SIZE_4K, MODE_0600));
	dispatch();
	open_name(1, FZ_NAME_A, FZ_ACC_READ);
	open_name(0, FZ_NAME_B, FZ_ACC_WRITE);
	open_name(1, FZ_NAME_SHARED, FZ_ACC_READ);
	open_name(1, FZ_NAME_PRIVATE, FZ_ACC_READ);
	open_name(0, FZ_NAME_C, FZ_ACC_READ);			/* none */
	dispatch();
	emit("create-open-named");

	connect_as(0, FZ_CONNECT_AS_USER);
	create(0, NAMED(FZ_CREATE_PERMANENT, FZ_NAME_B, FZ_SIZE_8K, MODE_0644));
	dispatch();
	hangup(0, 0);
	connect_as(1, 0);
	open_name(1, FZ_NAME_B, FZ_ACC_ALL);
	dispatch();
	handle_op(FZ_UNLINK, 1, NEWEST);
	handle_op(FZ_QUERY, 1, NEWEST);
	dispatch();
	emit("create-permanent-unlink");

	connect_as(0, 0);
	create(0, NAMED(FZ_CREATE_TRUSTED, FZ_NAME_C, FZ_SIZE_4K, MODE_0644));
	create(0, (struct fz_create){ .flags = FZ_CREATE_PINNED, .size = FZ_SIZE_64K });
	connect_as(1, FZ_CONNECT_AS_USER);
	open_name(1, FZ_NAME_C, FZ_ACC_READ);
	create(1, (struct fz_create){ .flags = FZ_CREATE_PINNED, .size = FZ_SIZE_4K });
	dispatch();
	emit("create-trusted-pinned");

	/* Bad names, sizes, access and descriptors. */
	connect_as(0, 0);
	create(0, NAMED(0, FZ_NAME_DOTDOT, FZ_SIZE_4K, MODE_0600));
	create(0, NAMED(0, FZ_NAME_TOO_LONG, FZ_SIZE_4K, MODE_0600));
	create(0, NAMED(0, FZ_NAME_LONGEST, FZ_SIZE_4K, MODE_0600));
	create(0, SECTION(FZ_SIZE_0, FZ_ACC_ALL));
	create(0, SECTION(FZ_SIZE_MAX, FZ_ACC_ALL));
	create(0, SECTION(FZ_SIZE_8M, FZ_ACC_ALL));
	create(0, SECTION(FZ_SIZE_4K, FZ_ACC_UNKNOWN_BIT));
	create(0, (struct fz_create){ .flags = FZ_CREATE_SD_UNNAMED, .size = FZ_SIZE_4K,
				      .mode = MODE_0644, .nace = 2 });
	create(0, NAMED(0, FZ_NAME_A, FZ_SIZE_4K, MODE_0644 | FZ_ID_USER << 3));
	dispatch();
	emit("create-refused");

	connect_as(0, 0);
	create(0, SECTION(FZ_SIZE_4K, FZ_ACC_ALL));
	create(0, SECTION(FZ_SIZE_4K, FZ_ACC_READ_DUP));
	dispatch();
	dup(0, 1, 0, FZ_ACC_READ);
	dup(0, 1, FZ_DUP_SAME, 0);
	dup(0, NEWEST, 0, FZ_ACC_WRITE);		/* more than it holds */
	dup(0, 0xd5, 0, FZ_ACC_READ);			/* not a handle */
	dispatch();
	handle_op(FZ_CLOSE, 0, NEWEST);
	handle_op(FZ_CLOSE, 0, 1);
	dispatch();
	emit("duplicate");

	connect_as(0, 0);
	connect_as(1, FZ_CONNECT_AS_USER);
	create(0, SECTION(FZ_SIZE_8K, FZ_ACC_ALL));
	dispatch();
	dup(0, NEWEST, FZ_DUP_EXPORT, FZ_ACC_READ);
	dispatch();
	open_token(1, 0);
	open_token(1, 0);	/* used up */
	open_token(1, 0x80);	/* forged */
	dispatch();
	map(1, NEWEST, RO, FZ_OFFSET_0, FZ_LENGTH_4K, FZ_FILL_TOUCH);
	dispatch();
	emit("duplicate-export-open-token");

	connect_as(0, 0);
	create(0, NAMED(0, FZ_NAME_A, FZ_SIZE_4K, MODE_0644));
	create(0, NAMED(FZ_CREATE_PERMANENT, FZ_NAME_B, FZ_SIZE_4K, MODE_0640));
	dispatch();
	list(0, 0, 128);
	list(0, 1, 1);
	dispatch();
	emit("list");

	/* Handles of other clients, stale and forged ones, server handles. */
	connect_as(0, 0);
	connect_as(1, 0);
	create(0, SECTION(FZ_SIZE_4K, FZ_ACC_ALL));
	create(1, SECTION(FZ_SIZE_4K, FZ_ACC_ALL));
	dispatch();
	handle_op(FZ_QUERY, 0, FZ_HANDLE_OTHER);
	handle_op(FZ_QUERY, 0, FZ_HANDLE_SERVER | 1);
	handle_op(FZ_QUERY, 0, FZ_HANDLE_FORGED);
	handle_op(FZ_CLOSE, 1, NEWEST);
	handle_op(FZ_CLOSE, 1, NEWEST);
	handle_op(FZ_UNLINK, 0, NEWEST);
	dispatch();
	emit("handles-foreign");
}

static void views(void)
{
	connect_as(0, 0);
	connect_as(1, FZ_CONNECT_AS_USER);
	create(0, NAMED(0, FZ_NAME_A, FZ_SIZE_12K, MODE_0644));
	dispatch();
	map(0, NEWEST, RW, FZ_OFFSET_0, FZ_LENGTH_WHOLE, FZ_FILL_RANDOM);
	map(0, NEWEST, RO, FZ_OFFSET_4K, FZ_LENGTH_4K, FZ_FILL_TOUCH);
	map(0, NEWEST, RW, 3, FZ_LENGTH_4K, FZ_FILL_TOUCH);	/* unaligned */
	open_name(1, FZ_NAME_A, FZ_ACC_READ);
	dispatch();
	map(1, NEWEST, RW, FZ_OFFSET_0, FZ_LENGTH_4K, FZ_FILL_TOUCH);	/* read-only handle */
	map(1, NEWEST, RO, FZ_OFFSET_0, FZ_LENGTH_WHOLE, FZ_FILL_TOUCH);
	dispatch();
	handle_op(FZ_CLOSE, 1, NEWEST);
	handle_op(FZ_CLOSE, 0, 1);
	dispatch();
	emit("map-views");

	for (int kind = 0; kind < FZ_NFILES; kind++) {
		static const char *const names[FZ_NFILES] = {
			"file-tmpfile", "file-memfd", "file-sealed", "file-future-sealed",
			"file-readonly", "file-mismatch", "file-append", "file-not-regular",
		};
		connect_as(0, 0);
		create(0, FILE_BACKED(kind, FZ_SIZE_8K));
		dispatch();
		map(0, NEWEST, RW, FZ_OFFSET_0, FZ_LENGTH_WHOLE, FZ_FILL_LIST);
		map(0, NEWEST, RO, FZ_OFFSET_0, FZ_LENGTH_WHOLE, FZ_FILL_TOUCH);
		dispatch();
		call(0, FZ_CALL_FLUSH, 1, REF(2, FZ_REF_WRITE, FZ_ROFF_0, FZ_RLEN_4K), FZ_IN_0,
		     FZ_OUT_0, 0);
		call(0, FZ_CALL_WALK, 1, REF(2, FZ_REF_READ, FZ_ROFF_0, FZ_RLEN_64), FZ_IN_0,
		     FZ_OUT_8, 0);
		dispatch();
		emit(names[kind]);
	}

	/* A file shrunk under the server: its reads fail, nothing else. */
	connect_as(0, 0);
	create(0, FILE_BACKED(FZ_FILE_TMPFILE, FZ_SIZE_8K));
	dispatch();
	truncate_file(0, 0);
	call(0, FZ_CALL_CHECKSUM, 1, REF(NEWEST, FZ_REF_READ, FZ_ROFF_0, FZ_RLEN_8K), FZ_IN_0,
	     FZ_OUT_8, 0);
	call(0, FZ_CALL_ECHO, 1, REF(NEWEST, FZ_REF_RW, FZ_ROFF_4K, FZ_RLEN_64), FZ_IN_4,
	     FZ_OUT_64, 0);
	map(0, NEWEST, RW, FZ_OFFSET_0, FZ_LENGTH_WHOLE, FZ_FILL_TOUCH);
	dispatch();
	truncate_file(0, 2);
	map(0, NEWEST, RW, FZ_OFFSET_0, FZ_LENGTH_WHOLE, FZ_FILL_TOUCH);
	dispatch();
	emit("file-truncated");
}

static void calls(void)
{
	connect_as(0, 0);
	create(0, SECTION(FZ_SIZE_8K, FZ_ACC_ALL));
	create(0, SECTION(FZ_SIZE_4K, FZ_ACC_READ));
	dispatch();
	call(0, FZ_CALL_ECHO, 3, (struct fz_ref){ .handle = 1, .step = 1, .flags = 0x1b,
						  .offset = FZ_ROFF_64 }, FZ_IN_56, FZ_OUT_64, 7);
	call(0, FZ_CALL_ECHO, 16, REF(1, FZ_REF_READ, FZ_ROFF_0 | 8, FZ_RLEN_64), FZ_IN_0,
	     FZ_OUT_8, 0);
	call(0, FZ_CALL_ECHO, 1, REF(0, FZ_REF_WRITE, FZ_ROFF_0, FZ_RLEN_64), FZ_IN_0,
	     FZ_OUT_8, 0);	/* a read-only handle */
	call(0, FZ_CALL_ECHO, 0, REF(0, 0, 0, 0), FZ_IN_MAX, FZ_OUT_MAX, 3);
	call(0, FZ_CALL_CHECKSUM, 1, REF(1, FZ_REF_READ, FZ_ROFF_0, FZ_RLEN_8K), FZ_IN_0,
	     FZ_OUT_8, 0);
	call(0, FZ_CALL_CHECKSUM, 1, REF(1, FZ_REF_READ, FZ_ROFF_8191, FZ_RLEN_64), FZ_IN_0,
	     FZ_OUT_8, 0);	/* past the end */
	call(0, FZ_CALL_CHECKSUM, 1, REF(1, FZ_REF_READ, FZ_ROFF_WRAP, FZ_RLEN_64), FZ_IN_0,
	     FZ_OUT_8, 0);	/* wraps */
	call(0, FZ_CALL_UNREGISTERED, 0, REF(0, 0, 0, 0), FZ_IN_0, FZ_OUT_0, 0);
	dispatch();
	emit("call-echo-checksum");

	connect_as(0, 0);
	create(0, SECTION(FZ_SIZE_8K, FZ_ACC_ALL));
	dispatch();
	map(0, NEWEST, RW, FZ_OFFSET_0, FZ_LENGTH_WHOLE, FZ_FILL_LIST);
	dispatch();
	call(0, FZ_CALL_WALK, 1, REF(1, FZ_REF_READ, FZ_ROFF_0, FZ_RLEN_64), FZ_IN_0, FZ_OUT_8, 0);
	map(0, 1, RW, FZ_OFFSET_0, FZ_LENGTH_WHOLE, FZ_FILL_CYCLE);
	dispatch();
	call(0, FZ_CALL_WALK, 1, REF(2, FZ_REF_READ, FZ_ROFF_0, FZ_RLEN_64), FZ_IN_0, FZ_OUT_8, 0);
	map(0, 2, RW, FZ_OFFSET_0, FZ_LENGTH_WHOLE, FZ_FILL_WIDE);
	dispatch();
	call(0, FZ_CALL_WALK, 1, REF(3, FZ_REF_READ, FZ_ROFF_0, FZ_RLEN_64), FZ_IN_16, FZ_OUT_8,
	     0x42);
	dispatch();
	emit("call-walk");

	connect_as(0, 0);
	connect_as(1, FZ_CONNECT_AS_USER);
	create(1, SECTION(FZ_SIZE_4K, FZ_ACC_ALL));
	call(0, FZ_CALL_STATS, 0, REF(0, 0, 0, 0), FZ_IN_0, FZ_OUT_STATS, 0);
	call(1, FZ_CALL_STATS, 0, REF(0, 0, 0, 0), FZ_IN_0, FZ_OUT_STATS, 0);
	call(0, FZ_CALL_CLIENTS, 0, REF(0, 0, 0, 0), FZ_IN_4, FZ_OUT_4K, 0);
	dispatch();
	call(0, FZ_CALL_HANDLES, 0, REF(0, 0, 0, 0), FZ_IN_12, FZ_OUT_4K, 0);
	call(0, FZ_CALL_HANDLES, 0, REF(0, 0, 0, 0), FZ_IN_12, FZ_OUT_4K, 1);
	call(1, FZ_CALL_FLUSH, 1, REF(NEWEST, FZ_REF_WRITE, FZ_ROFF_0, FZ_RLEN_4K), FZ_IN_0,
	     FZ_OUT_0, 0);
	dispatch();
	emit("call-builtins");
}

/* Set up a ring on slot 0 and map it; with a section made first (handle 2). */
static void ring_setup(uint8_t entries)
{
	connect_as(0, 0);
	create(0, SECTION(FZ_SIZE_8K, FZ_ACC_ALL));
	ring(0, entries);
	dispatch();
	ring_map(0);
	dispatch();
}

static void rings(void)
{
	const struct fz_ref sec = REF(2, FZ_REF_RW, FZ_ROFF_0, FZ_RLEN_64);

	ring_setup(0);
	submit(0, 3, FZ_BELL_IF_ASLEEP, FZ_CALL_ECHO, 1, sec, 16);
	dispatch();
	reap(0, 15);
	submit(0, 0, FZ_BELL_IF_ASLEEP, FZ_CALL_CHECKSUM, 1, sec, 0);
	submit(0, 0, FZ_BELL_IF_ASLEEP, FZ_CALL_STATS, 0, sec, 0);
	dispatch();
	reap(0, 15);
	emit("ring");

	/* Two entries: the requests fill it, completions wait for room. */
	ring_setup(2);
	submit(0, 7, FZ_BELL_ALWAYS, FZ_CALL_ECHO, 2, sec, 8);
	dispatch();
	reap(0, 0);
	dispatch();
	reap(0, 15);
	submit(0, 3, FZ_BELL_NEVER, FZ_CALL_ECHO, 0, sec, 60);	/* too long */
	doorbell(0);
	dispatch();
	reap(0, 15);
	emit("ring-full");

	/* Hostile indices. */
	ring_setup(3);	/* 8 entries */
	poke(0, FZ_SQ_TAIL, FZ_POKE_ADD, 1000);
	doorbell(0);
	dispatch();
	poke(0, FZ_CQ_HEAD, 0, 0xfffffff0);
	poke(0, FZ_SQ_HEAD, 0, 5);
	submit(0, 2, FZ_BELL_ALWAYS, FZ_CALL_ECHO, 1, sec, 0);
	dispatch();
	reap(0, 15);
	emit("ring-poke");

	/* Refused setups: not a power of two, too big, twice. */
	connect_as(0, 0);
	ring(0, 6);
	ring(0, 7);
	ring(0, 0);
	ring(0, 1);
	dispatch();
	emit("ring-refused");

	/* A walk through the ring, over a structure written through a view. */
	ring_setup(0);
	map(0, 2, RW, FZ_OFFSET_0, FZ_LENGTH_WHOLE, FZ_FILL_TREE);
	dispatch();
	submit(0, 0, FZ_BELL_IF_ASLEEP, FZ_CALL_WALK, 1, REF(3, FZ_REF_READ, FZ_ROFF_0, FZ_RLEN_64),
	       0);
	dispatch();
	reap(0, 15);
	emit("ring-walk");

	/* The client hangs up with its ring live, requests in it. */
	ring_setup(0);
	submit(0, 1, FZ_BELL_IF_ASLEEP, FZ_CALL_ECHO, 1, sec, 0);
	dispatch();
	reap(0, 15);
	submit(0, 1, FZ_BELL_NEVER, FZ_CALL_ECHO, 1, sec, 0);
	hangup(0, 0);
	dispatch();
	emit("ring-hangup");

	/* The client dies with requests on the socket and in the ring. */
	ring_setup(0);
	handle_op(FZ_QUERY, 0, 2);
	submit(0, 3, FZ_BELL_NEVER, FZ_CALL_CHECKSUM, 1, sec, 0);
	kill_slot(0);
	dispatch();
	emit("ring-kill");

	/* The doorbell closed, then the client dies. */
	ring_setup(0);
	op(FZ_DOORBELL_CLOSE, 0, NULL, 0);
	submit(0, 1, FZ_BELL_ALWAYS, FZ_CALL_ECHO, 1, sec, 0);
	dispatch();
	kill_slot(0);
	dispatch();
	emit("ring-doorbell-close");
}

static void malformed(void)
{
	connect_as(0, 0);
	garbage(0, FZ_GARBAGE_RANDOM, 0, 40, 1);
	garbage(0, FZ_GARBAGE_RANDOM, 0, 7, 2);
	garbage(0, FZ_GARBAGE_HEADER, 42, 16, 3);
	garbage(0, FZ_GARBAGE_HEADER, 9, 100, 4);
	garbage(0, FZ_GARBAGE_OVERSIZED, 0, 0, 5);
	for (uint8_t opc = 0; opc < 10; opc++) {
		garbage(0, FZ_GARBAGE_ARGS, opc, 0, opc);
		garbage(0, FZ_GARBAGE_ZERO_ARGS, opc, 0, 0);
	}
	dispatch();
	garbage(0, FZ_GARBAGE_EMPTY, 0, 0, 0);	/* the server takes it as a hang-up */
	dispatch();
	emit("garbage");

	connect_as(0, 0);
	create(0, SECTION(FZ_SIZE_4K, FZ_ACC_ALL));
	dispatch();
	for (uint8_t m = FZ_MANGLE_CUT; m <= FZ_MANGLE_EXTEND_JUNK; m++) {
		handle_op(FZ_QUERY, FZ_CONN(0, FZ_ATTACH_NATURAL, m), NEWEST);
		call(FZ_CONN(0, FZ_ATTACH_NATURAL, m), FZ_CALL_ECHO, 1,
		     REF(NEWEST, FZ_REF_READ, FZ_ROFF_0, FZ_RLEN_64), FZ_IN_4, FZ_OUT_8, m);
	}
	dispatch();
	emit("mangled");

	/* Descriptors where none belong, and none where one does. */
	connect_as(0, 0);
	connect_as(1, 0);
	ring(0, 0);
	dispatch();
	for (uint8_t at = FZ_ATTACH_NONE; at <= FZ_ATTACH_MANY; at++)
		handle_op(FZ_QUERY, FZ_CONN(0, at, 0), NEWEST);
	create(FZ_CONN(0, FZ_ATTACH_NONE, 0), FILE_BACKED(FZ_FILE_TMPFILE, FZ_SIZE_4K));
	create(FZ_CONN(0, FZ_ATTACH_SEVERAL, 0), FILE_BACKED(FZ_FILE_TMPFILE, FZ_SIZE_4K));
	create(FZ_CONN(0, FZ_ATTACH_MEMFD, 0), FILE_BACKED(FZ_FILE_TMPFILE, FZ_SIZE_4K));
	dispatch();
	emit("attached");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: state-seeds DIR\n");
		return 2;
	}
	dir = argv[1];
	connections();
	sections();
	views();
	calls();
	rings();
	malformed();
	return 0;
}
