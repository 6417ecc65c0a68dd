/* SPDX-License-Identifier: MIT */
/*
 * The input format of fuzz/state.c, shared with its seed generator
 * (fuzz/tools/state-seeds.c).
 *
 * An input is a sequence of 16-byte operations; a trailing partial one is
 * ignored and at most FZ_OPS_MAX run. Fixed-size records keep a mutation
 * local: changing a byte changes one operation, never how the rest of the
 * input decodes. The target's custom mutator inserts, deletes, swaps and
 * copies whole records, so "hang up, then ring the doorbell" is one step
 * away from "ring the doorbell, then hang up".
 *
 * Every byte value decodes to something: kinds are taken modulo FZ_NKINDS,
 * selectors index power-of-two tables with a mask. An operation on a
 * connection slot that cannot do it moves to the next slot that can, or
 * does nothing.
 */
#ifndef FUZZ_STATE_H
#define FUZZ_STATE_H

#include <stdint.h>

#define FZ_SLOTS	4	/* client connections open at once */
#define FZ_OPS_MAX	64	/* operations run from one input */
#define FZ_UID		1000	/* FZ_CONNECT_AS_USER connects as this uid and gid */

enum fz_kind {
	FZ_CONNECT,		/* struct fz_connect */
	FZ_HANGUP,		/* struct fz_hangup: close the socket, keep doorbell and ring */
	FZ_KILL,		/* close everything the connection has, as a process death */
	FZ_DISPATCH,		/* struct fz_dispatch */
	FZ_RECV,		/* struct fz_recv */
	FZ_CREATE,		/* struct fz_create */
	FZ_OPEN,		/* struct fz_open */
	FZ_CLOSE,		/* struct fz_handle */
	FZ_QUERY,		/* struct fz_handle */
	FZ_DUPLICATE,		/* struct fz_dup */
	FZ_MAP,			/* struct fz_map */
	FZ_UNLINK,		/* struct fz_handle */
	FZ_LIST,		/* struct fz_list */
	FZ_CALL,		/* struct fz_call */
	FZ_RING,		/* struct fz_ring */
	FZ_RING_MAP,		/* struct fz_ring_map: MAP the ring section to use it */
	FZ_RING_SUBMIT,		/* struct fz_submit */
	FZ_RING_REAP,		/* struct fz_reap */
	FZ_RING_POKE,		/* struct fz_poke */
	FZ_DOORBELL,		/* struct fz_doorbell */
	FZ_DOORBELL_CLOSE,	/* close the doorbell descriptor */
	FZ_GARBAGE,		/* struct fz_garbage */
	FZ_TRUNCATE,		/* struct fz_truncate */
	FZ_REPEAT,		/* struct fz_repeat: the last message sent, again */
	FZ_NKINDS
};

struct fz_op {
	uint8_t kind;		/* enum fz_kind, modulo FZ_NKINDS */
	uint8_t conn;		/* FZ_CONN(slot, attach, mangle) */
	uint8_t arg[14];	/* one of the structs below */
};

/*
 * The connection byte: the slot, and for operations that send a request,
 * which descriptors go with it and how the message is damaged.
 */
#define FZ_CONN(slot, attach, mangle)	((slot) | (attach) << 2 | (mangle) << 5)
#define FZ_CONN_SLOT(b)			((b) & 3)
#define FZ_CONN_ATTACH(b)		(((b) >> 2) & 7)
#define FZ_CONN_MANGLE(b)		((b) >> 5)

enum fz_attach {
	FZ_ATTACH_NATURAL,	/* what the request should carry: a file-backed CREATE's file */
	FZ_ATTACH_NONE,		/* nothing, even where a file is expected */
	FZ_ATTACH_NULL,		/* the natural one and /dev/null */
	FZ_ATTACH_MEMFD,	/* a fresh memfd instead */
	FZ_ATTACH_DOORBELL,	/* this connection's doorbell, handed back */
	FZ_ATTACH_SOCKET,	/* another connection's socket (an in-flight socket) */
	FZ_ATTACH_SEVERAL,	/* the natural one (or /dev/null), a memfd and /dev/null */
	FZ_ATTACH_MANY,		/* more descriptors than the server takes */
};

