// SPDX-License-Identifier: MIT
/* Handles: close and duplicate, whatever object they name. */
#include "client.h"

int secshm_close(struct secshm *s, uint32_t handle)
{
	return s->ops->close(s, handle);
}

int secshm_export(struct secshm *s, uint32_t handle, uint32_t access, struct secshm_token *token)
{
	struct secshm_dup_args a = { .size = sizeof(a), .flags = SECSHM_DUP_EXPORT,
				     .handle = handle, .access = access };
	int ret = secshm__duplicate(s, &a, NULL);

	if (ret < 0)
		return ret;
	*token = a.token;
	return ret;
}

int secshm_duplicate(struct secshm *s, uint32_t handle, uint32_t access, uint32_t *new_handle)
{
	struct secshm_dup_args a = { .size = sizeof(a), .handle = handle, .access = access };
	int ret;

	ret = secshm__duplicate(s, &a, NULL);
	if (ret < 0)
		return ret;
	*new_handle = a.new_handle;
	return ret;
}
