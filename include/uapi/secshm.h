/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * secshm ABI: the one contract between clients (libsecshm) and either
 * privileged side, the kernel module (/dev/secshm, ioctls) or a daemon built
 * on libsecshm-server (AF_UNIX SOCK_SEQPACKET).
 *
 * Every operation has one fixed-layout argument struct. On the device it is
 * the ioctl argument (_IOC_NR == opcode); on the socket a request is a
 * struct secshm_msg followed by the same struct (and, for CALL, the
 * references and input bytes inline), and the reply echoes the header with
 * the status and the struct with its out fields filled.
 *
 * Rules (Documentation/process/botching-up-ioctls.rst): fixed widths, explicit
 * padding, 64-bit alignment, a size field first in every struct, reserved
 * fields and unknown flags refused with -EINVAL, no pointers (user addresses
 * travel as __u64 and are used by the device only).
 */
#ifndef _UAPI_LINUX_SECSHM_H
#define _UAPI_LINUX_SECSHM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define SECSHM_ABI_VERSION	1
#define SECSHM_DEVICE_PATH	"/dev/secshm"

/*
 * Status codes. Every operation returns 0 or a positive informational code on
 * success and a negative errno on failure. The meanings below are the same on
 * both privileged sides; secshm_strerror() prints them.
 *
 *   -EBADF        invalid handle: not a live handle of this caller (random,
 *                 closed, stale, another client's, or a server handle)
 *   -EMEDIUMTYPE  object type mismatch: the handle names the wrong kind of
 *                 object (a view where a section is needed, ...)
 *   -EACCES       access denied: the handle lacks the access, or the
 *                 caller's credentials do not allow it, or the section is
 *                 server-private or trusted-only
 *   -EPERM        the caller may not ask for this (pinning, setting another
 *                 owner or a group it is not in)
 *   -ENOENT       no section of that name
 *   -EPERM        also: creating a name in the global namespace without the
 *                 privilege to, or in another uid's namespace (N1)
 *   -EEXIST       the name exists (SECSHM_CREATE_NEW, or the server will not
 *                 adopt a client-created name)
 *   -EINVAL       bad argument: reserved field not zero, unknown flag, bad
 *                 name character, zero length, unaligned view offset
 *   -ENAMETOOLONG name longer than SECSHM_NAME_MAX
 *   -ERANGE       a view or reference lies outside the section
 *   -EOVERFLOW    offset + length overflows
 *   -EBADMSG      malformed request: short, long, size field disagrees with
 *                 the message, or file descriptors attached where none are
 *                 expected (they are closed)
 *   -EPROTO       unsupported ABI version
 *   -EOPNOTSUPP   unknown opcode (the device answers unknown ioctls -ENOTTY),
 *                 or a file on a filesystem that may not back a section
 *                 (P9: FUSE, network filesystems, hugetlbfs, ...)
 *   -EAGAIN       the file could not be opened without blocking (a lease)
 *   -E2BIG        too many references or too many inline bytes
 *   -EDQUOT       a per-client, per-uid or per-owner quota is exhausted (Q1,
 *                 Q5), or this uid has as many connections as it may have
 *   -ENOSPC       the server's global cap is exhausted, its descriptor table
 *                 included (a server never answers -EMFILE or -ENFILE)
 *   -EFAULT       shared memory could not be accessed (truncated, unmapped)
 *   -ENOMEM       the server is out of memory
 *   -EIO          a server bug caught: a handler read the same shared bytes
 *                 twice in one request (P6; the module's check_fetch)
 *
 * mmap(2) of a device handle over a file refuses a writable view with the
 * kernel's own errno once the file forbids it (P9): -EACCES (append-only,
 * immutable), -ETXTBSY (swap file), -EPERM (write seal).
 */
#define SECSHM_EXISTED		1	/* CREATE opened an existing section */

