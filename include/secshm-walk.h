/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * Nested references (R3): the walk both privileged sides offer their
 * handlers, secshm_walk() in libsecshm-server (include/secshm-server.h) and
 * in the module's kernel API (kmod/secshm_kapi.h), with one shape and one
 * implementation (the core's).
 *
 * A walk goes depth first from a resolved reference. Every further hop is
 * resolved as a reference of the calling client (handle, type, READ
 * access, overflow, bounds) and every node is captured once into private
 * memory before visit sees it. Errors: -ELOOP a node reached twice (a cycle
 * or a shared node), -E2BIG over max_depth, max_nodes or max_bytes,
 * -EMSGSIZE a node longer than max_node, -EINVAL limits out of range or
 * visit returning more than SECSHM_WALK_FANOUT, or a reference's own error.
 */
#ifndef SECSHM_WALK_H
#define SECSHM_WALK_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <uapi/secshm.h>
#else
#include <stddef.h>
#include <stdint.h>
#include "uapi/secshm.h"
#endif

#define SECSHM_WALK_FANOUT	4		/* references one node may lead to */
#define SECSHM_WALK_NODES_MAX	65536
#define SECSHM_WALK_NODE_MAX	(1U << 20)	/* bytes of one node */

struct secshm_walk {
	uint32_t max_depth;		/* hops below the root */
	uint32_t max_nodes;		/* nodes in all, root included */
	uint64_t max_bytes;		/* node bytes captured in all */
	uint32_t max_node;		/* bytes of one node */
	/*
	 * Called once per node with its private copy and its depth (root 0).
	 * Writes the references the node holds to next[] and returns how many
	 * (<= SECSHM_WALK_FANOUT), or a negative errno to stop the walk.
	 */
	int (*visit)(void *ctx, const void *node, size_t len, uint32_t depth,
		     struct secshm_ref next[SECSHM_WALK_FANOUT]);
	void *ctx;
};

#endif /* SECSHM_WALK_H */
