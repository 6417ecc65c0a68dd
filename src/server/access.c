// SPDX-License-Identifier: MIT
/*
 * Safe access: the only code that reads or writes shared memory for the
 * server (P5, P6). Everything is copied once between the section and
 * private memory, after the range is checked against the span. Sections are
 * sealed memfds, so no client action can make these copies fault.
 */
#include <errno.h>
#include <string.h>
#include "internal.h"

static int span_check(const struct secshm_span *span, uint64_t off, size_t len,
		      uint32_t need)
{
	if (!(span->flags & need))
		return -EACCES;
	if (off > span->length || len > span->length - off)
		return -ERANGE;
	return 0;
}

int secshm_capture(const struct secshm_span *span, uint64_t off, void *dst, size_t len)
{
	int err = span_check(span, off, len, SECSHM_REF_READ);

	if (err)
		return err;
	memcpy(dst, span->base + off, len);
	return 0;
}

int secshm_copy_out(const struct secshm_span *span, uint64_t off, const void *src, size_t len)
{
	int err = span_check(span, off, len, SECSHM_REF_WRITE);

	if (err)
		return err;
	memcpy(span->base + off, src, len);
	return 0;
}
