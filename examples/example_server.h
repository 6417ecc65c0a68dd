/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * What the two example servers share: the daemon's (checksum-server.c on
 * libsecshm-server) and the module's (kmod/checksum.c on the kernel API)
 * serve example.h's operations from the same code where it does not touch
 * either API: the checksum, and the visit of a list node in a walk.
 */
#ifndef SECSHM_EXAMPLE_SERVER_H
#define SECSHM_EXAMPLE_SERVER_H

#ifndef __KERNEL__
#include <errno.h>
#include <stddef.h>
#endif
#include "example.h"
#include "secshm-walk.h"

/* FNV-1a 64 over p[0, len), continuing from hash. */
static inline __u64 example_fnv1a(__u64 hash, const unsigned char *p, size_t len)
{
	while (len--)
		hash = (hash ^ *p++) * EXAMPLE_FNV_PRIME;
	return hash;
}

/* EXAMPLE_OP_LIST_SUM's walk: ctx is the reply, node the walker's private copy. */
static inline int example_list_visit(void *ctx, const void *node, size_t len, uint32_t depth,
				     struct secshm_ref next[SECSHM_WALK_FANOUT])
{
	struct example_list_reply *reply = (struct example_list_reply *)ctx;
	const struct example_node *n = (const struct example_node *)node;

	if (len != sizeof(*n))
		return -EINVAL;
	reply->count++;
	reply->sum += n->value;
	if (!n->next_handle)
		return 0;
	next[0] = (struct secshm_ref){ .handle = n->next_handle, .offset = n->next_offset,
				       .length = sizeof(*n) };
	return 1;
}

/* The walk's limits: a list of at most EXAMPLE_LIST_MAX nodes. */
#define EXAMPLE_LIST_WALK(reply)							\
	{ .max_depth = EXAMPLE_LIST_MAX - 1, .max_nodes = EXAMPLE_LIST_MAX,		\
	  .max_bytes = EXAMPLE_LIST_MAX * sizeof(struct example_node),			\
	  .max_node = sizeof(struct example_node), .visit = example_list_visit,		\
	  .ctx = (reply) }

#endif /* SECSHM_EXAMPLE_SERVER_H */
