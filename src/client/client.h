/* SPDX-License-Identifier: MIT */
/*
 * libsecshm internals: the connection and the small interface each backend
 * (socket.c, device.c) implements. Nothing here is exported from the shared
 * library.
 */
#ifndef SECSHM_CLIENT_H
#define SECSHM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include "secshm.h"

#define SECSHM_HIDDEN	__attribute__((visibility("hidden")))

#define SECSHM__TAIL_IN_MAX	2	/* CALL: references, then input bytes */

/*
 * Bytes that follow the argument struct on the socket: CALL's references and
 * input in the request, CALL's output or LIST's entries in the reply. The
 * device takes them through user addresses in the struct instead.
 */
struct secshm__tail {
	const struct iovec *in;
	unsigned int nin;	/* <= SECSHM__TAIL_IN_MAX */
	bool send_fd;		/* socket: attach fd to the request (file-backed CREATE) */
	int fd;
	void *out;
	size_t out_cap;
	size_t out_len;		/* set by the socket: reply tail bytes received */
};

/* A view this connection mapped, so that unmap needs only the address. */
struct secshm__view {
	void *addr;
	size_t length;
	uint32_t handle;	/* socket: the view handle; device: SECSHM_HANDLE_NONE */
};

struct secshm__ops {
	enum secshm_backend backend;
	/* A connected descriptor for address, or -errno. */
	int (*open)(const char *address);
	/*
	 * One request: args is sent and, on success, overwritten by the reply's
	 * struct. Returns the status; tail may be NULL.
	 */
	int (*transact)(struct secshm *s, enum secshm_op op, void *args, size_t size,
			struct secshm__tail *tail);
	/* Map the view args describes (already checked locally) into *view. */
	int (*map)(struct secshm *s, const struct secshm_map_args *args,
		   struct secshm__view *view);
	int (*close)(struct secshm *s, uint32_t handle);
	/*
	 * Close a view handle without waiting for the answer (socket only): the
	 * server handles it before this connection's next request.
	 */
	int (*close_view)(struct secshm *s, uint32_t handle);
	/* RING: the section's layout in args, the server's doorbell in *doorbell. */
	int (*ring)(struct secshm *s, struct secshm_ring_args *args, int *doorbell);
};

struct secshm {
	const struct secshm__ops *ops;
	int fd;
	uint64_t cookie;	/* socket: last request's */
	uint32_t unread;	/* socket: replies to pipelined requests not yet read */
	size_t page_size;
	struct secshm__view *views;
	size_t nviews;
	size_t views_cap;
	/*
	 * Device: the handle descriptors this connection received (CREATE,
	 * OPEN, DUPLICATE, token OPEN), the only values secshm_close closes.
	 */
	uint32_t *handles;
	size_t nhandles;
	size_t handles_cap;
};

extern const struct secshm__ops secshm__socket_ops SECSHM_HIDDEN;
extern const struct secshm__ops secshm__device_ops SECSHM_HIDDEN;

/* Whether CALL and LIST pass their extra bytes by address (the device). */
static inline bool secshm__by_address(const struct secshm *s)
{
	return s->ops->backend == SECSHM_BACKEND_DEVICE;
}

static inline uint64_t secshm__addr(const void *p)
{
	return (uintptr_t)p;
}

#endif /* SECSHM_CLIENT_H */
