// SPDX-License-Identifier: GPL-2.0
/*
 * SECSHM_CALL_FLUSH (S1): write a referenced range of a section back to
 * its file. Memory sections have nothing to write; the call waits for the
 * disk in the caller's own thread, so no other client waits with it.
 */
#include "secshm_internal.h"

int secshm_call_flush(struct secshm_request *req, void *data)
{
	const struct secshm_span *span = &req->refs[0];

	if (!span->section)
		return -EINVAL;	/* a caller's own memory has no file */
	return secshm_section_flush(span->section, span->offset, span->length);
}
