// SPDX-License-Identifier: GPL-2.0
/*
 * A request's references (R2): each is resolved once (the MapCallerPtr
 * step: handle, type, origin, access for the direction, overflow, bounds)
 * into a span, and its bytes are reached only by capturing them into
 * private memory or copying private bytes out (P6), the range checked
 * every time. With check_fetch, every capture is entered in the request's
 * ledger (core/fetch.c) and a second capture of the same bytes fails.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/uaccess.h>

#include "secshm_internal.h"

/* A range of the caller's own addresses (the device's alone). */
static int secshm_span_user(const struct secshm_ref *ref)
{
	if (ref->handle)
		return -EINVAL;
	return secshm_range_check(ref->offset, ref->length, U64_MAX) ?:
	       (access_ok(u64_to_user_ptr(ref->offset), ref->length) ? 0 : -EFAULT);
}

int secshm_span_resolve(struct secshm_request *req, const struct secshm_ref *ref,
			struct secshm_span *span)
{
	struct secshm_handle *h;
	u32 need;
	int ret = secshm_ref_flags(ref->flags, true, &need);

	if (ret)
		return ret;
	*span = (struct secshm_span){ .offset = ref->offset, .length = ref->length,
				      .flags = ref->flags, .req = req };
	if (ref->flags & SECSHM_REF_USER_PTR)
		return secshm_span_user(ref);
	h = secshm_handle_lookup(ref->handle, req->client, need);
	if (IS_ERR(h))
		return PTR_ERR(h);
	ret = secshm_range_check(ref->offset, ref->length, h->sec->length);
	if (!ret) {
		secshm_section_get(h->sec);
		span->section = h->sec;
	}
	secshm_handle_put(h);
	return ret;
}

int secshm_span_init(struct secshm_span *span, struct secshm_request *req,
		     struct secshm_section *sec, u64 offset, u64 length, u32 flags)
{
	u32 need;
	int ret = secshm_ref_flags(flags, false, &need) ?:
		  secshm_range_check(offset, length, sec->length);

	if (ret)
		return ret;
	*span = (struct secshm_span){ .section = sec, .offset = offset, .length = length,
				      .flags = flags, .req = req };
	return 0;
}
EXPORT_SYMBOL_GPL(secshm_span_init);

/* check_fetch: a second capture of the same shared bytes is a bug (P6). */
static int secshm_fetch(const struct secshm_span *span, u64 pos, size_t len)
{
	struct secshm_fetch *f = span->req ? span->req->fetch : NULL;
	u64 start = span->offset + pos;
	int ret;

	if (!f)
		return 0;
	ret = secshm_fetch_record(f, span->section ? span->section->id : 0, start, len);
	if (ret)
		pr_err_ratelimited("double fetch: opcode %#x captured bytes %llu-%llu of %s twice\n",
				   span->req->opcode, start, start + len - 1,
				   span->section ? "a section" : "its caller's memory");
	return ret;
}

int secshm_capture(const struct secshm_span *span, u64 pos, void *dst, size_t len)
{
	int ret = secshm_span_check(span->flags, span->length, pos, len, SECSHM_REF_READ) ?:
		  secshm_fetch(span, pos, len);

	if (ret)
		return ret;
	if (!span->section)
		return copy_from_user(dst, u64_to_user_ptr(span->offset + pos), len) ? -EFAULT : 0;
	return secshm_section_copy(span->section, span->offset + pos, dst, len, false);
}
EXPORT_SYMBOL_GPL(secshm_capture);

int secshm_copy_out(const struct secshm_span *span, u64 pos, const void *src, size_t len)
{
	int ret = secshm_span_check(span->flags, span->length, pos, len, SECSHM_REF_WRITE);

	if (ret)
		return ret;
	if (!span->section)
		return copy_to_user(u64_to_user_ptr(span->offset + pos), src, len) ? -EFAULT : 0;
	return secshm_section_copy(span->section, span->offset + pos, (void *)src, len, true);
}
EXPORT_SYMBOL_GPL(secshm_copy_out);