/* Access rights carried by a handle (H1). */
#define SECSHM_ACCESS_QUERY	(1U << 0)	/* query size, name, owner */
#define SECSHM_ACCESS_MAP_READ	(1U << 1)	/* map read-only views, be read by reference */
#define SECSHM_ACCESS_MAP_WRITE	(1U << 2)	/* map writable views, be written by reference */
#define SECSHM_ACCESS_DUPLICATE	(1U << 3)	/* duplicate the handle (equal or less access) */
#define SECSHM_ACCESS_DELETE	(1U << 4)	/* unlink the section's name */
#define SECSHM_ACCESS_SPECIFIC	0x0000001fU	/* every specific right */

/* Generic rights: accepted in requests, mapped to specific rights. */
#define SECSHM_GENERIC_READ	(1U << 31)	/* QUERY | MAP_READ */
#define SECSHM_GENERIC_WRITE	(1U << 30)	/* QUERY | MAP_READ | MAP_WRITE */
#define SECSHM_GENERIC_ALL	(1U << 29)	/* every specific right */
#define SECSHM_GENERIC_MASK	0xe0000000U

#define SECSHM_GENERIC_READ_MAP	 (SECSHM_ACCESS_QUERY | SECSHM_ACCESS_MAP_READ)
#define SECSHM_GENERIC_WRITE_MAP (SECSHM_GENERIC_READ_MAP | SECSHM_ACCESS_MAP_WRITE)
#define SECSHM_GENERIC_ALL_MAP	 SECSHM_ACCESS_SPECIFIC

/*
 * Handle values. 0 is never a handle. On the socket a client handle encodes
 * a table index and a generation; the top bit marks the server's own handles
 * and is refused from clients. On the device a handle is a file descriptor.
 */
#define SECSHM_HANDLE_NONE	0U
#define SECSHM_HANDLE_SERVER	(1U << 31)

/* Section flags: given at create, reported by query. */
#define SECSHM_SECTION_TRUSTED_ONLY	(1U << 0)  /* only trusted clients may open (P8) */
#define SECSHM_SECTION_PINNED		(1U << 1)  /* pages locked in memory (Q3): */
						   /* trusted or root callers only */
#define SECSHM_SECTION_CREATE_MASK	0x00000003U
/* Reported only, never accepted. */
#define SECSHM_SECTION_PERMANENT	(1U << 8)  /* the name outlives its handles */
#define SECSHM_SECTION_CLIENT_CREATED	(1U << 9)  /* a client created it (P3) */
#define SECSHM_SECTION_SERVER_PRIVATE	(1U << 10) /* only server handles reach it (P1) */
#define SECSHM_SECTION_FILE		(1U << 11) /* backed by a file on disk */
#define SECSHM_SECTION_UNLINKED		(1U << 12) /* its name was removed */
#define SECSHM_SECTION_READONLY		(1U << 13) /* no handle may ever map it */
						   /* writable (P9: the file says so) */

/* CREATE disposition flags. */
#define SECSHM_CREATE_NEW	(1U << 16) /* fail with -EEXIST if the name exists */
#define SECSHM_CREATE_PERMANENT	(1U << 17) /* keep a named section until unlinked */
/*
 * Back the section with a regular file the caller opened itself (so the
 * server never opens a path for a client): on the socket the descriptor
 * travels as SCM_RIGHTS with the request, on the device it is
 * create_args.fd. The section covers the whole file: length rounded up to
 * the page equals the file's size rounded up (a view is a descriptor of the
 * file itself, so a shorter section would give away the rest).
 *
 * The file is only as writable as a shared mapping of that descriptor by
 * its caller could be (P9): a descriptor open read-only, a write or
 * future-write seal, an append-only or immutable inode or a swap file make
 * the section SECSHM_SECTION_READONLY, and asking for MAP_WRITE on it is
 * -EACCES. Only files on filesystems that cannot stall the server may back
 * a section (docs/file-backing.md); others are -EOPNOTSUPP.
 */
#define SECSHM_CREATE_FILE	(1U << 18)
#define SECSHM_CREATE_MASK	(SECSHM_SECTION_CREATE_MASK | SECSHM_CREATE_NEW | \
				 SECSHM_CREATE_PERMANENT | SECSHM_CREATE_FILE)

#define SECSHM_NAME_MAX		255	/* bytes, without a terminator */

