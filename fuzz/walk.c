// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the nested-reference walker (secshm_walk, R3). An input
 * is a walk header followed by the contents of two sections; the target
 * walks from the root reference the header names and compares what the
 * walker did with a plain model of the documented semantics.
 *
 * Input: struct fz_walk_hdr, then up to 8192 bytes for section A, then up to
 * 4096 for section B (the rest of each section is zero).
 *
 * Node format, as the visit callback parses its private copy: byte 0 is the
 * number of references n (0xff: the callback fails the walk with
 * -ENOTRECOVERABLE), and from byte 8 on, n struct secshm_ref (the walker
 * forces READ, so their flags are ignored). A node too short for n holds
 * as many as fit; more than SECSHM_WALK_FANOUT makes the callback report
 * them all (and write only FANOUT), which the walker must refuse.
 *
 * The client's handles: 1 section A (every right), 2 section A read-only
 * (another handle, the same section), 3 a view of A (wrong type), 4 section
 * B, 5 section B with QUERY only (no READ); anything else is not a handle.
 *
 * Model: depth first from the root, children in order, (section, offset)
 * seen at most once, a bad reference ends it. Checked (abort on failure):
 *  - every node the walker shows the callback is the model's next one:
 *    same length and depth, and the bytes are the section's at that place;
 *  - depth, node count, node size and total bytes stay within the limits;
 *  - a walk that succeeds visited the whole model structure, which had no
 *    error; a walk that fails has a reason: the model ends in an error
 *    there, or the next node or hop would exceed a limit, or the limits
 *    themselves are invalid (and then nothing was visited);
 *  - the walker only reads: section contents are unchanged; and it holds
 *    no references afterwards (section reference counts are unchanged).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "../src/server/internal.h"

#define CHECK(cond) do {							\
		if (!(cond)) {							\
			fprintf(stderr, "fuzz/walk: invariant failed: %s (%s:%d)\n", \
				#cond, __FILE__, __LINE__);			\
			abort();						\
		}								\
	} while (0)

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

#define A_LEN		8192
#define B_LEN		4096
#define NODE_REFS	8	/* node byte offset of the first reference */
#define MODEL_MAX	(A_LEN + B_LEN + 1)	/* distinct (section, offset) + 1 */

enum { SEC_A, SEC_B, NSEC };

struct mnode {
	int sec;
	uint64_t offset, length;
	uint32_t depth;
	int nrefs;		/* what the callback returns for it */
};

static struct {
	struct secshm_server *srv;
	struct secshm_client *c;
	int peer;
	struct section *sec[NSEC];
	uint64_t len[NSEC];
} w;

static struct {
	struct mnode node[MODEL_MAX];
	uint32_t n;
	bool error;		/* the model ends in an error after node[n-1] */
	unsigned char seen[NSEC][A_LEN];
} m;

static struct {
	const struct fz_walk_hdr *h;
	uint32_t visits;
	uint64_t bytes;
} run;

static unsigned char before[NSEC][A_LEN];

