// SPDX-License-Identifier: MIT
/*
 * Writes the seed corpora: for fuzz/request.c one valid message per opcode
 * (and a few variants), named by operation; for fuzz/walk.c one structure
 * per case the walker must handle. Run once (`make fuzz-seeds`); the output
 * is committed. Handles and names refer to the world that
 * fuzz/request.c builds: handles 1 (all rights), 2 (read-only), 3 (a view),
 * 4 (named "fz/c0" or "fz/c1"); server sections "fz/shared", "fz/private".
 * Cookie bit 0 picks client 1 (uid 1000) over client 0 (root), bit 1
 * attaches a regular file, bit 2 a second descriptor.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include "uapi/secshm.h"

#define FZ_OP_ECHO	(SECSHM_CALL_USER + 1)
#define FZ_OP_EXACT	(SECSHM_CALL_USER + 2)
#define FZ_OP_OVERRUN	(SECSHM_CALL_USER + 3)

#define C1	1ULL	/* client 1 */
#define FD	2ULL	/* one descriptor attached */
#define FD2	4ULL	/* and another */

static const char *dir;
static unsigned char buf[SECSHM_MSG_MAX + 64];

static void emit(const char *name, uint16_t opcode, uint64_t cookie, const void *args,
		 size_t args_len, const void *tail, size_t tail_len)
{
	struct secshm_msg hdr = {
		.size = (uint32_t)(sizeof(hdr) + args_len + tail_len),
		.version = SECSHM_ABI_VERSION, .opcode = opcode,
		.cookie = cookie | 0x5ec5000000000000ULL,
	};
	char path[4096];
	FILE *f;

	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), args, args_len);
	if (tail_len)
		memcpy(buf + sizeof(hdr) + args_len, tail, tail_len);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, hdr.size, f) != hdr.size || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* Rewrite a seed from buf as it now stands. */