/*
 * Names: 1..SECSHM_NAME_MAX bytes of [A-Za-z0-9._-] in components separated
 * by single '/'; no leading or trailing '/', no "." or ".." component.
 *
 * Namespaces (N1, docs/namespaces.md): "global/NAME" is the global
 * namespace, where only privileged callers create; "user/UID/NAME" is the
 * namespace of one uid, where only that uid creates. Anything else is
 * unqualified: a client creates it in its own namespace and opens it from
 * its own namespace, else from the global one; the server itself (a server
 * handle, a kernel driver) resolves it in the global namespace. QUERY and
 * LIST report the qualified name, which is at most SECSHM_NAME_MAX bytes.
 */
#define SECSHM_NS_GLOBAL	"global/"
#define SECSHM_NS_USER		"user/"


/* Security descriptor of a named section (H3). */
#define SECSHM_ID_CALLER	0xffffffffU	/* owner/group: the creator's */
#define SECSHM_ACE_USER		1
#define SECSHM_ACE_GROUP	2
#define SECSHM_ACE_MAX		8

struct secshm_ace {
	__u32 type;		/* SECSHM_ACE_USER or SECSHM_ACE_GROUP */
	__u32 id;		/* uid or gid */
	__u32 access;		/* rights granted (generic rights allowed) */
	__u32 reserved;		/* must be 0 */
};

/*
 * Mode bits as for files, read and write only (0666 at most): r grants
 * QUERY | MAP_READ | DUPLICATE, w grants MAP_WRITE. The owner also holds
 * QUERY | DUPLICATE | DELETE. Granted rights are the union of every class and
 * entry that matches the caller. A caller with uid 0 (for the module:
 * CAP_DAC_OVERRIDE) holds every right, as root does over files; server-
 * private and trusted-only sections still refuse it. An all-zero descriptor
 * means owner read and write (0600).
 */
struct secshm_sd {
	__u32 owner;		/* uid, or SECSHM_ID_CALLER */
	__u32 group;		/* gid, or SECSHM_ID_CALLER */
	__u32 mode;		/* e.g. 0640 */
	__u32 nace;		/* entries used in ace[] */
	struct secshm_ace ace[SECSHM_ACE_MAX];
};

/* What QUERY and LIST report about a section. */
struct secshm_section_info {
	__u64 id;		/* unique for the server's lifetime */
	__u64 length;		/* bytes, a multiple of the page size */
	__u32 flags;		/* SECSHM_SECTION_* */
	__u32 owner;
	__u32 group;
	__u32 mode;
	__u32 handles;		/* client handles open on it */
	__u32 views;		/* client views registered on it */
	__u32 server_refs;	/* references the server holds itself (P7) */
	__u32 name_len;		/* 0 for an unnamed section */
	char name[SECSHM_NAME_MAX + 1];
};

/* A reference into a section the caller holds a handle to (R2). */
#define SECSHM_REF_READ		(1U << 0)	/* the server reads it: needs MAP_READ */
#define SECSHM_REF_WRITE	(1U << 1)	/* the server writes it: needs MAP_WRITE */
#define SECSHM_REF_USER_PTR	(1U << 2)	/* device only: offset is a caller address */
#define SECSHM_REF_MASK		0x00000007U
#define SECSHM_REFS_MAX		16

struct secshm_ref {
	__u32 handle;
	__u32 flags;		/* SECSHM_REF_*; READ and/or WRITE required */
	__u64 offset;
	__u64 length;
};

/* Opcodes: _IOC_NR of the ioctl, secshm_msg.opcode on the socket. */
enum secshm_op {
	SECSHM_OP_CREATE	= 1,
	SECSHM_OP_OPEN		= 2,
	SECSHM_OP_CLOSE		= 3,	/* socket only: a device handle is close(2)d */
	SECSHM_OP_QUERY		= 4,
	SECSHM_OP_DUPLICATE	= 5,
	SECSHM_OP_MAP		= 6,	/* socket only: the device's handle is mmap()ed */
	SECSHM_OP_UNLINK	= 7,
	SECSHM_OP_LIST		= 8,
	SECSHM_OP_CALL		= 9,
	SECSHM_OP_RING		= 10,	/* socket only */
	SECSHM_OP_MAX_BUILTIN	= 10,
};

