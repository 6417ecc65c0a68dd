/* SPDX-License-Identifier: MIT */
/*
 * The example privileged server's contract, shared by the user-space example
 * (examples/checksum-server.c), the kernel example driver (kmod/), the demo
 * client and the tests.
 *
 * The server creates two sections at start and keeps its own reference and
 * view of each:
 *   EXAMPLE_SHARED   EXAMPLE_SHARED_SIZE bytes, mode 0666: clients map it
 *                    and pass references into it
 *   EXAMPLE_PRIVATE  server-private (P1): no client may open or map it
 */
#ifndef SECSHM_EXAMPLE_H
#define SECSHM_EXAMPLE_H

#include <linux/types.h>

#define EXAMPLE_SHARED		"global/example/checksum"
#define EXAMPLE_SHARED_SIZE	(16ULL << 20)
#define EXAMPLE_PRIVATE		"global/example/private"
#define EXAMPLE_PRIVATE_SIZE	(1ULL << 20)

/* One READ reference, no input; output: __u64 FNV-1a 64 of the bytes. */
#define EXAMPLE_OP_CHECKSUM	0x1001

/*
 * One READ reference to a struct example_record; no input. The server
 * captures the header once, refuses len > reference length - header with
 * -EINVAL, and answers struct example_record_reply over data[0, len).
 */
#define EXAMPLE_OP_RECORD	0x1002

struct example_record {
	__u32 len;
	__u32 reserved;
	unsigned char data[];
};

struct example_record_reply {
	__u32 len;		/* the length the server validated and used */
	__u32 reserved;
	__u64 checksum;		/* FNV-1a 64 over data[0, len) */
};

/*
 * One READ reference to the first struct example_node (exactly one node
 * long); no input. The server walks the list with secshm_walk (at most
 * EXAMPLE_LIST_MAX nodes, each hop a full reference check) and answers
 * struct example_list_reply. A node's next hop is (next_handle, next_offset,
 * sizeof(struct example_node)); next_handle 0 ends the list. -ELOOP for a
 * cycle, -E2BIG for a list too long, a reference error for a bad hop.
 */
#define EXAMPLE_OP_LIST_SUM	0x1003
#define EXAMPLE_LIST_MAX	64

struct example_node {
	__u32 next_handle;
	__u32 reserved;
	__u64 next_offset;
	__u64 value;
};

struct example_list_reply {
	__u32 count;
	__u32 reserved;
	__u64 sum;
};

/*
 * No references; input struct example_handle_ref. The server references
 * the handle itself, as a value that came from this client (the checked
 * flavour, H6: a live handle of this client, a section, MAP_READ access;
 * a server handle, another client's or a closed one is -EBADF), checks the
 * range like a reference, and answers the __u64 FNV-1a 64 of it.
 */
#define EXAMPLE_OP_CHECKSUM_HANDLE	0x1004

struct example_handle_ref {
	__u32 handle;
	__u32 reserved;
	__u64 offset;
	__u64 length;
};

/*
 * No references; input: a section name (bytes, no NUL). The server creates
 * a section of that name for itself (a server handle: an unqualified name
 * is global), as a driver publishing a name would, then drops it again.
 * A name a client created first is never adopted (P3): -EEXIST. A name the
 * server already published answers SECSHM_EXISTED.
 */
#define EXAMPLE_OP_PUBLISH	0x1005
#define EXAMPLE_PUBLISH_SIZE	4096

#define EXAMPLE_FNV_OFFSET	0xcbf29ce484222325ULL
#define EXAMPLE_FNV_PRIME	0x100000001b3ULL

#endif /* SECSHM_EXAMPLE_H */