enum fz_mangle {
	FZ_MANGLE_NONE,
	FZ_MANGLE_CUT,		/* the last byte not sent: -EBADMSG */
	FZ_MANGLE_SHORT,	/* only 12 bytes, half a header: -EBADMSG */
	FZ_MANGLE_SIZE,		/* the size field claims 8 more bytes: -EBADMSG */
	FZ_MANGLE_VERSION,	/* version 2: -EPROTO */
	FZ_MANGLE_STATUS,	/* status -1 in a request: -EINVAL */
	FZ_MANGLE_EXTEND,	/* argument struct 8 zero bytes longer: accepted */
	FZ_MANGLE_EXTEND_JUNK,	/* 8 non-zero bytes longer: -E2BIG */
};

/*
 * Handle selector (one byte): which handle value a request names.
 *   0x00-0xbf  one this connection was given, newest first (sel % count);
 *              with none yet, the value a fresh table gives first
 *   0xc0-0xcf  the newest of another connection's
 *   0xd0-0xdf  the raw value sel & 0xf
 *   0xe0-0xef  sel & 0xf with the server-handle bit
 *   0xf0-0xff  the newest handle forged: next generation, next slot, ...
 */
#define FZ_HANDLE_NEWEST	0x00
#define FZ_HANDLE_OTHER		0xc0
#define FZ_HANDLE_RAW		0xd0
#define FZ_HANDLE_SERVER	0xe0
#define FZ_HANDLE_FORGED	0xf0

struct fz_connect {
	uint8_t flags;		/* FZ_CONNECT_* */
};
#define FZ_CONNECT_AS_USER	0x01	/* as FZ_UID (when running as root) */

struct fz_hangup {
	uint8_t flags;		/* FZ_HANGUP_* */
};
#define FZ_HANGUP_SHUTDOWN	0x01	/* shutdown(SHUT_WR) instead: replies stay readable */

struct fz_dispatch {
	uint8_t rounds;		/* secshm_server_dispatch calls: (rounds & 3) + 1 */
	uint8_t read;		/* then read every reply on these slots (bit per slot) */
};

struct fz_recv {
	uint8_t max;		/* read up to (max & 7) + 1 replies */
};

/* CREATE. name, size, access, mode: indexes of the target's tables. */
struct fz_create {
	uint8_t flags;		/* FZ_CREATE_* */
	uint8_t name;		/* enum fz_name */
	uint8_t size;		/* enum fz_size */
	uint8_t access;		/* enum fz_access */
	uint8_t mode;		/* bits 0-2 mode, 3-4 owner, 5-6 group (enum fz_id) */
	uint8_t nace;		/* & 3: 0, 1, 2 or more than SECSHM_ACE_MAX entries */
	uint8_t ace;		/* bit i: entry i names a group; bits 2-5 access; 7 bad type */
	uint8_t file;		/* enum fz_file, for FZ_CREATE_FILE */
};
#define FZ_CREATE_NAMED		0x01
#define FZ_CREATE_PERMANENT	0x02
#define FZ_CREATE_NEW		0x04
#define FZ_CREATE_FILE		0x08
#define FZ_CREATE_TRUSTED	0x10
#define FZ_CREATE_PINNED	0x20
#define FZ_CREATE_BAD_FLAG	0x40
#define FZ_CREATE_SD_UNNAMED	0x80	/* a security descriptor without a name */

enum fz_name {
	FZ_NAME_A, FZ_NAME_B, FZ_NAME_C, FZ_NAME_SHARED, FZ_NAME_PRIVATE,
	FZ_NAME_GLOBAL, FZ_NAME_USER, FZ_NAME_ROOT, FZ_NAME_EMPTY, FZ_NAME_DOTDOT,
	FZ_NAME_UP, FZ_NAME_SLASHES, FZ_NAME_LEADING, FZ_NAME_CTRL, FZ_NAME_LONGEST,
	FZ_NAME_TOO_LONG, FZ_NNAMES
};

