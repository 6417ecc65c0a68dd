// SPDX-License-Identifier: GPL-2.0
/*
 * CALL, the DeviceIoControl analog (R1, R2): decode, resolve every
 * reference (handle, type, origin, access for the direction, overflow,
 * bounds), copy the input in, run the handler, copy the output out.
 * Handlers never see a raw client value.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "secshm_internal.h"

static LIST_HEAD(secshm_handlers);
static DEFINE_MUTEX(secshm_handlers_lock);

static bool secshm_check_fetch;
module_param_named(check_fetch, secshm_check_fetch, bool, 0644);
MODULE_PARM_DESC(check_fetch,
		 "Fail a CALL (-EIO) whose handler captures shared bytes twice (P6)");

#define SECSHM_FETCHES_MAX	64

/*
 * The captures one CALL made from shared memory, for check_fetch: where
 * (a section, or NULL for the caller's own memory) and which bytes. The
 * first SECSHM_FETCHES_MAX are recorded; a capture that continues the
 * last one extends it, so a range read chunk by chunk is one record.
 */
struct secshm_fetches {
	u32 n;
	struct secshm_fetch {
		const struct secshm_section *sec;
		u64 start, end;
	} f[SECSHM_FETCHES_MAX];
};

/* SECSHM_CALL_FLUSH: write a referenced range back to its file (S1). */
static int secshm_call_flush(struct secshm_call *call)
{
	const struct secshm_call_ref *ref = &call->refs[0];

	if (call->nrefs != 1 || call->in_len || !ref->sec)
		return -EINVAL;
	return secshm_section_flush(ref->sec, ref->offset, ref->length);
}

static struct secshm_call_handler secshm_builtin_calls[] = {
	{ .opcode = SECSHM_CALL_STATS, .fn = secshm_call_stats },
	{ .opcode = SECSHM_CALL_FLUSH, .fn = secshm_call_flush },
	{ .opcode = SECSHM_CALL_CLIENTS, .fn = secshm_call_clients },
	{ .opcode = SECSHM_CALL_HANDLES, .fn = secshm_call_handles },
};

