// SPDX-License-Identifier: GPL-2.0
/*
 * Nested references (R3), the MapCallerPtr step at every hop of a structure
 * in a client's shared memory, with the daemon's limits and errors: each
 * node is resolved as an ordinary reference of the calling client (handle,
 * type, origin, READ access, overflow, bounds), captured once into private
 * memory, and only that copy is parsed for the next hops. Depth, node count
 * and bytes are bounded and a node seen twice ends the walk (-ELOOP).
 */
#include <linux/hash.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "secshm_internal.h"

struct secshm_hop {
	struct secshm_ref ref;
	u32 depth;
};

struct secshm_walk_state {
	const struct secshm_walk *w;
	struct secshm_call *call;
	u8 *node;			/* private copy of the current node */
	struct secshm_hop *stack;
	u32 top, stack_cap;
	struct secshm_seen {		/* open addressing; sec NULL: empty */
		const void *sec;
		u64 offset;
	} *seen;
	u32 seen_mask;
	u32 nodes;
	u64 bytes;
};

/* A user-pointer root has no section; its address is its identity. */
static int secshm_mark_seen(struct secshm_walk_state *st,
			    const struct secshm_call_ref *ref)
{
	const void *key = ref->sec ?: (const void *)st;
	u32 i = hash_64((u64)(unsigned long)key ^ ref->offset, 32) & st->seen_mask;

	while (st->seen[i].sec) {
		if (st->seen[i].sec == key && st->seen[i].offset == ref->offset)
			return -ELOOP;
		i = (i + 1) & st->seen_mask;
	}
	st->seen[i].sec = key;
	st->seen[i].offset = ref->offset;
	return 0;
}

static int secshm_visit(struct secshm_walk_state *st,
			const struct secshm_call_ref *ref, u32 depth)
{
	struct secshm_ref next[SECSHM_WALK_FANOUT];
	int n, ret;

	if (ref->length > st->w->max_node)
		return -EMSGSIZE;
	if (++st->nodes > st->w->max_nodes ||
	    ref->length > st->w->max_bytes - st->bytes)
		return -E2BIG;
	st->bytes += ref->length;
	ret = secshm_mark_seen(st, ref);
	if (!ret)
		ret = secshm_ref_capture(ref, 0, st->node, ref->length);
	if (ret)
		return ret;
	n = st->w->visit(st->w->ctx, st->node, ref->length, depth, next);
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

static int secshm_walk_run(struct secshm_walk_state *st,
			   const struct secshm_call_ref *root)
{
	int ret = secshm_visit(st, root, 0);

	while (!ret && st->top) {
		struct secshm_hop *hop = &st->stack[--st->top];
		struct secshm_call_ref ref = {};

		ret = secshm_ref_resolve(st->call, &hop->ref, &ref);
		if (ret)
			break;
		ret = secshm_visit(st, &ref, hop->depth);
		secshm_section_release(ref.sec);
		if (fatal_signal_pending(current))
			ret = -EINTR;
	}
	return ret;
}

int secshm_walk(struct secshm_call *call, const struct secshm_call_ref *root,
		const struct secshm_walk *w)
{
	struct secshm_walk_state st = { .w = w, .call = call };
	u32 slots = 2;
	int ret = -ENOMEM;

	if (!w->visit || !w->max_nodes || w->max_nodes > SECSHM_WALK_NODES_MAX ||
	    !w->max_node || w->max_node > SECSHM_WALK_NODE_MAX)
		return -EINVAL;
	while (slots < 2 * w->max_nodes)
		slots *= 2;
	/* Every pending hop is a node still to count, so this many suffice. */
	st.stack_cap = w->max_nodes * SECSHM_WALK_FANOUT;
	st.seen_mask = slots - 1;
	st.seen = kvcalloc(slots, sizeof(*st.seen), GFP_KERNEL);
	st.stack = kvmalloc_array(st.stack_cap, sizeof(*st.stack), GFP_KERNEL);
	st.node = kvmalloc(w->max_node, GFP_KERNEL);
	if (st.seen && st.stack && st.node)
		ret = secshm_walk_run(&st, root);
	kvfree(st.seen);
	kvfree(st.stack);
	kvfree(st.node);
	return ret;
}
EXPORT_SYMBOL_GPL(secshm_walk);
