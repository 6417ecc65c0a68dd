/* SPDX-License-Identifier: GPL-2.0 */
/*
 * secshm kernel API: what another driver uses to share memory with user
 * space through secshm.ko, the way the NT section protocol has a driver
 * create the section, keep its own reference, and validate what callers
 * pass in. The daemon's library has the same calls under the same names
 * (include/secshm-server.h; docs/layers.md lists the pairs).
 *
 * Every function returns 0 or a negative errno (or an ERR_PTR). A section
 * pointer returned by this API is a server reference (P7): it keeps the
 * section alive whatever clients do, until secshm_section_put().
 */
#ifndef _SECSHM_KAPI_H
#define _SECSHM_KAPI_H

#include <linux/list.h>
#include <linux/types.h>
#include <uapi/secshm.h>
#include "secshm-walk.h"

struct module;
struct secshm_section;
struct secshm_client;
struct secshm_fetch;
struct secshm_request;

/* ---- sections ---- */

/*
 * Create a section of @length bytes (rounded up to pages). @flags:
 * SECSHM_SECTION_SERVER_PRIVATE (only kernel references reach it, P1),
 * SECSHM_SECTION_TRUSTED_ONLY, SECSHM_SECTION_PINNED. A @name (NULL for
 * none) is linked into the namespace, the global one unless it says
 * "user/UID/" (N1: an unqualified name of the kernel's is global); a name
 * that exists gives -EEXIST, so a client that squats a name never has its
 * section adopted (P3). @sd is the descriptor for a shared named section,
 * its ids as the initial user namespace sees them; NULL means root 0600.
 */
struct secshm_section *secshm_section_create(const char *name, u64 length, u32 flags,
					     const struct secshm_sd *sd);

/*
 * Reference the named section a driver created (resolved as in
 * secshm_section_create): the open half of a create-or-open, after
 * secshm_section_create() said -EEXIST. A section a client created is
 * never adopted (P3): -EEXIST. No such name: -ENOENT; a bad name: -EINVAL
 * or -ENAMETOOLONG.
 */
struct secshm_section *secshm_section_open(const char *name);

/*
 * The checked flavour (H6; ObReferenceObjectByHandle from UserMode):
 * reference the section behind @handle, a value that came from @req's
 * client (in its input, say). The request runs in the client's thread, so
 * the value is looked up among current's descriptors and checked, in
 * order: a live descriptor (-EBADF), a secshm section handle
 * (-EMEDIUMTYPE), a handle of @req's client (-EBADF), carrying @access
 * (generic rights mapped; -EACCES; unknown bits -EINVAL; 0 for none).
 *
 * There is no trusted flavour taking a handle value: a driver's own
 * sections are its struct secshm_section pointers, from create or open.
 */
struct secshm_section *secshm_reference_by_handle(struct secshm_request *req, u32 handle,
						  u32 access);

/* Drop a server reference taken by create, open or reference_by_handle. */
void secshm_section_put(struct secshm_section *sec);

u64 secshm_section_length(const struct secshm_section *sec);
u32 secshm_section_flags(const struct secshm_section *sec);

/*
 * Give the client of @req a handle with @access to @sec, the driver
 * deciding (P3): no descriptor check, but trusted-only sections still need
 * a trusted client (P8), server-private ones are refused (P1), and a
 * read-only section gives no MAP_WRITE. Every reference is taken before
 * the descriptor is installed. Returns the handle (a descriptor). The
 * driver keeps its own reference (P7).
 */
int secshm_client_grant(struct secshm_request *req, struct secshm_section *sec, u32 access);

/*
 * Server view (P2): the whole section in kernel virtual memory (vmap of
 * pinned pages); it never appears in any process. Nested calls return the
 * same address. Pair every map with an unmap. A server view of a section
 * clients can write is still untrusted: capture before use.
 */
void *secshm_view_map(struct secshm_section *sec);
void secshm_view_unmap(struct secshm_section *sec);

/* Copy bytes out of (capture) or into a section, without a server view. */
int secshm_section_read(struct secshm_section *sec, u64 pos, void *dst, size_t len);
int secshm_section_write(struct secshm_section *sec, u64 pos, const void *src, size_t len);

/* ---- requests (R1, R2) ---- */

/*
 * A validated range (R2): the handle's type, origin and access for the
 * direction, bounds and overflow are already checked, or, for
 * SECSHM_REF_USER_PTR, it is a range of the caller's addresses. A driver
 * makes one over a section of its own with secshm_span_init().
 */
struct secshm_span {
	struct secshm_section *section;	/* NULL for SECSHM_REF_USER_PTR */
	u64 offset;			/* within the section */
	u64 length;
	u32 flags;			/* SECSHM_REF_READ / SECSHM_REF_WRITE allowed */
	struct secshm_request *req;	/* whose captures it counts (check_fetch) */
};

/*
 * [@offset, @offset + @length) of @sec, for @req, as a reference's range
 * is checked (-EINVAL empty, -EOVERFLOW, -ERANGE). The span borrows the
 * caller's reference to @sec.
 */
int secshm_span_init(struct secshm_span *span, struct secshm_request *req,
		     struct secshm_section *sec, u64 offset, u64 length, u32 flags);

/* What a handler sees: input copied in, references resolved. */
struct secshm_request {
	struct secshm_client *client;
	u32 opcode;
	const void *in;			/* private copy */
	u32 in_len;
	struct secshm_span refs[SECSHM_REFS_MAX];
	u32 nrefs;
	void *out;			/* private, zeroed, out_cap bytes */
	u32 out_cap;
	u32 out_len;			/* set by the handler */
	struct secshm_fetch *fetch;	/* the module's: captures made (check_fetch) */
};

/*
 * Capture @len bytes at @pos within the span into private memory (P6), or
 * write them (needs SECSHM_REF_WRITE). Faults on a user pointer give
 * -EFAULT; @pos/@len outside the span give -ERANGE. With the module's
 * check_fetch parameter set, a capture of shared bytes the same request
 * captured before (through any span, the walker's included) is a double
 * fetch: -EIO, and the opcode is logged.
 */
int secshm_capture(const struct secshm_span *span, u64 pos, void *dst, size_t len);
int secshm_copy_out(const struct secshm_span *span, u64 pos, const void *src, size_t len);

/*
 * Walk a structure of references in the caller's shared memory (R3), depth
 * first from @root (a resolved span, e.g. &req->refs[0]), as secshm-walk.h
 * describes: every further hop is resolved as a reference of @req's client.
 * A fatal signal ends it (-EINTR).
 */
int secshm_walk(struct secshm_request *req, const struct secshm_span *root,
		const struct secshm_walk *walk);

/*
 * A CALL opcode a driver serves, and its shape: the dispatcher refuses a
 * CALL with another number of references or input bytes (-EINVAL) before
 * the handler runs.
 */
struct secshm_opcode {
	u32 opcode;			/* SECSHM_CALL_USER .. SECSHM_CALL_MAX */
	u32 min_refs, max_refs;		/* max_refs <= SECSHM_REFS_MAX */
	u32 min_in, max_in;		/* input bytes; max_in <= SECSHM_INLINE_MAX */
	int (*handler)(struct secshm_request *req, void *data);
	void *data;
	struct module *owner;		/* held while the handler runs */
};

/* -EINVAL a bad opcode or shape, -EEXIST one registered already. */
int secshm_opcode_register(const struct secshm_opcode *op);
void secshm_opcode_unregister(const struct secshm_opcode *op);

#endif /* _SECSHM_KAPI_H */