int secshm_register_call(struct secshm_call_handler *h)
{
	struct secshm_call_handler *it;
	int ret = 0;

	if (h->opcode < SECSHM_CALL_USER || h->opcode > SECSHM_CALL_MAX || !h->fn)
		return -EINVAL;
	mutex_lock(&secshm_handlers_lock);
	list_for_each_entry(it, &secshm_handlers, node) {
		if (it->opcode == h->opcode) {
			ret = -EBUSY;
			goto out;
		}
	}
	list_add_tail(&h->node, &secshm_handlers);
out:
	mutex_unlock(&secshm_handlers_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(secshm_register_call);

void secshm_unregister_call(struct secshm_call_handler *h)
{
	mutex_lock(&secshm_handlers_lock);
	list_del(&h->node);
	mutex_unlock(&secshm_handlers_lock);
}
EXPORT_SYMBOL_GPL(secshm_unregister_call);

/* The handler for @opcode with its module held for the call. */
static struct secshm_call_handler *secshm_handler_get(u32 opcode)
{
	struct secshm_call_handler *it, *found = NULL;

	if (opcode < SECSHM_CALL_USER) {
		for (it = secshm_builtin_calls;
		     it < secshm_builtin_calls + ARRAY_SIZE(secshm_builtin_calls); it++)
			if (it->opcode == opcode)
				return it;
		return NULL;
	}
	mutex_lock(&secshm_handlers_lock);
	list_for_each_entry(it, &secshm_handlers, node) {
		if (it->opcode == opcode) {
			if (try_module_get(it->owner))
				found = it;
			break;
		}
	}
	mutex_unlock(&secshm_handlers_lock);
	return found;
}

static int secshm_ref_user_ptr(const struct secshm_ref *u)
{
	u64 end;

	if (u->handle || !u->length)
		return -EINVAL;
	if (check_add_overflow(u->offset, u->length, &end))
		return -EOVERFLOW;
	return access_ok(u64_to_user_ptr(u->offset), u->length) ? 0 : -EFAULT;
}

/* The MapCallerPtr step for one reference of @call's client. */
int secshm_ref_resolve(struct secshm_call *call, const struct secshm_ref *u,
		       struct secshm_call_ref *r)
{
	struct secshm_handle *h;
	u32 need = 0;
	u64 end;
	int ret = 0;

	if (u->flags & ~SECSHM_REF_MASK ||
	    !(u->flags & (SECSHM_REF_READ | SECSHM_REF_WRITE)))
		return -EINVAL;
	r->flags = u->flags;
	r->offset = u->offset;
	r->length = u->length;
	r->call = call;
	if (u->flags & SECSHM_REF_USER_PTR)
		return secshm_ref_user_ptr(u);

	if (u->flags & SECSHM_REF_READ)
		need |= SECSHM_ACCESS_MAP_READ;
	if (u->flags & SECSHM_REF_WRITE)
		need |= SECSHM_ACCESS_MAP_WRITE;
	h = secshm_handle_lookup(u->handle, call->client, need);
	if (IS_ERR(h))
		return PTR_ERR(h);
	if (!u->length)
		ret = -EINVAL;
	else if (check_add_overflow(u->offset, u->length, &end))
		ret = -EOVERFLOW;
	else if (end > h->sec->length)
		ret = -ERANGE;
	if (!ret) {
		secshm_section_get(h->sec);
		r->sec = h->sec;
	}
	secshm_handle_put(h);
	return ret;
}

static int secshm_call_refs(struct secshm_call *call,
			    const struct secshm_call_args *a)
{
	struct secshm_ref *urefs;
	int ret = 0;
	u32 i;

	if (!a->nrefs)
		return 0;
	urefs = memdup_user(u64_to_user_ptr(a->refs),
			    array_size(a->nrefs, sizeof(*urefs)));
	if (IS_ERR(urefs))
		return PTR_ERR(urefs);
	for (i = 0; i < a->nrefs; i++) {
		ret = secshm_ref_resolve(call, &urefs[i], &call->refs[i]);
		if (ret)
			break;
		call->nrefs++;
	}
	kfree(urefs);
	return ret;
}

static void secshm_call_free(struct secshm_call *call)
{
	u32 i;

	for (i = 0; i < call->nrefs; i++)
		if (call->refs[i].sec)
			secshm_section_release(call->refs[i].sec);
	kvfree(call->in);
	kvfree(call->out);
	kfree(call->fetches);
	kfree(call);
}

static int secshm_call_run(struct secshm_call *call, struct secshm_call_args *a,
			   struct secshm_call_handler *handler)
{
	int ret;

	if (READ_ONCE(secshm_check_fetch)) {
		call->fetches = kzalloc(sizeof(*call->fetches), GFP_KERNEL);
		if (!call->fetches)
			return -ENOMEM;
	}
	ret = secshm_call_refs(call, a);
	if (ret)
		return ret;
	if (a->in_len) {
		call->in = vmemdup_user(u64_to_user_ptr(a->in), a->in_len);
		if (IS_ERR(call->in)) {
			ret = PTR_ERR(call->in);
			call->in = NULL;
			return ret;
		}
	}
	call->in_len = a->in_len;
	call->out_max = a->out_len;
	call->out = kvzalloc(call->out_max, GFP_KERNEL);
	if (!call->out)
		return -ENOMEM;

	ret = handler->fn(call);
	if (ret < 0)
		return ret;
	if (call->out_len > call->out_max)
		return -EIO;	/* a handler bug must not leak kernel memory */
	if (copy_to_user(u64_to_user_ptr(a->out), call->out, call->out_len))
		return -EFAULT;
	a->out_len = call->out_len;
	return ret;
}

int secshm_call(struct secshm_client *cl, struct secshm_call_args *a)
{
	struct secshm_call_handler *handler;
	struct secshm_call *call;
	int ret;

	if (a->flags)
		return -EINVAL;
	if (a->nrefs > SECSHM_REFS_MAX || a->in_len > SECSHM_INLINE_MAX ||
	    a->out_len > SECSHM_INLINE_MAX)
		return -E2BIG;
	handler = secshm_handler_get(a->opcode);
	if (!handler)
		return -EOPNOTSUPP;

	call = kzalloc(sizeof(*call), GFP_KERNEL);
	if (call) {
		call->opcode = a->opcode;
		call->client = cl;
		ret = secshm_call_run(call, a, handler);
		secshm_call_free(call);
	} else {
		ret = -ENOMEM;
	}
	module_put(handler->owner);
	return ret;
}

static int secshm_ref_range(const struct secshm_call_ref *ref, u64 pos,
			    size_t len, u32 dir)
{
	if (!(ref->flags & dir))
		return -EACCES;
	if (pos > ref->length || len > ref->length - pos)
		return -ERANGE;
	return 0;
}

/*
 * check_fetch: record a capture of [pos, pos + len) of @ref, or fail it if
 * it overlaps one the same CALL made before: the handler is reading a
 * value a second time, which the client may have changed since (P6).
 */
static int secshm_fetch_record(const struct secshm_call_ref *ref, u64 pos,
			       size_t len)
{
	struct secshm_fetches *fs = ref->call ? ref->call->fetches : NULL;
	u64 start = ref->offset + pos, end = start + len;
	struct secshm_fetch *f;

	if (!fs || !len)
		return 0;
	for (f = fs->f; f < fs->f + fs->n; f++) {
		if (f->sec == ref->sec && start < f->end && f->start < end) {
			pr_err_ratelimited("double fetch: opcode %#x captured bytes %llu-%llu of %s twice\n",
					   ref->call->opcode, start, end - 1,
					   ref->sec ? "a section" : "its caller's memory");
			return -EIO;
		}
	}
	f = fs->n ? &fs->f[fs->n - 1] : NULL;
	if (f && f->sec == ref->sec && f->end == start)
		f->end = end;
	else if (fs->n < SECSHM_FETCHES_MAX)
		fs->f[fs->n++] = (struct secshm_fetch){ ref->sec, start, end };
	return 0;
}

int secshm_ref_capture(const struct secshm_call_ref *ref, u64 pos, void *dst,
		       size_t len)
{
	int ret = secshm_ref_range(ref, pos, len, SECSHM_REF_READ);

	if (!ret)
		ret = secshm_fetch_record(ref, pos, len);
	if (ret)
		return ret;
	if (!ref->sec)
		return copy_from_user(dst, u64_to_user_ptr(ref->offset + pos),
				      len) ? -EFAULT : 0;
	return secshm_section_copy(ref->sec, ref->offset + pos, dst, len, false);
}
EXPORT_SYMBOL_GPL(secshm_ref_capture);

int secshm_ref_copy_out(const struct secshm_call_ref *ref, u64 pos,
			const void *src, size_t len)
{
	int ret = secshm_ref_range(ref, pos, len, SECSHM_REF_WRITE);

	if (ret)
		return ret;
	if (!ref->sec)
		return copy_to_user(u64_to_user_ptr(ref->offset + pos), src,
				    len) ? -EFAULT : 0;
	return secshm_section_copy(ref->sec, ref->offset + pos, (void *)src,
				   len, true);
}
EXPORT_SYMBOL_GPL(secshm_ref_copy_out);
