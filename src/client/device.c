// SPDX-License-Identifier: MIT
/*
 * Device backend: the kernel module at /dev/secshm. Each request is the
 * opcode's ioctl on the connection's descriptor; a handle is itself a
 * descriptor, so MAP is mmap(2) on it and CLOSE is close(2).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "client.h"

static const unsigned long device_ioctl[] = {
	[SECSHM_OP_CREATE]	= SECSHM_IOC_CREATE,
	[SECSHM_OP_OPEN]	= SECSHM_IOC_OPEN,
	[SECSHM_OP_CLOSE]	= SECSHM_IOC_CLOSE,
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

static uint32_t *new_handle(enum secshm_op op, void *args)
{
	switch (op) {
	case SECSHM_OP_CREATE:
		return &((struct secshm_create_args *)args)->handle;
	case SECSHM_OP_OPEN:
		return &((struct secshm_open_args *)args)->handle;
	case SECSHM_OP_DUPLICATE:
		return &((struct secshm_dup_args *)args)->new_handle;
	default:
		return NULL;
	}
}

/*
 * The module installs a handle at the lowest free descriptor, which is 0
 * when stdin is closed; the ABI promises 0 is never a handle, so move it.
 */
static int avoid_handle_zero(uint32_t *handle)
{
	int cmd, fd, err;

	if (!handle || *handle != 0)
		return 0;
	cmd = fcntl(0, F_GETFD) & FD_CLOEXEC ? F_DUPFD_CLOEXEC : F_DUPFD;
	fd = fcntl(0, cmd, 1);
	err = fd < 0 ? -errno : 0;
	close(0);
	if (err)
		return err;
	*handle = (uint32_t)fd;
	return 0;
}

static int device_transact(struct secshm *s, enum secshm_op op, void *args, size_t size,
			   struct secshm__tail *tail)
{
	int ret, err;

	do
		ret = ioctl(s->fd, device_ioctl[op], args);
	while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	err = avoid_handle_zero(new_handle(op, args));
	return err ? err : ret;
}

static int device_map(struct secshm *s, const struct secshm_map_args *args,
		      struct secshm__view *view)
{
	int prot = PROT_READ | (args->prot & SECSHM_PROT_WRITE ? PROT_WRITE : 0);
	void *addr;

	if (args->handle > INT_MAX)
		return -EBADF;
	addr = mmap(NULL, args->length, prot, MAP_SHARED, (int)args->handle,
		    (off_t)args->offset);
	if (addr == MAP_FAILED)
		return -errno;
	*view = (struct secshm__view){ addr, args->length, SECSHM_HANDLE_NONE };
	return 0;
}

/*
 * close(2) cannot tell a handle from any other descriptor; at least a bad
 * value must not close the connection itself.
 */
static int device_close(struct secshm *s, uint32_t handle)
{
	if (handle == SECSHM_HANDLE_NONE || handle > INT_MAX || (int)handle == s->fd)
		return -EBADF;
	if (close((int)handle) < 0 && errno != EINTR)
		return -errno;
	return 0;
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
	.close = device_close,
};
