// SPDX-License-Identifier: MIT
/*
 * Finding the privileged side and holding the connection to it.
 *
 * Disconnecting does not unmap: views the caller still has stay mapped in
 * the process (the kernel keeps their memory) until the caller munmap()s
 * them; the server drops its handles and view records for the connection.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "client.h"

#define SECSHM_ROOT_SOCKET	"/run/secshm/socket"
#define SECSHM_USER_SOCKET	"secshm.sock"

static bool is_char_device(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

static int connect_with(const struct secshm__ops *ops, const char *address,
			struct secshm **out)
{
	struct secshm *s;
	int fd;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	fd = ops->open(address);
	if (fd < 0) {
		free(s);
		return fd;
	}
	s->ops = ops;
	s->fd = fd;
	s->page_size = (size_t)sysconf(_SC_PAGESIZE);
	*out = s;
	return 0;
}

static int connect_address(const char *address, struct secshm **out)
{
	if (!*address)
		return -EINVAL;
	if (is_char_device(address))
		return connect_with(&secshm__device_ops, address, out);
	return connect_with(&secshm__socket_ops, address, out);
}

int secshm_default_address(char *buf, size_t len)
{
	const char *dir;
	int n;

	if (geteuid() == 0)
		n = snprintf(buf, len, "%s", SECSHM_ROOT_SOCKET);
	else {
		dir = secure_getenv("XDG_RUNTIME_DIR");
		if (!dir || !*dir)
			return -ENOENT;
		n = snprintf(buf, len, "%s/%s", dir, SECSHM_USER_SOCKET);
	}
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int secshm_connect(const char *address, struct secshm **out)
{
	char path[PATH_MAX];
	int err;

	if (address)
		return connect_address(address, out);
	address = secure_getenv("SECSHM_ADDRESS");
	if (address && *address)
		return connect_address(address, out);
	if (is_char_device(SECSHM_DEVICE_PATH))
		return connect_with(&secshm__device_ops, SECSHM_DEVICE_PATH, out);
	err = secshm_default_address(path, sizeof(path));
	if (err)
		return err;
	return connect_with(&secshm__socket_ops, path, out);
}

void secshm_disconnect(struct secshm *s)
{
	if (!s)
		return;
	close(s->fd);
	free(s->views);
	free(s->handles);
	free(s);
}

enum secshm_backend secshm_backend(const struct secshm *s)
{
	return s->ops->backend;
}