enum fz_size {
	FZ_SIZE_4K, FZ_SIZE_8K, FZ_SIZE_12K, FZ_SIZE_64K, FZ_SIZE_1, FZ_SIZE_4095,
	FZ_SIZE_4097, FZ_SIZE_ODD, FZ_SIZE_0, FZ_SIZE_1M, FZ_SIZE_4M, FZ_SIZE_8M,
	FZ_SIZE_1T, FZ_SIZE_MAX, FZ_SIZE_OVER_INT64, FZ_SIZE_256K, FZ_NSIZES
};

enum fz_access {
	FZ_ACC_ALL, FZ_ACC_READ, FZ_ACC_WRITE, FZ_ACC_QUERY, FZ_ACC_MAP_READ, FZ_ACC_MAP_RW,
	FZ_ACC_DUP_QUERY, FZ_ACC_DELETE, FZ_ACC_SPECIFIC, FZ_ACC_READ_DUP, FZ_ACC_NONE,
	FZ_ACC_UNKNOWN_BIT, FZ_ACC_EVERY_BIT, FZ_ACC_READ_DELETE, FZ_ACC_MAP_WRITE,
	FZ_ACC_ALL_DUP, FZ_NACCESS
};

enum fz_id { FZ_ID_CALLER, FZ_ID_ROOT, FZ_ID_USER, FZ_ID_OTHER, FZ_NIDS };

enum fz_file {
	FZ_FILE_TMPFILE,	/* O_TMPFILE of the section's size */
	FZ_FILE_MEMFD,		/* memfd of the section's size */
	FZ_FILE_SEALED,		/* memfd sealed against writes */
	FZ_FILE_FUTURE_SEALED,	/* memfd sealed against future writes */
	FZ_FILE_READONLY,	/* a temporary file opened read-only */
	FZ_FILE_MISMATCH,	/* two pages longer than the section */
	FZ_FILE_APPEND,		/* a temporary file opened O_APPEND */
	FZ_FILE_NOT_REGULAR,	/* the private directory */
	FZ_NFILES
};

struct fz_open {
	uint8_t flags;		/* FZ_OPEN_* */
	uint8_t name;		/* enum fz_name */
	uint8_t access;		/* enum fz_access */
	uint8_t token;		/* & 7: a token exported in this input, newest first; */
				/* 0x80 or none exported yet: a forged one */
};
#define FZ_OPEN_TOKEN		0x01
#define FZ_OPEN_RESERVED	0x02	/* reserved field not zero */
#define FZ_OPEN_BAD_FLAG	0x04
#define FZ_OPEN_BOTH		0x08	/* a name and a token */

/* CLOSE, QUERY, UNLINK. */
struct fz_handle {
	uint8_t handle;		/* handle selector */
	uint8_t flags;		/* FZ_HANDLE_RESERVED: QUERY's reserved field set */
};
#define FZ_HANDLE_RESERVED	0x01

struct fz_dup {
	uint8_t handle;		/* handle selector */
	uint8_t flags;		/* FZ_DUP_* */
	uint8_t access;		/* enum fz_access */
};
#define FZ_DUP_SAME		0x01
#define FZ_DUP_EXPORT		0x02
#define FZ_DUP_BAD_FLAG		0x04
#define FZ_DUP_RESERVED		0x08

struct fz_map {
	uint8_t handle;		/* handle selector */
	uint8_t prot;		/* & 7: the raw SECSHM_PROT_* bits, 4 unknown */
	uint8_t offset;		/* & 7: FZ_OFFSET_* */
	uint8_t length;		/* & 7: FZ_LENGTH_* */
	uint8_t fill;		/* enum fz_fill: what is written through the view */
};
#define FZ_OFFSET_0		0
#define FZ_OFFSET_4K		1
#define FZ_LENGTH_WHOLE		0	/* the section's length as the client learnt it */
#define FZ_LENGTH_4K		1

