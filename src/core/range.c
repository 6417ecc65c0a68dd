// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Ranges (R2, S3): a reference or a view is (offset, length) into a section
 * and is resolved only after its arithmetic is checked (the MapCallerPtr
 * step); a handler's access within a resolved reference likewise.
 */
#include "core.h"

int secshm_range_check(uint64_t off, uint64_t len, uint64_t size)
{
	if (!len)
		return -EINVAL;
	if (off + len < off)
		return -EOVERFLOW;
	return off + len > size ? -ERANGE : 0;
}

int secshm_view_check(uint64_t off, uint64_t len, uint64_t size, uint64_t page)
{
	if ((off | len) & (page - 1))
		return -EINVAL;
	return secshm_range_check(off, len, size);
}

int secshm_ref_flags(uint32_t flags, bool user_ptr_ok, uint32_t *need)
{
	if (flags & ~SECSHM_REF_MASK || !(flags & (SECSHM_REF_READ | SECSHM_REF_WRITE)))
		return -EINVAL;
	if ((flags & SECSHM_REF_USER_PTR) && !user_ptr_ok)
		return -EINVAL;
	*need = (flags & SECSHM_REF_READ ? SECSHM_ACCESS_MAP_READ : 0) |
		(flags & SECSHM_REF_WRITE ? SECSHM_ACCESS_MAP_WRITE : 0);
	return 0;
}

int secshm_span_check(uint32_t flags, uint64_t length, uint64_t pos, uint64_t len, uint32_t dir)
{
	if (!(flags & dir))
		return -EACCES;
	if (pos > length || len > length - pos)
		return -ERANGE;
	return 0;
}

int secshm_length_check(uint64_t length, uint64_t page, uint64_t max, uint64_t *rounded)
{
	if (!length)
		return -EINVAL;
	if (length > UINT64_MAX - (page - 1))
		return -EOVERFLOW;
	*rounded = (length + page - 1) & ~(page - 1);
	return *rounded > max ? -EOVERFLOW : 0;
}

int secshm_file_size_check(uint64_t length, uint64_t size, uint64_t page)
{
	uint64_t a = length / page + !!(length % page), b = size / page + !!(size % page);

	return a == b ? 0 : -ERANGE;
}