static void raw(const char *name, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void create(const char *file, uint64_t cookie, const char *name, uint32_t flags,
		   uint64_t length, uint32_t mode)
{
	struct secshm_create_args a = {
		.size = sizeof(a), .flags = flags, .length = length,
		.access = SECSHM_GENERIC_ALL,
	};

	if (name) {
		a.name_len = (uint32_t)strlen(name);
		memcpy(a.name, name, a.name_len);
		a.sd = (struct secshm_sd){ SECSHM_ID_CALLER, SECSHM_ID_CALLER, mode, 0, { { 0 } } };
	}
	emit(file, SECSHM_OP_CREATE, cookie, &a, sizeof(a), NULL, 0);
}

static void open_name(const char *file, uint64_t cookie, const char *name, uint32_t access)
{
	struct secshm_open_args a = { .size = sizeof(a), .access = access,
				      .name_len = (uint32_t)strlen(name) };

	memcpy(a.name, name, a.name_len);
	emit(file, SECSHM_OP_OPEN, cookie, &a, sizeof(a), NULL, 0);
}

static void handle_op(const char *file, uint16_t op, uint64_t cookie, uint32_t h)
{
	struct secshm_handle_args a = { .size = sizeof(a), .handle = h };

	emit(file, op, cookie, &a, sizeof(a), NULL, 0);
}

static void call(const char *file, uint64_t cookie, uint32_t opcode,
		 const struct secshm_ref *refs, uint32_t nrefs, size_t in_len, uint32_t out_len)
{
	struct secshm_call_args a = { .size = sizeof(a), .opcode = opcode, .nrefs = nrefs,
				      .in_len = (uint32_t)in_len, .out_len = out_len };
	static unsigned char tail[SECSHM_REFS_MAX * sizeof(struct secshm_ref) + SECSHM_INLINE_MAX];
	size_t rl = nrefs * sizeof(*refs);

	memcpy(tail, refs, rl);
	for (size_t i = 0; i < in_len; i++)
		tail[rl + i] = (unsigned char)(i * 7 + 1);
	emit(file, SECSHM_OP_CALL, cookie, &a, sizeof(a), tail, rl + in_len);
}

static void request_seeds(void)
{
	struct secshm_ref refs[SECSHM_REFS_MAX];
	struct secshm_query_args q = { .size = sizeof(q), .handle = 1 };
	struct secshm_dup_args d = { .size = sizeof(d), .handle = 1,
				     .access = SECSHM_GENERIC_READ };
	struct secshm_map_args m = { .size = sizeof(m), .handle = 1,
				     .prot = SECSHM_PROT_READ | SECSHM_PROT_WRITE, .length = 4096 };
	struct secshm_list_args l = { .size = sizeof(l), .max = 16 };
	struct secshm_open_args t = { .size = sizeof(t), .flags = SECSHM_OPEN_TOKEN };

	create("create", 0, NULL, 0, 8192, 0);
	create("create-named", 0, "fz/new", SECSHM_CREATE_NEW, 4096, 0640);
	create("create-permanent", 0, "fz/perm", SECSHM_CREATE_PERMANENT, 4096, 0644);
	create("create-existing", 0, "fz/shared", 0, 4096, 0600);
	create("create-trusted", 0, "fz/trusted", SECSHM_SECTION_TRUSTED_ONLY, 4096, 0644);
	create("create-file", FD, NULL, SECSHM_CREATE_FILE, 8192, 0);
	create("create-quota-u1000", C1, NULL, 0, 4096, 0);
	open_name("open", 0, "fz/shared", SECSHM_GENERIC_READ);
	open_name("open-private", 0, "fz/private", SECSHM_GENERIC_READ);
	open_name("open-u1000", C1, "fz/c0", SECSHM_GENERIC_READ);
	open_name("open-group-u1000", C1, "fz/shared", SECSHM_GENERIC_READ);
	memcpy(t.token.value, "secshm-fz-token!", sizeof(t.token.value));
	emit("open-token", SECSHM_OP_OPEN, 0, &t, sizeof(t), NULL, 0);
	handle_op("close", SECSHM_OP_CLOSE, 0, 1);
	handle_op("close-view", SECSHM_OP_CLOSE, 0, 3);
	handle_op("unlink", SECSHM_OP_UNLINK, 0, 4);
	handle_op("unlink-u1000", SECSHM_OP_UNLINK, C1, 4);
	emit("query", SECSHM_OP_QUERY, 0, &q, sizeof(q), NULL, 0);
	q.handle = 3;
	emit("query-view", SECSHM_OP_QUERY, C1, &q, sizeof(q), NULL, 0);
	emit("query-fd", SECSHM_OP_QUERY, FD | FD2, &q, sizeof(q), NULL, 0);
	emit("duplicate", SECSHM_OP_DUPLICATE, 0, &d, sizeof(d), NULL, 0);
	d.handle = 2;
	d.access = SECSHM_GENERIC_WRITE;	/* more than held: refused (H7) */
	emit("duplicate-more", SECSHM_OP_DUPLICATE, 0, &d, sizeof(d), NULL, 0);
	d.flags = SECSHM_DUP_SAME_ACCESS;
	d.access = 0;
	d.handle = 1;
	emit("duplicate-same", SECSHM_OP_DUPLICATE, C1, &d, sizeof(d), NULL, 0);
	d.handle = 1;
	d.flags = SECSHM_DUP_EXPORT;
	d.access = SECSHM_GENERIC_READ;
	emit("duplicate-export", SECSHM_OP_DUPLICATE, 0, &d, sizeof(d), NULL, 0);
	emit("map", SECSHM_OP_MAP, 0, &m, sizeof(m), NULL, 0);
	m.handle = 2;
	m.prot = SECSHM_PROT_READ;
	emit("map-ro", SECSHM_OP_MAP, C1, &m, sizeof(m), NULL, 0);
	emit("list", SECSHM_OP_LIST, 0, &l, sizeof(l), NULL, 0);
	emit("list-u1000", SECSHM_OP_LIST, C1, &l, sizeof(l), NULL, 0);

	refs[0] = (struct secshm_ref){ 1, SECSHM_REF_READ | SECSHM_REF_WRITE, 0, 8192 };
	refs[1] = (struct secshm_ref){ 2, SECSHM_REF_READ, 100, 200 };
	refs[2] = (struct secshm_ref){ 4, SECSHM_REF_WRITE, 4000, 96 };
	call("call-echo", 0, FZ_OP_ECHO, refs, 3, 32, 64);
	call("call-echo-u1000", C1, FZ_OP_ECHO, refs, 2, 8, 4096);
	for (int i = 0; i < SECSHM_REFS_MAX; i++)
		refs[i] = (struct secshm_ref){ 1 + i % 2, SECSHM_REF_READ, (uint64_t)i * 64, 64 };
	call("call-echo-16refs", 0, FZ_OP_ECHO, refs, SECSHM_REFS_MAX, 0, 16);
	call("call-echo-big", 0, FZ_OP_ECHO, NULL, 0, SECSHM_INLINE_MAX, SECSHM_INLINE_MAX);
	refs[0] = (struct secshm_ref){ 1, SECSHM_REF_READ, 8, 8 };
	call("call-exact", 0, FZ_OP_EXACT, refs, 1, 8, 0);
	call("call-overrun", 0, FZ_OP_OVERRUN, NULL, 0, 4, 4);
	call("call-stats", 0, SECSHM_CALL_STATS, NULL, 0, 0, sizeof(struct secshm_stats));
	call("call-stats-u1000", C1, SECSHM_CALL_STATS, NULL, 0, 0, sizeof(struct secshm_stats));
	refs[0] = (struct secshm_ref){ 1, SECSHM_REF_WRITE, 0, 4096 };
	call("call-flush", 0, SECSHM_CALL_FLUSH, refs, 1, 0, 0);
	call("call-clients", 0, SECSHM_CALL_CLIENTS, NULL, 0, 4, 4096);
	call("call-unknown", 0, SECSHM_CALL_USER + 99, NULL, 0, 0, 0);

	/* Malformed framing. */
	{	/* self-consistent, but longer than SECSHM_MSG_MAX (zeros extend the struct) */
		struct secshm_call_args a = { .size = sizeof(a) + 8, .opcode = FZ_OP_ECHO,
					      .nrefs = SECSHM_REFS_MAX,
					      .in_len = SECSHM_INLINE_MAX };
		static unsigned char tail[sizeof(a) + 8 + SECSHM_REFS_MAX * sizeof(refs[0]) +
					  SECSHM_INLINE_MAX];

		for (int i = 0; i < SECSHM_REFS_MAX; i++)
			refs[i] = (struct secshm_ref){ 1, SECSHM_REF_READ, 0, 64 };
		memcpy(tail, &a, sizeof(a));
		memcpy(tail + sizeof(a) + 8, refs, sizeof(refs));
		emit("bad-oversized", SECSHM_OP_CALL, 0, tail, sizeof(tail), NULL, 0);
	}
	emit("bad-short", SECSHM_OP_QUERY, 0, &q, 2, NULL, 0);
	emit("bad-opcode", 42, 0, &q, sizeof(q), NULL, 0);
	emit("bad-version", SECSHM_OP_QUERY, 0, &q, sizeof(q), NULL, 0);
	buf[4] = 2;				/* version 2 */
	raw("bad-version", sizeof(struct secshm_msg) + sizeof(q));
	emit("bad-size", SECSHM_OP_QUERY, 0, &q, sizeof(q), NULL, 0);
	buf[0] += 8;				/* size field says more than came */
	raw("bad-size", sizeof(struct secshm_msg) + sizeof(q));
	raw("bad-truncated-header", 8);
}

/* ---- fuzz/walk.c: a header, then sections A and B (see there) ---- */

struct fz_walk_hdr {
	uint32_t max_nodes;
	uint32_t max_node;
	uint32_t max_bytes;
	uint8_t max_depth;
	uint8_t root_handle;
	uint16_t root_offset;
	uint16_t root_length;
	uint16_t reserved;
};

static unsigned char sec[8192 + 4096];	/* A then B */
static size_t sec_used;

static void node(size_t at, uint8_t n, const struct secshm_ref *refs)
{
	sec[at] = n;
	memcpy(sec + at + 8, refs, n * sizeof(*refs));
	if (at + 8 + n * sizeof(*refs) > sec_used)
		sec_used = at + 8 + n * sizeof(*refs);
	if (at + 64 > sec_used)
		sec_used = at + 64;
}

static void walk_emit(const char *name, uint32_t nodes, uint32_t node_max, uint32_t bytes,
		      uint8_t depth, uint8_t root, uint16_t off, uint16_t len)
{
	struct fz_walk_hdr h = { nodes, node_max, bytes, depth, root, off, len, 0 };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), sec, sec_used);
	raw(name, sizeof(h) + sec_used);
	memset(sec, 0, sizeof(sec));
	sec_used = 0;
}