/*
 * Contents written through a writable view when it arrives: nested-reference
 * nodes for FZ_CALL_WALK (byte 0 the count, references from byte 8, each to
 * the mapped section's handle) or bytes.
 */
enum fz_fill {
	FZ_FILL_TOUCH,		/* a byte at each end */
	FZ_FILL_LIST,		/* a list of eight 64-byte nodes */
	FZ_FILL_CYCLE,		/* two nodes naming each other */
	FZ_FILL_TREE,		/* a root and four leaves */
	FZ_FILL_WIDE,		/* a root with more references than SECSHM_WALK_FANOUT */
	FZ_FILL_DEEP,		/* a list longer than the walk's depth limit */
	FZ_FILL_STALE,		/* references through forged handles */
	FZ_FILL_RANDOM,
	FZ_NFILLS
};

struct fz_list {
	uint8_t start;
	uint8_t max;
	uint8_t flags;		/* FZ_LIST_* */
};
#define FZ_LIST_BAD_FLAGS	0x01
#define FZ_LIST_ENTRIES		0x02	/* a user address, which the socket refuses */

/*
 * References of CALL and ring requests: reference i names handle selector
 * handle + i * step, with flags bits 2(i%3)..2(i%3)+1 (READ, WRITE), offset
 * and length from the tables (the offset moving on by i * 64 * (offset >> 3)).
 */
struct fz_ref {
	uint8_t handle;
	uint8_t step;
	uint8_t flags;		/* and FZ_REF_USER_PTR, FZ_REF_BAD_FLAG on the first */
	uint8_t offset;		/* & 7: enum fz_ref_offset; >> 3: stride */
	uint8_t length;		/* & 7: enum fz_ref_length */
};
#define FZ_REF_READ		0x01
#define FZ_REF_WRITE		0x02
#define FZ_REF_RW		0x03
#define FZ_REF_USER_PTR		0x40
#define FZ_REF_BAD_FLAG		0x80

enum fz_ref_offset { FZ_ROFF_0, FZ_ROFF_8, FZ_ROFF_64, FZ_ROFF_4K, FZ_ROFF_4000,
		     FZ_ROFF_8191, FZ_ROFF_WRAP, FZ_ROFF_1T };
enum fz_ref_length { FZ_RLEN_64, FZ_RLEN_8, FZ_RLEN_4K, FZ_RLEN_1, FZ_RLEN_8K,
		     FZ_RLEN_0, FZ_RLEN_96, FZ_RLEN_MAX };

struct fz_call {
	uint8_t opcode;		/* & 15: enum fz_call_op */
	uint8_t nrefs;		/* % (SECSHM_REFS_MAX + 2) */
	uint8_t in_len;		/* & 7: enum fz_in_len */
	uint8_t out_len;	/* & 7: enum fz_out_len */
	uint8_t in_seed;	/* input bytes; picks the client id for HANDLES */
	uint8_t flags;		/* FZ_CALL_* */
	struct fz_ref ref;
};
#define FZ_CALL_BAD_FLAGS	0x01
#define FZ_CALL_ADDRESSES	0x02	/* refs/in/out set: device-only fields */

enum fz_call_op {
	FZ_CALL_ECHO, FZ_CALL_CHECKSUM, FZ_CALL_WALK, FZ_CALL_STATS, FZ_CALL_FLUSH,
	FZ_CALL_CLIENTS, FZ_CALL_HANDLES, FZ_CALL_BUILTIN_0, FZ_CALL_BUILTIN_5,
	FZ_CALL_UNREGISTERED, FZ_CALL_MAX, FZ_CALL_PAST_MAX, FZ_CALL_USER_BASE,
	FZ_CALL_BELOW_USER, FZ_CALL_ECHO_AGAIN, FZ_CALL_WALK_AGAIN, FZ_NCALLS
};

enum fz_in_len { FZ_IN_0, FZ_IN_4, FZ_IN_12, FZ_IN_16, FZ_IN_56, FZ_IN_1000, FZ_IN_MAX,
		 FZ_IN_PAST_MAX };
