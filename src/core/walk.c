// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Nested references (R3): the MapCallerPtr step at every hop of a structure
 * in a client's shared memory. Each node is resolved as an ordinary
 * reference of the calling client, captured once into private memory, and
 * only that copy is parsed for the next hops. Depth, node count and bytes
 * are bounded and a node seen twice ends the walk, so no structure a client
 * builds can make a server loop or read outside a section.
 */
#include "core.h"

struct hop {
	struct secshm_ref ref;
	uint32_t depth;
};

struct seen {				/* open addressing; section 0: empty */
	uint64_t section, offset;
};

struct walk_state {
	const struct secshm_walk *w;
	const struct secshm_walk_ops *ops;
	void *ctx;
	unsigned char *node;		/* private copy of the current node */
	struct hop *stack;
	uint32_t top, stack_cap;
	struct seen *seen;
	uint32_t seen_mask;
	uint32_t nodes;
	uint64_t bytes;
};

/* Record a node (section, offset); -ELOOP if it was already visited. */
static int mark_seen(struct walk_state *st, const struct secshm_walk_node *node)
{
	uint64_t h = (node->section * 0x9e3779b97f4a7c15ULL) ^ (node->offset * 0xc2b2ae3d27d4eb4fULL);
	uint32_t i = (uint32_t)(h >> 32) & st->seen_mask;

	while (st->seen[i].section) {
		if (st->seen[i].section == node->section && st->seen[i].offset == node->offset)
			return -ELOOP;
		i = (i + 1) & st->seen_mask;
	}
	st->seen[i].section = node->section;
	st->seen[i].offset = node->offset;
	return 0;
}

static int visit(struct walk_state *st, const struct secshm_walk_node *node, uint32_t depth)
{
	struct secshm_ref next[SECSHM_WALK_FANOUT];
	int n, err;

	if (node->length > st->w->max_node)
		return -EMSGSIZE;
	if (++st->nodes > st->w->max_nodes || node->length > st->w->max_bytes - st->bytes)
		return -E2BIG;
	st->bytes += node->length;
	err = mark_seen(st, node);
	if (!err)
		err = st->ops->capture(st->ctx, node, st->node);
	if (err)
		return err;
	n = st->w->visit(st->w->ctx, st->node, (size_t)node->length, depth, next);
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
		st->stack[st->top].ref = next[n];
		st->stack[st->top++].depth = depth + 1;
	}
	return 0;
}

static int walk(struct walk_state *st, const struct secshm_walk_node *root)
{
	int err = visit(st, root, 0);

	while (!err && st->top) {
		struct hop hop = st->stack[--st->top];
		struct secshm_walk_node node;

		err = st->ops->resolve(st->ctx, &hop.ref, &node);
		if (err)
			break;
		err = visit(st, &node, hop.depth);
		st->ops->put(st->ctx, &node);
	}
	return err;
}

int secshm_walk_run(const struct secshm_walk *w, const struct secshm_walk_ops *ops, void *ctx,
		    const struct secshm_walk_node *root)
{
	struct walk_state st = { .w = w, .ops = ops, .ctx = ctx };
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
	st.seen = core_zalloc((size_t)slots * sizeof(*st.seen));
	st.stack = core_alloc((size_t)st.stack_cap * sizeof(*st.stack));
	st.node = core_alloc(w->max_node);
	if (st.seen && st.stack && st.node)
		err = walk(&st, root);
	core_free(st.seen);
	core_free(st.stack);
	core_free(st.node);
	return err;
}