static void init(void)
{
	struct secshm_object_attr attr = { 0 };
	struct secshm_object *obj;
	struct cview *v;
	uint32_t h;
	int sv[2];

	CHECK(secshm_server_new(NULL, &w.srv) == 0);
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
	CHECK(client_new(w.srv, sv[0], &w.c) == 0);
	w.peer = sv[1];
	w.c->cred.who.uid = w.c->cred.who.gid = 1000;
	attr.client = w.c;
	CHECK(secshm_section_create(w.srv, &attr, A_LEN, 0, SECSHM_GENERIC_ALL, -1, &h) == 0);
	CHECK(h == 1);
	obj = handle_lookup(&w.c->handles, 1)->obj;
	CHECK(handle_insert(&w.c->handles, secshm_object_get(obj), SECSHM_GENERIC_READ_MAP,
			    &h) == 0 && h == 2);
	CHECK(cview_new(w.c, to_section(obj), 0, 4096, SECSHM_PROT_READ, &v) == 0);
	CHECK(handle_insert(&w.c->handles, &v->obj, SECSHM_ACCESS_MAP_READ, &h) == 0 && h == 3);
	CHECK(secshm_section_create(w.srv, &attr, B_LEN, 0, SECSHM_GENERIC_ALL, -1, &h) == 0);
	CHECK(h == 4);
	obj = handle_lookup(&w.c->handles, 4)->obj;
	CHECK(handle_insert(&w.c->handles, secshm_object_get(obj), SECSHM_ACCESS_QUERY,
			    &h) == 0 && h == 5);
	w.sec[SEC_A] = to_section(handle_lookup(&w.c->handles, 1)->obj);
	w.sec[SEC_B] = to_section(handle_lookup(&w.c->handles, 4)->obj);
	for (int s = 0; s < NSEC; s++) {
		CHECK(section_map(w.sec[s]));
		w.len[s] = w.sec[s]->length;
	}
	CHECK(w.len[SEC_A] == A_LEN && w.len[SEC_B] == B_LEN);
}

/* The model's ref_resolve for READ: which section, or -1. */
static int model_resolve(const struct secshm_ref *r)
{
	int s = r->handle == 1 || r->handle == 2 ? SEC_A : r->handle == 4 ? SEC_B : -1;

	if (s < 0 || !r->length || r->offset + r->length < r->offset ||
	    r->offset + r->length > w.len[s])
		return -1;
	return s;
}

/* The references a node holds, as the callback reports them; -1: it fails. */
static int parse(const unsigned char *node, size_t len, struct secshm_ref *refs, int cap)
{
	int n;

	if (!len)
		return 0;
	if (node[0] == 0xff)
		return -1;
	n = node[0];
	if (len < NODE_REFS)
		return 0;
	if ((size_t)n > (len - NODE_REFS) / sizeof(*refs))
		n = (int)((len - NODE_REFS) / sizeof(*refs));
	for (int i = 0; i < n && i < cap; i++)
		memcpy(&refs[i], node + NODE_REFS + i * sizeof(*refs), sizeof(*refs));
	return n;
}

static void model(int root_sec, uint64_t off, uint64_t len)
{
	static struct mnode stack[MODEL_MAX * SECSHM_WALK_FANOUT];
	uint32_t top = 0;

	m.n = 0;
	m.error = false;
	memset(m.seen, 0, sizeof(m.seen));
	stack[top++] = (struct mnode){ root_sec, off, len, 0, 0 };
	while (top) {
		struct mnode nd = stack[--top];
		struct secshm_ref refs[SECSHM_WALK_FANOUT];
		int n;

		if (nd.sec < 0 || m.seen[nd.sec][nd.offset]) {
			m.error = true;	/* a bad reference, or a node reached twice */
			return;
		}
		m.seen[nd.sec][nd.offset] = 1;
		n = parse(w.sec[nd.sec]->map + nd.offset, nd.length, refs, SECSHM_WALK_FANOUT);
		nd.nrefs = n;
		CHECK(m.n < MODEL_MAX);
		m.node[m.n++] = nd;
		if (n < 0 || n > SECSHM_WALK_FANOUT) {
			m.error = true;
			return;
		}
		while (n--) {
			int s = model_resolve(&refs[n]);

			stack[top++] = (struct mnode){ s, s < 0 ? 0 : refs[n].offset,
						       s < 0 ? 0 : refs[n].length, nd.depth + 1, 0 };
		}
	}
}

static int visit(void *ctx, const void *node, size_t len, uint32_t depth,
		 struct secshm_ref next[SECSHM_WALK_FANOUT])
{
	const struct fz_walk_hdr *h = run.h;
	const struct mnode *want;
	int n;

