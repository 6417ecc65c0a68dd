// SPDX-License-Identifier: GPL-2.0
/*
 * The requests on a section a client holds a handle to (QUERY, DUPLICATE,
 * UNLINK) and LIST, which shows the named sections it could query. The
 * handle's checks are handle.c's and the decisions the core's, as in the
 * daemon's section.c and name.c.
 */
#include <linux/err.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "secshm_internal.h"

long secshm_op_query(struct secshm_client *cl, struct secshm_query_args *a,
		     struct secshm_handle_new *hn)
{
	struct secshm_handle *h;
	long ret = secshm_check_query(a);

	if (ret)
		return ret;
	h = secshm_handle_lookup(a->handle, cl, SECSHM_ACCESS_QUERY);
	if (IS_ERR(h))
		return PTR_ERR(h);
	a->access = h->access;
	secshm_section_info(h->sec, &a->info);
	secshm_handle_put(h);
	return 0;
}

/* A new handle with the same or less access, or a transfer token (H7). */
long secshm_op_duplicate(struct secshm_client *cl, struct secshm_dup_args *a,
			 struct secshm_handle_new *hn)
{
	struct secshm_handle *h;
	u32 access;
	long ret = secshm_check_dup(a);

	if (ret)
		return ret;
	h = secshm_handle_lookup(a->handle, cl, SECSHM_ACCESS_DUPLICATE);
	if (IS_ERR(h))
		return PTR_ERR(h);
	access = h->access;
	if (!(a->flags & SECSHM_DUP_SAME_ACCESS))
		ret = secshm_access_want(a->access, &access) ?:
		      secshm_handle_check(h->access, access);
	if (ret)
		goto out;
	if (a->flags & SECSHM_DUP_EXPORT) {
		a->new_handle = SECSHM_HANDLE_NONE;
		ret = secshm_token_export(cl, h->sec, access, &a->token);
	} else {
		ret = secshm_handle_prepare(hn, cl, h->sec, access);
		if (!ret)
			a->new_handle = hn->fd;
	}
out:
	secshm_handle_put(h);
	return ret;
}

long secshm_op_unlink(struct secshm_client *cl, struct secshm_handle_args *a,
		      struct secshm_handle_new *hn)
{
	struct secshm_handle *h = secshm_handle_lookup(a->handle, cl, SECSHM_ACCESS_DELETE);

	if (IS_ERR(h))
		return PTR_ERR(h);
	if (secshm_name_unlink(h->sec))
		__secshm_section_put(h->sec);	/* the permanent name's reference */
	secshm_handle_put(h);
	return 0;
}

static long secshm_list_copy(struct secshm_section **secs, u32 count,
			     struct secshm_section_info __user *entries)
{
	struct secshm_section_info *info;
	long ret = 0;
	u32 i;

	info = kmalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	for (i = 0; i < count && !ret; i++) {
		secshm_section_info(secs[i], info);
		if (copy_to_user(&entries[i], info, sizeof(*info)))
			ret = -EFAULT;
	}
	kfree(info);
	return ret;
}

/* As on the socket: at most SECSHM_LIST_MAX entries from start, by id. */
long secshm_op_list(struct secshm_client *cl, struct secshm_list_args *a,
		    struct secshm_handle_new *hn)
{
	struct secshm_section **secs;
	struct secshm_who who;
	u32 i, n;
	long ret = secshm_check_list(a, true);

	if (ret)
		return ret;
	secshm_who_current(&who);
	ret = secshm_name_list(&who, &secs, &n);
	if (ret)
		return ret;
	a->total = n;
	a->count = a->start < n ? min3(a->max, (u32)SECSHM_LIST_MAX, n - a->start) : 0;
	ret = secshm_list_copy(secs + a->start, a->count, u64_to_user_ptr(a->entries));
	for (i = 0; i < n; i++)
		__secshm_section_put(secs[i]);
	kvfree(secs);
	return ret;
}
