// SPDX-License-Identifier: MIT
/* Sections: create, open by name, query, unlink. */
#include <errno.h>
#include <string.h>
#include "client.h"

/* Names go by length; the server validates the characters. */
static int copy_name(char *dst, uint32_t *dst_len, const char *name)
{
	size_t len = strnlen(name, SECSHM_NAME_MAX + 1);

	if (!len)
		return -EINVAL;
	if (len > SECSHM_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(dst, name, len);
	*dst_len = (uint32_t)len;
	return 0;
}

static int create(struct secshm *s, const char *name, uint64_t size, uint32_t access,
		  uint32_t flags, const struct secshm_sd *sd, int file, uint32_t *handle)
{
	struct secshm_create_args a = {
		.size = sizeof(a),
		.flags = flags,
		.length = size,
		.access = access,
	};
	/* The socket carries the file as SCM_RIGHTS, the device by number. */
	struct secshm__tail tail = { .send_fd = true, .fd = file };
	bool by_socket = file >= 0 && !secshm__by_address(s);
	int ret;

	if (name) {
		ret = copy_name(a.name, &a.name_len, name);
		if (ret)
			return ret;
	}
	if (sd)
		a.sd = *sd;
	if (file >= 0 && !by_socket)
		a.fd = file;
	ret = secshm__create(s, &a, by_socket ? &tail : NULL);
	if (ret < 0)
		return ret;
	if (by_socket && tail.out_len)
		return -EPROTO;
	*handle = a.handle;
	return ret;
}

int secshm_create(struct secshm *s, const char *name, uint64_t size,
		  uint32_t access, uint32_t flags, const struct secshm_sd *sd,
		  uint32_t *handle)
{
	if (flags & SECSHM_CREATE_FILE)
		return -EINVAL;	/* secshm_create_file() */
	return create(s, name, size, access, flags, sd, -1, handle);
}

int secshm_create_file(struct secshm *s, const char *name, uint64_t size, int file,
		       uint32_t access, uint32_t flags, const struct secshm_sd *sd,
		       uint32_t *handle)
{
	if (file < 0)
		return -EBADF;
	return create(s, name, size, access, flags | SECSHM_CREATE_FILE, sd, file, handle);
}

int secshm_import(struct secshm *s, const struct secshm_token *token, uint32_t *handle)
{
	struct secshm_open_args a = { .size = sizeof(a), .flags = SECSHM_OPEN_TOKEN,
				      .token = *token };
	int ret = secshm__open(s, &a, NULL);

	if (ret < 0)
		return ret;
	*handle = a.handle;
	return ret;
}

int secshm_open(struct secshm *s, const char *name, uint32_t access, uint32_t *handle)
{
	struct secshm_open_args a = { .size = sizeof(a), .access = access };
	int ret;

	ret = copy_name(a.name, &a.name_len, name);
	if (ret)
		return ret;
	ret = secshm__open(s, &a, NULL);
	if (ret < 0)
		return ret;
	*handle = a.handle;
	return ret;
}

int secshm_query(struct secshm *s, uint32_t handle, struct secshm_section_info *info,
		 uint32_t *access)
{
	struct secshm_query_args a = { .size = sizeof(a), .handle = handle };
	int ret;

	ret = secshm__query(s, &a, NULL);
	if (ret < 0)
		return ret;
	*info = a.info;
	if (access)
		*access = a.access;
	return ret;
}

int secshm_unlink(struct secshm *s, uint32_t handle)
{
	struct secshm_handle_args a = { .size = sizeof(a), .handle = handle };

	return secshm__unlink(s, &a, NULL);
}