#define REF(h, off, len) ((struct secshm_ref){ (h), SECSHM_REF_READ, (off), (len) })

static void walk_seeds(void)
{
	struct secshm_ref r[6];

	for (int i = 0; i < 5; i++) {		/* a linked list of five nodes */
		r[0] = REF(1, (uint64_t)(i + 1) * 64, 64);
		node((size_t)i * 64, i < 4, r);
	}
	walk_emit("list", 64, 4096, 65536, 16, 1, 0, 64);

	for (int i = 0; i < 4; i++)		/* a root, four leaves, one in B */
		r[i] = i == 3 ? REF(4, 256, 128) : REF(1, 256 + (uint64_t)i * 256, 128);
	node(0, 4, r);
	node(256, 0, NULL);
	node(512, 0, NULL);
	node(768, 0, NULL);
	node(8192 + 256, 0, NULL);
	walk_emit("tree", 64, 4096, 65536, 4, 1, 0, 128);

	r[0] = REF(1, 64, 64);			/* 0 -> 64 -> 0 */
	node(0, 1, r);
	r[0] = REF(2, 0, 64);
	node(64, 1, r);
	walk_emit("cycle", 64, 4096, 65536, 16, 1, 0, 64);

	r[0] = REF(1, 64, 64);			/* one node reached by two handles */
	r[1] = REF(2, 64, 64);
	node(0, 2, r);
	node(64, 0, NULL);
	walk_emit("shared", 64, 4096, 65536, 16, 1, 0, 64);

	for (int i = 0; i < 20; i++) {		/* deeper than allowed */
		r[0] = REF(1, (uint64_t)(i + 1) * 32, 32);
		node((size_t)i * 32, i < 19, r);
	}
	walk_emit("deep", 64, 4096, 65536, 8, 1, 0, 32);

	r[0] = REF(1, 8000, 1000);		/* outside the section */
	node(0, 1, r);
	walk_emit("outside", 64, 4096, 65536, 16, 1, 0, 64);

	r[0] = REF(1, UINT64_MAX - 10, 100);	/* offset + length overflows */
	node(0, 1, r);
	walk_emit("overflow", 64, 4096, 65536, 16, 1, 0, 64);

	r[0] = REF(3, 0, 64);			/* a view, no READ, not a handle */
	r[1] = REF(5, 0, 64);
	r[2] = REF(99, 0, 64);
	node(0, 3, r);
	walk_emit("bad-handles", 64, 4096, 65536, 16, 1, 0, 128);

	sec[0] = 0xff;				/* the callback fails */
	sec_used = 64;
	walk_emit("visit-error", 64, 4096, 65536, 16, 1, 0, 64);

	for (int i = 0; i < 6; i++)		/* more references than FANOUT */
		r[i] = REF(1, 1024 + (uint64_t)i * 64, 64);
	node(0, 6, r);
	walk_emit("fanout", 64, 4096, 65536, 16, 1, 0, 256);

	for (int i = 0; i < 5; i++) {
		r[0] = REF(4, (uint64_t)(i + 1) * 512, 512);
		node(8192 + (size_t)i * 512, i < 4, r);
	}
	walk_emit("limits-nodes", 3, 4096, 65536, 16, 4, 0, 512);
	for (int i = 0; i < 5; i++) {
		r[0] = REF(4, (uint64_t)(i + 1) * 512, 512);
		node(8192 + (size_t)i * 512, i < 4, r);
	}
	walk_emit("limits-bytes", 64, 4096, 1500, 16, 4, 0, 512);
	r[0] = REF(1, 4096, 4096);
	node(0, 1, r);
	walk_emit("limits-node", 64, 1024, 65536, 16, 1, 0, 64);
	walk_emit("limits-invalid", 0, 4096, 65536, 16, 1, 0, 64);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkseeds request|walk DIR\n");
		return 2;
	}
	dir = argv[2];
	if (!strcmp(argv[1], "request"))
		request_seeds();
	else if (!strcmp(argv[1], "walk"))
		walk_seeds();
	else
		return 2;
	return 0;
}
