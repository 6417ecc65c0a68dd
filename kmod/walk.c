// SPDX-License-Identifier: GPL-2.0
/*
 * Nested references (R3): the core's walk (core/walk.c), each hop resolved
 * as an ordinary reference of the request's client and captured through
 * the request's spans, so check_fetch sees the walker's captures too.
 */
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "secshm_internal.h"

struct secshm_walk_ctx {
	struct secshm_request *req;
	const struct secshm_span *root;
};

static int secshm_walk_resolve(void *ctx, const struct secshm_ref *ref,
			       struct secshm_walk_node *node)
{
	const struct secshm_walk_ctx *wc = ctx;
	struct secshm_span *span;
	int ret;

	if (fatal_signal_pending(current))
		return -EINTR;
	cond_resched();
	span = kmalloc(sizeof(*span), GFP_KERNEL);
	if (!span)
		return -ENOMEM;
	ret = secshm_span_resolve(wc->req, ref, span);
	if (ret) {
		kfree(span);
		return ret;
	}
	*node = (struct secshm_walk_node){ .section = span->section->id, .offset = span->offset,
					   .length = span->length, .priv = span };
	return 0;
}

/* The root's node has no span of its own: it is the handler's. */
static int secshm_walk_capture(void *ctx, const struct secshm_walk_node *node, void *buf)
{
	const struct secshm_walk_ctx *wc = ctx;

	return secshm_capture(node->priv ?: wc->root, 0, buf, node->length);
}

static void secshm_walk_put(void *ctx, struct secshm_walk_node *node)
{
	struct secshm_span *span = node->priv;

	__secshm_section_put(span->section);
	kfree(span);
}

static const struct secshm_walk_ops secshm_walk_ops = {
	.resolve = secshm_walk_resolve,
	.capture = secshm_walk_capture,
	.put = secshm_walk_put,
};

int secshm_walk(struct secshm_request *req, const struct secshm_span *root,
		const struct secshm_walk *walk)
{
	struct secshm_walk_ctx ctx = { .req = req, .root = root };
	const struct secshm_walk_node node = {
		.section = root->section ? root->section->id : 0,
		.offset = root->offset, .length = root->length,
	};

	return secshm_walk_run(walk, &secshm_walk_ops, &ctx, &node);
}
EXPORT_SYMBOL_GPL(secshm_walk);
