// SPDX-License-Identifier: MIT
/*
 * Nested references (R3): the core's walk (src/core/walk.c), each hop
 * resolved as an ordinary reference of the client and captured through
 * the safe-access helpers.
 */
#include <errno.h>
#include <stdlib.h>
#include "internal.h"

struct walk_ctx {
	struct secshm_client *client;
	const struct secshm_span *root;
};

static int walk_resolve(void *ctx, const struct secshm_ref *ref, struct secshm_walk_node *node)
{
	const struct walk_ctx *wc = ctx;
	struct secshm_span *span = malloc(sizeof(*span));
	int err;

	if (!span)
		return -ENOMEM;
	err = ref_resolve(wc->client, ref, span);
	if (err) {
		free(span);
		return err;
	}
	*node = (struct secshm_walk_node){ .section = span->section->id, .offset = span->offset,
					   .length = span->length, .priv = span };
	return 0;
}

/* The root's node has no span of its own: it is the handler's. */
static int walk_capture(void *ctx, const struct secshm_walk_node *node, void *buf)
{
	const struct walk_ctx *wc = ctx;

	return secshm_capture(node->priv ? node->priv : wc->root, 0, buf, (size_t)node->length);
}

static void walk_put(void *ctx, struct secshm_walk_node *node)
{
	struct secshm_span *span = node->priv;

	secshm_object_put(span->section);
	free(span);
}

static const struct secshm_walk_ops walk_ops = {
	.resolve = walk_resolve,
	.capture = walk_capture,
	.put = walk_put,
};

int secshm_walk(struct secshm_client *c, const struct secshm_span *root,
		const struct secshm_walk *w)
{
	struct walk_ctx ctx = { .client = c, .root = root };
	const struct secshm_walk_node node = {
		.section = root->section->id, .offset = root->offset, .length = root->length,
	};

	return secshm_walk_run(w, &walk_ops, &ctx, &node);
}
