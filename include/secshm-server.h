/* SPDX-License-Identifier: MIT */
/*
 * libsecshm-server: build a privileged secshm server the way a driver
 * writer uses the NT object and memory managers. The server owns sections,
 * keeps its own references and views, hands clients handles checked for
 * access, validates every handle and reference a client passes, and reaches
 * shared memory only through the capture helpers below.
 *
 * The server is single-threaded: every function here is called from the
 * thread that runs secshm_server_dispatch()/secshm_server_run(), including
 * from request handlers. Errors are negative errno (include/uapi/secshm.h).
 */
#ifndef SECSHM_SERVER_H
#define SECSHM_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "uapi/secshm.h"

#ifdef __cplusplus
extern "C" {
#endif

struct secshm_server;
struct secshm_client;
struct secshm_object;
struct secshm_view;

/* Object types a handle can name. */
enum secshm_type {
	SECSHM_TYPE_SECTION = SECSHM_OBJECT_SECTION,
	SECSHM_TYPE_VIEW = SECSHM_OBJECT_VIEW,
};

/*
 * Where a handle value came from (H6; NT's AccessMode). A value a client
 * sent is CHECKED: looked up in that client's table only, server handles
 * refused, type and access checked. A value the server holds is TRUSTED:
 * looked up in the server's table only. A handle is closed in the mode it
 * was opened in.
 */
enum secshm_mode {
	SECSHM_CHECKED = 1,
	SECSHM_TRUSTED = 2,
};

/*
 * Quotas (Q1, Q5; docs/quotas.md): per connection, per uid, server-wide.
 * Zero fields take the defaults in secshm_limits_default().
 */
struct secshm_limits {
	uint32_t client_handles;	/* handles one client may hold */
	uint32_t client_sections;	/* sections one client created and holds */
	uint64_t client_bytes;		/* bytes of those */
	uint32_t client_views;		/* views one client may register */
	uint32_t owner_sections;	/* permanent named sections per owner uid */
	uint64_t owner_bytes;		/* bytes of those */
	uint64_t client_pinned;		/* bytes of pinned sections one client created */
	uint32_t clients;		/* connected clients, server-wide */
	uint32_t sections;		/* sections, server-wide */
	uint64_t bytes;			/* section bytes, server-wide */
	uint64_t pinned;		/* pinned bytes, server-wide */
	uint32_t uid_clients;		/* connections of one uid */
	uint32_t uid_sections;		/* sections one uid created, while they live */
	uint64_t uid_bytes;		/* bytes of those */
	uint32_t uid_tokens;		/* transfer tokens one uid has exported */
	uint32_t uid_fds;		/* server descriptors spent on one uid */
	uint32_t fds;			/* server descriptors in all */
};

struct secshm_server_config {
	struct secshm_limits limits;
	/*
	 * Busy-poll a client's request ring this long after its last request
	 * before sleeping until its doorbell (0: sleep at once). Lowest latency
	 * for the price of a spinning core.
	 */
	uint32_t ring_poll_us;
	/* Trust list for SECSHM_SECTION_TRUSTED_ONLY sections (P8). */
	const uid_t *trusted_uids;
	size_t ntrusted_uids;
	const gid_t *trusted_gids;
	size_t ntrusted_gids;
	/*
	 * Who besides uid 0 and the server's own uid may create names in the
	 * global namespace (N1, docs/namespaces.md).
	 */
	const uid_t *global_uids;
	size_t nglobal_uids;
	const gid_t *global_gids;
	size_t nglobal_gids;
	/*
	 * Filesystems whose files may back sections, comma-separated as
	 * /proc/self/mountinfo names them (P9, docs/file-backing.md); NULL: ext2,
	 * ext3, ext4, xfs, btrfs, f2fs, tmpfs.
	 */
	const char *file_fs;
	/*
	 * Debugging (P6): fail a capture with -EIO, and say so on stderr, when a
	 * request's handler captures bytes it already captured.
	 */
	int check_fetch;
};

void secshm_limits_default(struct secshm_limits *limits);

/* A server with no listening socket yet. */
int secshm_server_new(const struct secshm_server_config *config, struct secshm_server **out);

/* Drop every client, handle, view and section, then free the server. */
void secshm_server_free(struct secshm_server *srv);

/*
 * Listen on an AF_UNIX SOCK_SEQPACKET socket at path (created mode 0666: the
 * access checks are secshm's, not the socket's). A stale socket file left by
 * a dead server is replaced; a live one gives -EADDRINUSE.
 */
int secshm_server_listen(struct secshm_server *srv, const char *path);

/* An epoll descriptor that is readable when secshm_server_dispatch has work. */
int secshm_server_fd(const struct secshm_server *srv);

/* Serve for up to timeout_ms (-1: until something happens); returns >= 0. */
int secshm_server_dispatch(struct secshm_server *srv, int timeout_ms);

/* Serve until secshm_server_stop() (callable from a handler or a signal handler). */
int secshm_server_run(struct secshm_server *srv);
void secshm_server_stop(struct secshm_server *srv);

/* Counters, as SECSHM_CALL_STATS reports them. */
void secshm_server_stats(struct secshm_server *srv, struct secshm_stats *stats);

/* ---- objects, handles, references (ObReferenceObjectByHandle) ---- */

/* Object attributes, as NT's OBJECT_ATTRIBUTES. */
#define SECSHM_OBJ_KERNEL_HANDLE	(1U << 0) /* the handle goes in the server's table */
#define SECSHM_OBJ_FORCE_ACCESS_CHECK	(1U << 1) /* check `client`'s credentials (H4) */
#define SECSHM_OBJ_SERVER_PRIVATE	(1U << 2) /* create: only server handles reach it (P1) */
#define SECSHM_OBJ_OPENIF_CLIENT	(1U << 3) /* open: accept a client-created section */

struct secshm_object_attr {
	const char *name;		/* NULL: unnamed */
	uint32_t attributes;		/* SECSHM_OBJ_* */
	/*
	 * The client the server acts for. Without KERNEL_HANDLE the handle goes
	 * in this client's table and its credentials are always checked; with
	 * KERNEL_HANDLE they are checked if FORCE_ACCESS_CHECK is set.
	 */
	struct secshm_client *client;
	const struct secshm_sd *sd;	/* create: security descriptor; NULL = 0600 */
};

/*
 * Create a section of size bytes, or open the named one if it exists
 * (returns SECSHM_EXISTED; with SECSHM_CREATE_NEW in flags, -EEXIST). flags:
 * SECSHM_CREATE_MASK; a permanent section holds a reference of its own until
 * its name is unlinked. A section created for a client is marked
 * client-created (P3); the server never opens or adopts one by name as its
 * own unless it passes SECSHM_OBJ_OPENIF_CLIENT.
 *
 * file is -1 for anonymous memory (a sealed memfd), or, with
 * SECSHM_CREATE_FILE, a regular file that the section covers whole: size
 * rounded up to the page must be the file's size rounded up
 * (ZwCreateSection's FileHandle; borrowed: the server opens the file again
 * for itself). Views hand out descriptors of the file itself, hence the
 * whole-file rule. The section is only as writable as the descriptor and
 * the file allow (P9, docs/file-backing.md): otherwise it is
 * SECSHM_SECTION_READONLY and asking for MAP_WRITE is -EACCES. Only files
 * on the allowed filesystems may back a section (-EOPNOTSUPP). Writes
 * reach the file's page cache at once; SECSHM_CALL_FLUSH or
 * secshm_section_flush() makes them durable.
 */
int secshm_section_create(struct secshm_server *srv, const struct secshm_object_attr *attr,
			  uint64_t size, uint32_t flags, uint32_t access, int file,
			  uint32_t *handle);


/* Open a named section; -ENOENT if there is none. */
int secshm_section_open(struct secshm_server *srv, const struct secshm_object_attr *attr,
			uint32_t access, uint32_t *handle);

/*
 * Reference the object behind a handle: live handle of this table, then
 * type, then access, then take a reference. CHECKED looks in client's table
 * and refuses server handles; TRUSTED looks in the server's table (client
 * must be NULL) and skips the access check, like KernelMode. Errors:
 * -EBADF, -EMEDIUMTYPE, -EACCES.
 */
int secshm_reference_by_handle(struct secshm_server *srv, struct secshm_client *client,
			       uint32_t handle, uint32_t access, enum secshm_type type,
			       enum secshm_mode mode, struct secshm_object **obj);

/* Take another reference / drop one (ObDereferenceObject). */
struct secshm_object *secshm_object_get(struct secshm_object *obj);
void secshm_object_put(struct secshm_object *obj);

/* Close a handle in the table its mode names (client NULL for TRUSTED). */
int secshm_handle_close(struct secshm_server *srv, struct secshm_client *client,
			uint32_t handle, enum secshm_mode mode);

/*
 * Give client a handle with access to a section the server references: the
 * server deciding a client's access itself (P3). No descriptor check, but
 * trusted-only sections still need a trusted client (P8) and server-private
 * sections are refused (P1).
 */
int secshm_client_grant(struct secshm_server *srv, struct secshm_client *client,
			struct secshm_object *section, uint32_t access, uint32_t *handle);

/* Section properties. */
uint64_t secshm_section_length(const struct secshm_object *section);
uint32_t secshm_section_flags(const struct secshm_object *section);

/* ---- server views (P2): mappings in the server's own address space ---- */

/* ZwMapViewOfSection into the server. prot: SECSHM_PROT_*. */
int secshm_view_map(struct secshm_object *section, uint64_t offset, uint64_t length,
		    uint32_t prot, struct secshm_view **view);
void secshm_view_unmap(struct secshm_view *view);

/* ---- shared memory, reached only through these (P5, P6) ---- */

/*
 * A validated range of a section as the server sees it: the section is
 * referenced, the range checked against it, and base is the server's own
 * mapping of it. Contents are the client's: read them with secshm_capture
 * (once, into private memory), write with secshm_copy_out.
 */
struct secshm_span {
	struct secshm_object *section;
	uint64_t offset;		/* within the section */
	uint64_t length;
	uint32_t flags;			/* SECSHM_REF_READ / SECSHM_REF_WRITE allowed */
	unsigned char *base;		/* server mapping of offset */
};

/* The span a server view covers (READ, and WRITE if mapped writable). */
void secshm_view_span(const struct secshm_view *view, struct secshm_span *span);

/* Copy len bytes at off within span into private dst: -ERANGE, -EACCES, -EFAULT. */
int secshm_capture(const struct secshm_span *span, uint64_t off, void *dst, size_t len);

/* Copy len private bytes to off within span (needs SECSHM_REF_WRITE). */
int secshm_copy_out(const struct secshm_span *span, uint64_t off, const void *src, size_t len);

/*
 * Write a file-backed span back to disk (msync MS_SYNC); 0 for memory. It
 * waits for the disk: call it from a thread of your own, not from a handler
 * (SECSHM_CALL_FLUSH runs it on a worker for the client that asks).
 */
int secshm_section_flush(const struct secshm_span *span);

/*
 * SIGBUS. Anyone who may write a section's file may truncate it, and a
 * copy touching a page past the new end faults. Copies from and to
 * file-backed sections therefore run under a guard: a SIGBUS handler that
 * secshm_server_new installs, once per process and for good, and that
 * turns a fault of such a copy into -EFAULT. Any other SIGBUS, including
 * one sent with kill, tgkill or sigqueue during a copy, goes to the
 * disposition the guard replaced as the kernel would have delivered it:
 * a handler with its own mask and flags, SIG_DFL's core dump, SIG_IGN for
 * a sent SIGBUS only (a fault cannot be ignored). Install your own SIGBUS
 * handler before secshm_server_new.
 *
 * A SIGBUS handler installed after secshm_server_new replaces the guard;
 * the server does not take the signal back. The first file-backed copy
 * after each secshm_server_dispatch (secshm_server_run calls it in its
 * loop) asks the kernel whether the guard is still installed (one
 * sigaction call), and while it is not, copies with process_vm_readv(2),
 * which fails without a signal but is slower (measured: 1.9 us for 64
 * bytes and 8.7 us for 64 KiB, against 10-16 ns and 1.5 us guarded).
 * Until that dispatch, a fault of the server's
 * reaches the newer handler: one that calls the handler it replaced, with
 * the same three arguments, for every SIGBUS that is not its own keeps the
 * server safe meanwhile. The thread that dispatches must not block SIGBUS:
 * the kernel kills a process that faults with SIGBUS blocked.
 */

/* ---- nested references (R3) ---- */

#define SECSHM_WALK_FANOUT	4	/* references one node may lead to */
#define SECSHM_WALK_NODES_MAX	65536
#define SECSHM_WALK_NODE_MAX	(1U << 20)

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

/*
 * Walk a structure of references in a client's shared memory, depth first
 * from root (a resolved reference, e.g. req->refs[0]). Every further hop is
 * resolved as a reference from client (handle, type, READ access, overflow,
 * bounds) and every node is captured once before visit sees it. Errors:
 * -ELOOP a node reached twice (a cycle or a shared node), -E2BIG over
 * max_depth, max_nodes or max_bytes, -EMSGSIZE a node longer than
 * max_node, -EINVAL limits out of range, or a reference's own error.
 */
int secshm_walk(struct secshm_client *client, const struct secshm_span *root,
		const struct secshm_walk *walk);

/* ---- requests (R1, R2) ---- */

/* What a handler sees: input captured, references resolved and checked. */
struct secshm_request {
	struct secshm_client *client;
	uint32_t opcode;
	const void *in;			/* private copy */
	size_t in_len;
	const struct secshm_span *refs;	/* resolved: handle, type, access, bounds */
	uint32_t nrefs;
	void *out;			/* private buffer of out_cap bytes */
	size_t out_cap;
	size_t out_len;			/* set by the handler */
};

typedef int (*secshm_handler_fn)(struct secshm_server *srv, struct secshm_request *req,
				 void *data);

/* The shape of a registered opcode; the dispatcher refuses anything else. */
struct secshm_opcode {
	uint32_t opcode;		/* SECSHM_CALL_USER .. SECSHM_CALL_MAX */
	uint32_t min_refs, max_refs;	/* max_refs <= SECSHM_REFS_MAX */
	uint32_t min_in, max_in;	/* input bytes; max_in <= SECSHM_INLINE_MAX */
	secshm_handler_fn handler;
	void *data;
};

int secshm_server_register(struct secshm_server *srv, const struct secshm_opcode *op);

/* Who a client is, from the kernel (SO_PEERCRED), never from its messages. */
uid_t secshm_client_uid(const struct secshm_client *client);
gid_t secshm_client_gid(const struct secshm_client *client);
pid_t secshm_client_pid(const struct secshm_client *client);

#ifdef __cplusplus
}
#endif
#endif /* SECSHM_SERVER_H */