enum fz_out_len { FZ_OUT_0, FZ_OUT_8, FZ_OUT_64, FZ_OUT_STATS, FZ_OUT_4K, FZ_OUT_MAX,
		  FZ_OUT_PAST_MAX, FZ_OUT_48 };

struct fz_ring {
	uint8_t entries;	/* & 7: 0 (the default), 1, 2, 8, 64, 4096, 3, 8192 */
	uint8_t flags;		/* FZ_RING_BAD_FLAGS */
};
#define FZ_RING_BAD_FLAGS	0x01

struct fz_ring_map {
	uint8_t flags;		/* FZ_RING_MAP_READONLY: a view the client cannot produce into */
};
#define FZ_RING_MAP_READONLY	0x01

struct fz_submit {
	uint8_t count;		/* (count & 15) + 1 requests, while the ring has room */
	uint8_t doorbell;	/* & 3: enum fz_ring_bell */
	uint8_t opcode;		/* & 15: enum fz_call_op */
	uint8_t nrefs;		/* & 3: 3 is more than an entry holds */
	uint8_t in_len;		/* & 63: past SECSHM_SQE_INLINE is too long */
	uint8_t flags;		/* FZ_SUBMIT_BAD_FLAGS */
	struct fz_ref ref;
};
#define FZ_SUBMIT_BAD_FLAGS	0x01

enum fz_ring_bell {
	FZ_BELL_IF_ASLEEP,	/* as the client library: when the server asked for it */
	FZ_BELL_ALWAYS,
	FZ_BELL_NEVER,
	FZ_BELL_TWICE,
};

struct fz_reap {
	uint8_t max;		/* (max & 15) + 1 completions */
	uint8_t flags;		/* FZ_REAP_NO_BELL: do not wake a server stalled on a full ring */
};
#define FZ_REAP_NO_BELL		0x01

/* Write a shared ring index or flag word, as a hostile client may. */
struct fz_poke {
	uint8_t field;		/* % 6: enum fz_ring_field */
	uint8_t flags;		/* FZ_POKE_ADD: add value to the field instead of storing it */
	uint8_t value[4];	/* little endian */
};
#define FZ_POKE_ADD		0x01

enum fz_ring_field { FZ_SQ_HEAD, FZ_SQ_FLAGS, FZ_SQ_TAIL, FZ_CQ_HEAD, FZ_CQ_FLAGS,
		     FZ_CQ_TAIL, FZ_NFIELDS };

struct fz_doorbell {
	uint8_t flags;		/* FZ_DOORBELL_VALUE: write value, not 1 */
	uint8_t value[8];
};
#define FZ_DOORBELL_VALUE	0x01

struct fz_garbage {
	uint8_t kind;		/* % FZ_NGARBAGE */
	uint8_t opcode;		/* for the kinds with a header */
	uint8_t length[2];	/* little endian */
	uint8_t seed[8];
};

enum fz_garbage_kind {
	FZ_GARBAGE_RANDOM,	/* length random bytes */
	FZ_GARBAGE_EMPTY,	/* a zero-length message: the server takes it as a hang-up */
	FZ_GARBAGE_HEADER,	/* a good header, random payload */
	FZ_GARBAGE_OVERSIZED,	/* longer than the server receives */
	FZ_GARBAGE_ARGS,	/* a good header, random argument struct of the right size */
	FZ_GARBAGE_ZERO_ARGS,	/* a good header, zero argument struct of the right size */
	FZ_NGARBAGE
};

struct fz_truncate {
	uint8_t file;		/* a file this input made, newest first */
	uint8_t size;		/* & 7: 0, 1, 4K, 4K + 1, 8K, 12K, 64K, 1M */
};

/*
 * A burst: the last message sent (on any connection) sent again on this
 * one, without descriptors. Enough large replies left unread fill the
 * server's socket and make it queue the rest.
 */
struct fz_repeat {
	uint8_t count;		/* (count & 31) + 1 times */
};

#endif /* FUZZ_STATE_H */
