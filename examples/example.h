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

#define EXAMPLE_SHARED		"example/checksum"
#define EXAMPLE_SHARED_SIZE	(16ULL << 20)
#define EXAMPLE_PRIVATE		"example/private"
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

#define EXAMPLE_FNV_OFFSET	0xcbf29ce484222325ULL
#define EXAMPLE_FNV_PRIME	0x100000001b3ULL

#endif /* SECSHM_EXAMPLE_H */