/* Server-registered opcodes carried by CALL start here; below are built-in calls. */
#define SECSHM_CALL_USER	0x1000U
#define SECSHM_CALL_STATS	0x0001U	/* out: secshm_stats; root or the server's uid */
#define SECSHM_CALL_FLUSH	0x0002U	/* one WRITE reference: write it back to its file */
#define SECSHM_CALL_CLIENTS	0x0003U	/* in: __u32 start; out: secshm_client_info[]; admin */
#define SECSHM_CALL_HANDLES	0x0004U	/* in: __u64 client id, __u32 start; out: */
					/* secshm_handle_info[]; admin */
#define SECSHM_CALL_MAX		0xffffU
#define SECSHM_INLINE_MAX	16384	/* input or output bytes of one CALL */

struct secshm_create_args {
	__u32 size;		/* sizeof(struct secshm_create_args) */
	__u32 flags;		/* SECSHM_CREATE_* | SECSHM_SECTION_CREATE_MASK */
	__u64 length;		/* bytes; rounded up to the page size */
	__u32 access;		/* rights wanted on the returned handle */
	__u32 handle;		/* out */
	__u32 name_len;		/* 0: unnamed */
	__s32 fd;		/* device, SECSHM_CREATE_FILE: the file; else 0 */
	struct secshm_sd sd;	/* for a new named section; zero if unnamed */
	char name[SECSHM_NAME_MAX + 1];
};

/*
 * A one-use transfer token (H7): DUPLICATE with SECSHM_DUP_EXPORT makes one
 * instead of a handle; any client that is given it opens the section with
 * OPEN and SECSHM_OPEN_TOKEN, getting exactly the exported access. A token
 * dies when redeemed or when its exporter disconnects.
 */
struct secshm_token {
	__u64 value[2];
};

#define SECSHM_OPEN_TOKEN	(1U << 0)	/* open by token, name_len 0 */
struct secshm_open_args {
	__u32 size;
	__u32 flags;		/* SECSHM_OPEN_* */
	__u32 access;		/* rights wanted; with a token: 0 */
	__u32 handle;		/* out */
	__u32 name_len;
	__u32 reserved;
	char name[SECSHM_NAME_MAX + 1];
	struct secshm_token token;
};

/*
 * CLOSE (socket) and UNLINK (UNLINK needs DELETE access; the handle stays
 * open). On the device a handle is closed with close(2).
 */
struct secshm_handle_args {
	__u32 size;
	__u32 handle;
};

struct secshm_query_args {
	__u32 size;
	__u32 handle;		/* needs QUERY access */
	__u32 access;		/* out: rights this handle carries */
	__u32 reserved;
	struct secshm_section_info info;	/* out */
};

#define SECSHM_DUP_SAME_ACCESS	(1U << 0)
#define SECSHM_DUP_EXPORT	(1U << 1)	/* make a transfer token, not a handle */
struct secshm_dup_args {
	__u32 size;
	__u32 flags;		/* SECSHM_DUP_* */
	__u32 handle;		/* needs DUPLICATE access */
	__u32 access;		/* must be a subset of the handle's */
	__u32 new_handle;	/* out, unless EXPORT */
	__u32 reserved;
	struct secshm_token token;	/* out, with EXPORT */
};

/*
 * MAP (socket only): the server checks the handle, access for prot, page
 * alignment and bounds, counts the view against the quota, and answers with a
 * view handle and, as SCM_RIGHTS, a descriptor opened read-only or read-write
 * to match. The client mmap()s it itself (P4) and closes the view handle
 * when it unmaps.
 */
#define SECSHM_PROT_READ	(1U << 0)
#define SECSHM_PROT_WRITE	(1U << 1)
#define SECSHM_PROT_MASK	0x00000003U
struct secshm_map_args {
	__u32 size;
	__u32 handle;		/* section handle */
	__u32 prot;		/* SECSHM_PROT_* */
	__u32 view;		/* out: view handle */
	__u64 offset;		/* page aligned */
	__u64 length;		/* page aligned, > 0 */
};