	CHECK(run.visits < m.n);
	want = &m.node[run.visits++];
	run.bytes += len;
	/* The walker's limits. */
	CHECK(len <= h->max_node);
	CHECK(run.visits <= h->max_nodes);
	CHECK(run.bytes <= h->max_bytes);
	CHECK(depth <= h->max_depth);
	/* The model's next node, captured from the right place. */
	CHECK(len == want->length && depth == want->depth);
	CHECK(!memcmp(node, w.sec[want->sec]->map + want->offset, len));
	n = parse(node, len, next, SECSHM_WALK_FANOUT);
	return n < 0 ? -ENOTRECOVERABLE : n;
}

/* Would the walker have to stop before or at model node k? */
static bool limit_at(uint32_t k)
{
	const struct fz_walk_hdr *h = run.h;
	uint64_t bytes = 0;

	if (k > 0 && m.node[k - 1].nrefs > 0 && m.node[k - 1].depth + 1 > h->max_depth)
		return true;	/* the last node visited leads deeper than allowed */
	if (k >= m.n)
		return false;
	for (uint32_t i = 0; i <= k; i++)
		bytes += m.node[i].length;
	return m.node[k].length > h->max_node || k + 1 > h->max_nodes || bytes > h->max_bytes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct fz_walk_hdr h;
	struct secshm_ref root;
	struct secshm_span span;
	struct secshm_walk wk;
	uint32_t refs[NSEC], objects;
	int root_sec, err;
	size_t a;

	if (size < sizeof(h))
		return -1;
	if (!ready) {
		init();
		ready = true;
	}
	memcpy(&h, data, sizeof(h));
	data += sizeof(h);
	size -= sizeof(h);
	a = size < A_LEN ? size : A_LEN;
	memset(w.sec[SEC_A]->map, 0, A_LEN);
	memset(w.sec[SEC_B]->map, 0, B_LEN);
	memcpy(w.sec[SEC_A]->map, data, a);
	memcpy(w.sec[SEC_B]->map, data + a, size - a < B_LEN ? size - a : B_LEN);
	for (int s = 0; s < NSEC; s++)
		memcpy(before[s], w.sec[s]->map, w.len[s]);

	root = (struct secshm_ref){ h.root_handle, SECSHM_REF_READ, h.root_offset, h.root_length };
	if (ref_resolve(w.c, &root, &span))
		return 0;
	root_sec = span.section == &w.sec[SEC_A]->obj ? SEC_A : SEC_B;
	for (int s = 0; s < NSEC; s++)
		refs[s] = w.sec[s]->obj.refcount;
	objects = w.srv->nobjects;

	model(root_sec, span.offset, span.length);
	run.h = &h;
	run.visits = 0;
	run.bytes = 0;
	wk = (struct secshm_walk){
		.max_depth = h.max_depth, .max_nodes = h.max_nodes, .max_bytes = h.max_bytes,
		.max_node = h.max_node, .visit = visit, .ctx = NULL,
	};
	err = secshm_walk(w.c, &span, &wk);

	if (!h.max_nodes || h.max_nodes > SECSHM_WALK_NODES_MAX ||
	    !h.max_node || h.max_node > SECSHM_WALK_NODE_MAX) {
		CHECK(err == -EINVAL && run.visits == 0);
	} else if (!err) {
		CHECK(run.visits == m.n && !m.error);
	} else {
		/* A reason to stop: the structure's own error, or a limit. */
		CHECK(err < 0 && err >= -4095);
		CHECK((m.error && run.visits == m.n) || limit_at(run.visits));
		if (err == -ENOTRECOVERABLE)
			CHECK(run.visits && m.node[run.visits - 1].nrefs < 0);
	}
#ifdef FZ_TRACE
	fprintf(stderr, "fz: walk -> %d after %u visits (model %u%s)\n", err, run.visits, m.n,
		m.error ? ", error" : "");
#endif
	for (int s = 0; s < NSEC; s++) {
		CHECK(!memcmp(before[s], w.sec[s]->map, w.len[s]));
		CHECK(w.sec[s]->obj.refcount == refs[s]);
	}
	CHECK(w.srv->nobjects == objects);
	secshm_object_put(span.section);
	return 0;
}
