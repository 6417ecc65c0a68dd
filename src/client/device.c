// SPDX-License-Identifier: MIT
/*
 * Device backend: the kernel module at /dev/secshm. Each request is the
 * opcode's ioctl on the connection's descriptor. A handle is itself a
 * descriptor (never 0): MAP is mmap(2) on it once the module has said it is
 * a section handle of this client, and CLOSE is close(2) of a descriptor
 * this connection received as a handle, and of nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "client.h"

static const unsigned long device_ioctl[] = {
	[SECSHM_OP_CREATE]	= SECSHM_IOC_CREATE,
	[SECSHM_OP_OPEN]	= SECSHM_IOC_OPEN,
	[SECSHM_OP_QUERY]	= SECSHM_IOC_QUERY,
	[SECSHM_OP_DUPLICATE]	= SECSHM_IOC_DUPLICATE,
	[SECSHM_OP_UNLINK]	= SECSHM_IOC_UNLINK,
	[SECSHM_OP_LIST]	= SECSHM_IOC_LIST,
	[SECSHM_OP_CALL]	= SECSHM_IOC_CALL,
};

static int device_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int device_ioctl_op(struct secshm *s, enum secshm_op op, void *args)
{
	int ret;

	do
		ret = ioctl(s->fd, device_ioctl[op], args);
	while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

/* Where the reply to op puts a new handle, or NULL if it gives none. */
static uint32_t *new_handle(enum secshm_op op, void *args)
{
	struct secshm_dup_args *dup = args;

	switch (op) {
	case SECSHM_OP_CREATE:
		return &((struct secshm_create_args *)args)->handle;
	case SECSHM_OP_OPEN:
		return &((struct secshm_open_args *)args)->handle;
	case SECSHM_OP_DUPLICATE:
		return dup->flags & SECSHM_DUP_EXPORT ? NULL : &dup->new_handle;
	default:
		return NULL;
	}
}

static size_t find_handle(const struct secshm *s, uint32_t handle)
{
	size_t i;

	for (i = 0; i < s->nhandles && s->handles[i] != handle; i++)
		;
	return i;
}

/* Room for one more handle before the request, so recording it cannot fail after. */
static int reserve_handle(struct secshm *s)
{
	uint32_t *handles;
	size_t cap;

	if (s->nhandles < s->handles_cap)
		return 0;
	cap = s->handles_cap ? 2 * s->handles_cap : 16;
	handles = reallocarray(s->handles, cap, sizeof(*handles));
	if (!handles)
		return -ENOMEM;
	s->handles = handles;
	s->handles_cap = cap;
	return 0;
}

static int device_transact(struct secshm *s, enum secshm_op op, void *args, size_t size,
			   struct secshm__tail *tail)
{
	uint32_t *handle = new_handle(op, args);
	int ret;

	if (handle && (ret = reserve_handle(s)))
		return ret;
	ret = device_ioctl_op(s, op, args);
	/* A number the caller close(2)d itself may come back as a new handle. */
	if (ret >= 0 && handle && find_handle(s, *handle) == s->nhandles)
		s->handles[s->nhandles++] = *handle;
	return ret;
}

/* mmap(2) would reach any descriptor's own driver: ask the module first. */
static int device_check_section(struct secshm *s, uint32_t handle)
{
	struct secshm_query_args q = { .size = sizeof(q), .handle = handle };
	int ret = device_ioctl_op(s, SECSHM_OP_QUERY, &q);

	return ret == -EACCES ? 0 : ret;	/* a section handle without QUERY */
}

static int device_map(struct secshm *s, const struct secshm_map_args *args,
		      struct secshm__view *view)
{
	int prot = PROT_READ | (args->prot & SECSHM_PROT_WRITE ? PROT_WRITE : 0);
	void *addr;
	int ret;

	if (args->handle == SECSHM_HANDLE_NONE || args->handle > INT_MAX)
		return -EBADF;
	ret = device_check_section(s, args->handle);
	if (ret < 0)
		return ret;
	addr = mmap(NULL, args->length, prot, MAP_SHARED, (int)args->handle,
		    (off_t)args->offset);
	if (addr == MAP_FAILED)
		return -errno;
	*view = (struct secshm__view){ addr, args->length, SECSHM_HANDLE_NONE };
	return 0;
}

/*
 * close(2) a handle this connection received, and nothing else: any other
 * value is -EBADF and stays open. The module confirms the number is still
 * this client's handle, since the caller may have close(2)d it itself and
 * the number may name another file by now.
 */
static int device_close(struct secshm *s, uint32_t handle)
{
	size_t i = find_handle(s, handle);
	int ret;

	if (i == s->nhandles)
		return -EBADF;
	ret = device_check_section(s, handle);
	if (ret == -ENOMEM)
		return ret;
	s->handles[i] = s->handles[--s->nhandles];
	if (ret < 0)
		return -EBADF;
	return close((int)handle) < 0 ? -errno : 0;
}

/* The module serves CALL by ioctl; it has no ring path. */
static int device_ring(struct secshm *s, struct secshm_ring_args *args, int *doorbell)
{
	return -EOPNOTSUPP;
}

const struct secshm__ops secshm__device_ops = {
	.backend = SECSHM_BACKEND_DEVICE,
	.open = device_open,
	.transact = device_transact,
	.map = device_map,
	.ring = device_ring,
	.close_view = device_close,
	.close = device_close,
};