/*
 * LIST: named sections the caller may query, in a stable order; entries
 * follow the struct. Page through them with start. One socket reply carries
 * at most SECSHM_LIST_MAX entries.
 */
#define SECSHM_LIST_MAX		128
struct secshm_list_args {
	__u32 size;
	__u32 flags;		/* must be 0 */
	__u32 start;		/* skip this many entries */
	__u32 max;		/* entries the caller has room for */
	__u32 count;		/* out: entries returned */
	__u32 total;		/* out: entries there are */
	__u64 entries;		/* device: user address of max secshm_section_info */
};

/*
 * CALL: a server-registered request (the DeviceIoControl analog, R1).
 * On the socket, nrefs secshm_ref and in_len input bytes follow the struct
 * inline, and the reply carries out_len output bytes after it; refs, in and
 * out must be 0. On the device they are user addresses.
 */
struct secshm_call_args {
	__u32 size;
	__u32 opcode;		/* >= SECSHM_CALL_USER */
	__u32 flags;		/* must be 0 */
	__u32 nrefs;		/* <= SECSHM_REFS_MAX */
	__u32 in_len;		/* <= SECSHM_INLINE_MAX */
	__u32 out_len;		/* capacity in, bytes produced out */
	__u64 refs;
	__u64 in;
	__u64 out;
};

/*
 * Socket framing: one SOCK_SEQPACKET message per request and per reply.
 * In a request, status and flags must be 0.
 */
struct secshm_msg {
	__u32 size;		/* whole message in bytes */
	__u16 version;		/* SECSHM_ABI_VERSION */
	__u16 opcode;		/* enum secshm_op */
	__s32 status;		/* reply: 0, positive info, or -errno */
	__u32 flags;		/* must be 0 */
	__u64 cookie;		/* chosen by the client, echoed */
};

#define SECSHM_MSG_MAX	(sizeof(struct secshm_msg) + sizeof(struct secshm_call_args) + \
			 SECSHM_REFS_MAX * sizeof(struct secshm_ref) + SECSHM_INLINE_MAX)

/*
 * Rings. A ring is single-producer single-consumer in shared memory: a
 * control block whose first line only the consumer writes and whose second
 * line only the producer writes, and a power-of-two array of fixed-size
 * entries. Each side keeps its own indices privately, reads the peer's once
 * per batch, clamps what it implies to the ring size and masks every index
 * with its own copy of the size: a lying peer only hurts its own traffic.
 * A consumer about to sleep sets SECSHM_RING_NEED_WAKEUP; a producer that
 * sees it after publishing rings the consumer's doorbell. The flag has a
 * cache line of its own: the producer reads it after every publish, and it
 * changes only when the consumer sleeps or wakes.
 */
#define SECSHM_RING_NEED_WAKEUP	(1U << 0)

struct secshm_ring_ctl {
	__u32 head;		/* consumer: entries consumed */
	__u32 consumer_pad[15];
	__u32 consumer_flags;	/* consumer: SECSHM_RING_NEED_WAKEUP */
	__u32 flags_pad[15];
	__u32 tail;		/* producer: entries published */
	__u32 producer_pad[15];
};

/*
 * The fast request path: a request ring (client produces struct secshm_sqe)
 * and a completion ring (server produces struct secshm_cqe) in a section the
 * server creates for one client. A request goes through exactly the checks
 * of CALL: registered opcode and shape, every reference resolved.
 */
#define SECSHM_SQE_REFS		2
#define SECSHM_SQE_INLINE	56
#define SECSHM_CQE_INLINE	48
#define SECSHM_RING_MAX		4096

struct secshm_sqe {
	__u64 user_data;	/* echoed in the completion */
	__u32 opcode;		/* as CALL's */
	__u32 flags;		/* must be 0 */
	__u32 nrefs;		/* <= SECSHM_SQE_REFS */
	__u32 in_len;		/* <= SECSHM_SQE_INLINE */
	struct secshm_ref refs[SECSHM_SQE_REFS];
	__u8 in[SECSHM_SQE_INLINE];
};

