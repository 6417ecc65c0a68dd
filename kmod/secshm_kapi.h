/* SPDX-License-Identifier: GPL-2.0 */
/*
 * secshm kernel API: what another driver uses to share memory with user
 * space through secshm.ko, the way the NT section protocol has a driver
 * create the section, keep its own reference, and validate what callers
 * pass in.
 *
 * Every function returns 0 or a negative errno (or an ERR_PTR). A section
 * pointer returned by this API is a server reference (P7): it keeps the
 * section alive whatever clients do, until secshm_section_put().
 */
#ifndef _SECSHM_KAPI_H
#define _SECSHM_KAPI_H

#include <linux/list.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <uapi/secshm.h>

struct module;
struct secshm_section;
struct secshm_client;
struct secshm_call;

/*
 * Create a section of @length bytes (rounded up to pages). @flags:
 * SECSHM_SECTION_SERVER_PRIVATE (only kernel references reach it, P1),
 * SECSHM_SECTION_TRUSTED_ONLY, SECSHM_SECTION_PINNED. A @name (NULL for
 * none) is linked into the namespace, the global one unless it says
 * "user/UID/" (N1: an unqualified name of the kernel's is global); a name
 * that exists gives -EEXIST,
 * so a client that squats a name never has its section adopted (P3). @sd
 * is the descriptor for a shared named section; NULL means root 0600.
 */
struct secshm_section *secshm_section_create(const char *name, u64 length,
					     u32 flags,
					     const struct secshm_sd *sd);

/*
 * Reference the named section a driver created (resolved as in
 * secshm_section_create): the open half of a
 * create-or-open, after secshm_section_create() said -EEXIST. A section a
 * client created is never adopted (P3): -EEXIST. No such name: -ENOENT;
 * a bad name: -EINVAL or -ENAMETOOLONG.
 */
struct secshm_section *secshm_section_open(const char *name);

/*
 * The checked flavour (H6; ObReferenceObjectByHandle from UserMode):
 * reference the section behind @handle, a value that came from @call's
 * client (in its input, say). The CALL runs in the client's thread, so
 * the value is looked up among current's descriptors and checked, in
 * order: a live descriptor (-EBADF), a secshm section handle
 * (-EMEDIUMTYPE), a handle of @call's client (-EBADF), carrying @access
 * (generic rights mapped; -EACCES; unknown bits -EINVAL).
 *
 * There is no trusted flavour taking a handle value: a driver's own
 * sections are its struct secshm_section pointers, from create or open.
 */
struct secshm_section *secshm_section_get_by_handle(struct secshm_call *call,
						    u32 handle, u32 access);

/* Drop a server reference taken by create, open or get_by_handle. */
void secshm_section_put(struct secshm_section *sec);

u64 secshm_section_length(const struct secshm_section *sec);
u32 secshm_section_flags(const struct secshm_section *sec);

/*
 * Kernel view (P2): map the whole section into kernel virtual memory
 * (vmap of pinned pages); it never appears in any process. Nested calls
 * return the same address. Pair every map with an unmap. A kernel view of
 * a section clients can write is still untrusted: capture before use.
 */
void *secshm_kmap(struct secshm_section *sec);
void secshm_kunmap(struct secshm_section *sec);

/* Copy bytes out of (capture) or into a section, without a kernel view. */
int secshm_section_read(struct secshm_section *sec, u64 pos, void *dst,
			size_t len);
int secshm_section_write(struct secshm_section *sec, u64 pos,
			 const void *src, size_t len);

/*
 * A reference of a CALL after validation (R2): the handle's type, origin
 * and access for the direction, bounds and overflow are already checked,
 * or, for SECSHM_REF_USER_PTR, it is a caller address range. A driver that
 * makes one itself (over a section from secshm_section_get_by_handle(),
 * after checking the range) sets @call, so its captures are checked too.
 */
struct secshm_call_ref {
	u32 flags;			/* SECSHM_REF_* */
	u64 offset;
	u64 length;
	struct secshm_section *sec;	/* NULL for SECSHM_REF_USER_PTR */
	struct secshm_call *call;	/* the CALL it belongs to */
};

struct secshm_fetches;

/* A CALL as a handler sees it: input already copied, refs resolved. */
struct secshm_call {
	u32 opcode;
	u32 nrefs;
	const void *in;
	u32 in_len;
	void *out;			/* zeroed, out_max bytes */
	u32 out_max;
	u32 out_len;			/* set by the handler */
	struct secshm_call_ref refs[SECSHM_REFS_MAX];
	struct secshm_client *client;
	struct secshm_fetches *fetches;	/* the module's: captures made (check_fetch) */
};

/*
 * Capture @len bytes at @pos within the reference into private memory
 * (P6), or write them (needs SECSHM_REF_WRITE). Faults on a user pointer
 * give -EFAULT; @pos/@len outside the reference give -ERANGE. With the
 * module's check_fetch parameter set, a capture of shared bytes the same
 * CALL captured before (through any reference, the walker's included) is
 * a double fetch: -EIO, and the opcode is logged.
 */
int secshm_ref_capture(const struct secshm_call_ref *ref, u64 pos, void *dst,
		       size_t len);
int secshm_ref_copy_out(const struct secshm_call_ref *ref, u64 pos,
			const void *src, size_t len);

/*
 * Walk a structure of references in the caller's shared memory (R3), depth
 * first from @root (a resolved reference, e.g. &call->refs[0]). Every
 * further hop is resolved as a reference of the calling client (handle,
 * type, origin, READ access, overflow, bounds) and every node is captured
 * once before @visit sees the private copy. Errors: -ELOOP a node reached
 * twice, -E2BIG over max_depth, max_nodes or max_bytes, -EMSGSIZE a node
 * longer than max_node, -EINVAL limits out of range, or a reference's own
 * error. The same limits and errors as the daemon's secshm_walk.
 */
#define SECSHM_WALK_FANOUT	4	/* references one node may lead to */
#define SECSHM_WALK_NODES_MAX	65536
#define SECSHM_WALK_NODE_MAX	SZ_1M

struct secshm_walk {
	u32 max_depth;			/* hops below the root */
	u32 max_nodes;			/* nodes in all, root included */
	u64 max_bytes;			/* node bytes captured in all */
	u32 max_node;			/* bytes of one node */
	/*
	 * Called once per node with its private copy and its depth (root
	 * 0); writes the references the node holds to next[] and returns
	 * how many (<= SECSHM_WALK_FANOUT), or a negative errno.
	 */
	int (*visit)(void *ctx, const void *node, size_t len, u32 depth,
		     struct secshm_ref next[SECSHM_WALK_FANOUT]);
	void *ctx;
};

int secshm_walk(struct secshm_call *call, const struct secshm_call_ref *root,
		const struct secshm_walk *w);

/*
 * Give the calling client a handle with @access to @sec: every reference is
 * taken before the descriptor is installed. Returns the handle (an fd).
 * The caller keeps its own reference (P7).
 */
int secshm_handle_install(struct secshm_call *call, struct secshm_section *sec,
			  u32 access);

/* A CALL opcode (>= SECSHM_CALL_USER) served by another module. */
struct secshm_call_handler {
	u32 opcode;
	struct module *owner;
	int (*fn)(struct secshm_call *call);
	struct list_head node;
};

int secshm_register_call(struct secshm_call_handler *h);
void secshm_unregister_call(struct secshm_call_handler *h);

#endif /* _SECSHM_KAPI_H */
