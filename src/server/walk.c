// SPDX-License-Identifier: MIT
/*
 * Nested references (R3), the MapCallerPtr step applied at every hop of a
 * structure in shared memory: each node is resolved as an ordinary client
 * reference, captured once into private memory, and only the private copy
 * is parsed for the next hops. Depth, node count and bytes are bounded and
 * a node seen twice ends the walk, so no structure a client builds can make
 * the server loop or read outside a section.
 */
#include <errno.h>
#include <stdlib.h>
#include "internal.h"

struct hop {
	struct secshm_ref ref;
	uint32_t depth;
};

struct walk_state {
	const struct secshm_walk *w;
	struct secshm_client *c;
	unsigned char *node;		/* private copy of the current node */
	struct hop *stack;
	uint32_t top, stack_cap;
	struct seen {			/* open addressing; id 0: empty */
		uint64_t id, offset;
	} *seen;
	uint32_t seen_mask;
	uint32_t nodes;
	uint64_t bytes;
};

/* Record a node (section, offset); -ELOOP if it was already visited. */
static int mark_seen(struct walk_state *st, const struct secshm_span *span)
{
	uint64_t id = span->section->id, off = span->offset;
	uint64_t h = (id * 0x9e3779b97f4a7c15ULL) ^ (off * 0xc2b2ae3d27d4eb4fULL);
	uint32_t i = (uint32_t)(h >> 32) & st->seen_mask;

	while (st->seen[i].id) {
		if (st->seen[i].id == id && st->seen[i].offset == off)
			return -ELOOP;
		i = (i + 1) & st->seen_mask;
	}
	st->seen[i] = (struct seen){ id, off };
	return 0;
}

static int visit(struct walk_state *st, const struct secshm_span *span, uint32_t depth)
{
	struct secshm_ref next[SECSHM_WALK_FANOUT];
	int n, err;

	if (span->length > st->w->max_node)
		return -EMSGSIZE;
	if (++st->nodes > st->w->max_nodes || span->length > st->w->max_bytes - st->bytes)
		return -E2BIG;
	st->bytes += span->length;
	err = mark_seen(st, span);
	if (!err)
		err = secshm_capture(span, 0, st->node, span->length);
	if (err)
		return err;
	n = st->w->visit(st->w->ctx, st->node, span->length, depth, next);
	if (n < 0)
		return n;
	if (n > SECSHM_WALK_FANOUT)
		return -EINVAL;
	if (n && depth + 1 > st->w->max_depth)
		return -E2BIG;
	while (n--) {	/* pushed last first, so visited in order */
		if (st->top == st->stack_cap)
			return -E2BIG;
		next[n].flags = SECSHM_REF_READ;	/* the walker only reads */
		st->stack[st->top++] = (struct hop){ next[n], depth + 1 };
	}
	return 0;
}

static int walk(struct walk_state *st, const struct secshm_span *root)
{
	int err = visit(st, root, 0);

	while (!err && st->top) {
		struct hop hop = st->stack[--st->top];
		struct secshm_span span;

		err = ref_resolve(st->c, &hop.ref, &span);
		if (err)
			break;
		err = visit(st, &span, hop.depth);
		secshm_object_put(span.section);
	}
	return err;
}

int secshm_walk(struct secshm_client *c, const struct secshm_span *root,
		const struct secshm_walk *w)
{
	struct walk_state st = { .w = w, .c = c };
	uint32_t slots = 2;
	int err = -ENOMEM;

	if (!w->visit || !w->max_nodes || w->max_nodes > SECSHM_WALK_NODES_MAX ||
	    !w->max_node || w->max_node > SECSHM_WALK_NODE_MAX)
		return -EINVAL;
	while (slots < 2 * w->max_nodes)
		slots *= 2;
	/* Every pending hop is a node still to count, so this many always suffice. */
	st.stack_cap = w->max_nodes * SECSHM_WALK_FANOUT;
	st.seen_mask = slots - 1;
	st.seen = calloc(slots, sizeof(*st.seen));
	st.stack = malloc(st.stack_cap * sizeof(*st.stack));
	st.node = malloc(w->max_node);
	if (st.seen && st.stack && st.node)
		err = walk(&st, root);
	free(st.seen);
	free(st.stack);
	free(st.node);
	return err;
}