struct secshm_cqe {
	__u64 user_data;
	__s32 status;		/* as CALL's */
	__u32 out_len;		/* <= SECSHM_CQE_INLINE */
	__u8 out[SECSHM_CQE_INLINE];
};

/*
 * RING: the server creates the ring section and answers with a handle to
 * it (MAP_READ | MAP_WRITE), its layout, and, as SCM_RIGHTS, the write end
 * of a pipe, non-blocking, that is the server's doorbell: the client writes
 * 8 bytes (any) to ring it. The server keeps only the read end, so nothing
 * the client does to its end reaches the server's. One per connection; it
 * lives until the connection closes; closing every copy of the write end
 * silences the doorbell for good.
 */
struct secshm_ring_args {
	__u32 size;
	__u32 flags;		/* must be 0 */
	__u32 entries;		/* in: 0 (256) or a power of two <= SECSHM_RING_MAX; out: used */
	__u32 handle;		/* out */
	__u64 length;		/* out: bytes of the section */
	__u32 sq_ctl, cq_ctl;	/* out: offsets of the control blocks */
	__u32 sqes, cqes;	/* out: offsets of the entry arrays */
};

/* Output of SECSHM_CALL_STATS: what tests compare against a baseline (S4, Q2). */
struct secshm_stats {
	__u32 size;
	__u32 clients;
	__u32 objects;		/* every live object: sections and views */
	__u32 sections;
	__u32 views;		/* client views registered */
	__u32 handles;		/* client and server handles */
	__u32 fds;		/* descriptors the server process holds */
	__u32 reserved;
	__u64 bytes;		/* bytes of all live sections */
	__u64 pinned;		/* bytes of those locked in memory (Q3) */
};

/* Observability (Q4): who is connected and what each holds. */
struct secshm_client_info {
	__u64 id;
	__u32 pid, uid, gid;
	__u32 handles;
	__u32 views;
	__u32 sections;		/* sections it created and is charged for */
	__u64 bytes;		/* bytes of those */
};

#define SECSHM_OBJECT_SECTION	1
#define SECSHM_OBJECT_VIEW	2

struct secshm_handle_info {
	__u32 handle;
	__u32 type;		/* SECSHM_OBJECT_* */
	__u32 access;
	__u32 reserved;
	__u64 object;		/* the section's or view's id */
	__u64 offset, length;	/* views: the range */
};

/*
 * The device's ioctls: _IOC_NR is the opcode. CLOSE and MAP have none and
 * RING is not served (-ENOTTY): a device handle is closed with close(2)
 * and mapped with mmap(2). (A CLOSE ioctl once checked the descriptor and
 * then closed the number, which a dup2() in another thread could have
 * made another file meanwhile.)
 */
#define SECSHM_IOC_MAGIC	0xCE
#define SECSHM_IOC_CREATE	_IOWR(SECSHM_IOC_MAGIC, SECSHM_OP_CREATE, struct secshm_create_args)
#define SECSHM_IOC_OPEN		_IOWR(SECSHM_IOC_MAGIC, SECSHM_OP_OPEN, struct secshm_open_args)
#define SECSHM_IOC_QUERY	_IOWR(SECSHM_IOC_MAGIC, SECSHM_OP_QUERY, struct secshm_query_args)
#define SECSHM_IOC_DUPLICATE	_IOWR(SECSHM_IOC_MAGIC, SECSHM_OP_DUPLICATE, struct secshm_dup_args)
#define SECSHM_IOC_UNLINK	_IOW(SECSHM_IOC_MAGIC, SECSHM_OP_UNLINK, struct secshm_handle_args)
#define SECSHM_IOC_LIST		_IOWR(SECSHM_IOC_MAGIC, SECSHM_OP_LIST, struct secshm_list_args)
#define SECSHM_IOC_CALL		_IOWR(SECSHM_IOC_MAGIC, SECSHM_OP_CALL, struct secshm_call_args)
#define SECSHM_IOC_RING		_IOWR(SECSHM_IOC_MAGIC, SECSHM_OP_RING, struct secshm_ring_args)

#endif /* _UAPI_LINUX_SECSHM_H */
