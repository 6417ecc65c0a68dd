// SPDX-License-Identifier: GPL-2.0
/*
 * The built-in requests: one ioctl per opcode of include/uapi/secshm.h,
 * _IOC_NR == opcode. Arguments come in with copy_struct_from_user(), are
 * checked whole (reserved fields, unknown flags) before anything changes,
 * and go back out with their out fields filled.
 *
 * There is no CLOSE: a handle is a descriptor, closed with close(2). An
 * ioctl that checked a descriptor and then closed it by number would close
 * whatever another thread dup2()ed there in between, and no kernel
 * primitive closes a descriptor only if it still is a given file.
 */
#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "secshm_internal.h"

/*
 * The struct's own size field says how much the caller passed: shorter than
 * this ABI's struct is malformed, longer is accepted only if the bytes this
 * module does not know are zero (-E2BIG otherwise).
 */
static int secshm_args_in(void *args, size_t size, void __user *uarg)
{
	u32 usize;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < size || usize > PAGE_SIZE)
		return -EBADMSG;
	return copy_struct_from_user(args, size, uarg, usize);
}

static long secshm_args_out(void __user *uarg, const void *args, size_t size,
			    long status)
{
	return copy_to_user(uarg, args, size) ? -EFAULT : status;
}

/*
 * Give @cl a handle to @sec: its value goes into *@hval inside @args, the
 * args go back to the caller, and only then is the descriptor installed.
 */
static long secshm_reply_handle(struct secshm_client *cl,
				struct secshm_section *sec, u32 access,
				void __user *uarg, void *args, size_t size,
				u32 *hval, long status)
{
	struct secshm_handle_new hn;
	int ret;

	ret = secshm_handle_prepare(&hn, cl, sec, access);
	if (ret)
		return ret;
	*hval = hn.fd;
	if (copy_to_user(uarg, args, size)) {
		secshm_handle_abort(&hn);
		return -EFAULT;
	}
	secshm_handle_commit(&hn);
	return status;
}

static int secshm_create_flags_check(const struct secshm_create_args *a)
{
	if (a->flags & ~SECSHM_CREATE_MASK)
		return -EINVAL;
	if (!(a->flags & SECSHM_CREATE_FILE) && a->fd)
		return -EINVAL;
	if ((a->flags & SECSHM_SECTION_PINNED) && (a->flags & SECSHM_CREATE_FILE))
		return -EINVAL;	/* a file can shrink under the pin */
	if ((a->flags & SECSHM_CREATE_PERMANENT) && !a->name_len)
		return -EINVAL;
	if ((a->flags & SECSHM_SECTION_TRUSTED_ONLY) && !secshm_trusted())
		return -EACCES;
	if ((a->flags & SECSHM_SECTION_PINNED) && !secshm_trusted() &&
	    !capable(CAP_IPC_LOCK))
		return -EPERM;
	return 0;
}

static u32 secshm_create_section_flags(u32 flags)
{
	return (flags & SECSHM_SECTION_CREATE_MASK) |
	       (flags & SECSHM_CREATE_FILE ? SECSHM_SECTION_FILE : 0);
}

/* A request's name: name_len valid bytes, the rest of the array zero. */
static int secshm_request_name(const char *name, u32 len)
{
	if (len > SECSHM_NAME_MAX)
		return -ENAMETOOLONG;
	if (memchr_inv(name + len, 0, SECSHM_NAME_MAX + 1 - len))
		return -EINVAL;
	return secshm_name_check(name, len);
}

/* CREATE found the name taken: open it as OPEN would, or refuse. */
static long secshm_create_existing(struct secshm_client *cl,
				   struct secshm_section *sec, u32 access,
				   struct secshm_create_args *a,
				   void __user *uarg)
{
	long ret;

	if (a->flags & SECSHM_CREATE_NEW)
		ret = -EEXIST;
	else
		ret = secshm_open_check(sec, access);
	if (!ret)
		ret = secshm_reply_handle(cl, sec, access, uarg, a, sizeof(*a),
					  &a->handle, SECSHM_EXISTED);
	secshm_section_release(sec);
	return ret;
}

static long secshm_ioc_create(struct secshm_client *cl, void __user *uarg)
{
	struct secshm_section *sec, *existing;
	char qname[SECSHM_NAME_MAX + 1];
	struct secshm_create_args a;
	struct secshm_sd_k sd;
	struct secshm_ns ns;
	u32 access, qlen;
	long ret;

	ret = secshm_args_in(&a, sizeof(a), uarg);
	if (ret)
		return ret;
	ret = secshm_create_flags_check(&a);
	if (ret)
		return ret;
	if (!secshm_access_valid(a.access))
		return -EINVAL;
	access = secshm_access_map(a.access);

	if (a.name_len) {
		ret = secshm_request_name(a.name, a.name_len);
		if (ret)
			return ret;
		ret = secshm_name_resolve(a.name, a.name_len, false, qname, &qlen, &ns);
		if (ret)
			return ret;
		ret = secshm_sd_from_user(&sd, &a.sd, false);
		if (ret)
			return ret;
		existing = secshm_name_lookup(qname, qlen);
		if (existing)
			return secshm_create_existing(cl, existing, access, &a, uarg);
		if (!secshm_name_may_create(&ns))
			return -EPERM;	/* N1: not a namespace this caller makes names in */
	} else {
		if (memchr_inv(&a.sd, 0, sizeof(a.sd)) ||
		    memchr_inv(a.name, 0, sizeof(a.name)))
			return -EINVAL;
		secshm_sd_default(&sd);
	}

	sec = secshm_section_alloc(cl, a.length, secshm_create_section_flags(a.flags),
				   a.fd);
	if (IS_ERR(sec))
		return PTR_ERR(sec);
	sec->sd = sd;
	if (a.name_len) {
		sec->permanent = a.flags & SECSHM_CREATE_PERMANENT;
		ret = secshm_name_link(sec, qname, qlen, &existing);
		if (ret || existing) {
			sec->permanent = false;
			secshm_section_release(sec);
			return ret ?: secshm_create_existing(cl, existing, access, &a, uarg);
		}
	}
	ret = secshm_reply_handle(cl, sec, access, uarg, &a, sizeof(a),
				  &a.handle, 0);
	if (ret < 0)
		secshm_name_unlink(sec);	/* nobody got it: no permanent name */
	secshm_section_release(sec);
	return ret;
}

/* OPEN by transfer token: exactly the exported access, no name. */
static long secshm_open_token(struct secshm_client *cl,
			      struct secshm_open_args *a, void __user *uarg)
{
	struct secshm_handle_new hn;
	long ret;

	if (a->access || a->name_len || memchr_inv(a->name, 0, sizeof(a->name)))
		return -EINVAL;
	ret = secshm_token_redeem(cl, &a->token, &hn);
	if (ret)
		return ret;
	a->handle = hn.fd;
	if (copy_to_user(uarg, a, sizeof(*a))) {
		secshm_handle_abort(&hn);
		return -EFAULT;
	}
	secshm_handle_commit(&hn);
	return 0;
}

/*
 * The section a client's name means: its own namespace first, then, for
 * an unqualified name, the global one (N1).
 */
static struct secshm_section *secshm_open_name(const char *name, u32 len, long *err)
{
	char qname[SECSHM_NAME_MAX + 1];
	struct secshm_section *sec;
	struct secshm_ns ns;
	u32 qlen;

	*err = secshm_name_resolve(name, len, false, qname, &qlen, &ns);
	if (*err)
		return NULL;
	sec = secshm_name_lookup(qname, qlen);
	if (sec || ns.qualified)
		return sec;
	*err = secshm_name_resolve(name, len, true, qname, &qlen, &ns);
	return *err ? NULL : secshm_name_lookup(qname, qlen);
}

static long secshm_ioc_open(struct secshm_client *cl, void __user *uarg)
{
	struct secshm_open_args a;
	struct secshm_section *sec;
	u32 access;
	long ret;

	ret = secshm_args_in(&a, sizeof(a), uarg);
	if (ret)
		return ret;
	if (a.flags & ~SECSHM_OPEN_TOKEN || a.reserved)
		return -EINVAL;
	if (a.flags & SECSHM_OPEN_TOKEN)
		return secshm_open_token(cl, &a, uarg);
	if (!secshm_access_valid(a.access) || memchr_inv(&a.token, 0, sizeof(a.token)))
		return -EINVAL;
	access = secshm_access_map(a.access);
	ret = secshm_request_name(a.name, a.name_len);
	if (ret)
		return ret;
	sec = secshm_open_name(a.name, a.name_len, &ret);
	if (!sec)
		return ret ?: -ENOENT;
	ret = secshm_open_check(sec, access);
	if (!ret)
		ret = secshm_reply_handle(cl, sec, access, uarg, &a, sizeof(a),
					  &a.handle, 0);
	secshm_section_release(sec);
	return ret;
}

static long secshm_ioc_query(struct secshm_client *cl, void __user *uarg)
{
	struct secshm_query_args *a;
	struct secshm_handle *h;
	long ret;

	a = kmalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	ret = secshm_args_in(a, sizeof(*a), uarg);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (a->reserved)
		goto out;
	h = secshm_handle_lookup(a->handle, cl, SECSHM_ACCESS_QUERY);
	ret = PTR_ERR(h);
	if (IS_ERR(h))
		goto out;
	a->access = h->access;
	secshm_section_info(h->sec, &a->info);
	secshm_handle_put(h);
	ret = secshm_args_out(uarg, a, sizeof(*a), 0);
out:
	kfree(a);
	return ret;
}

static long secshm_dup_export(struct secshm_client *cl,
			      struct secshm_section *sec, u32 access,
			      struct secshm_dup_args *a, void __user *uarg)
{
	long ret;

	a->new_handle = SECSHM_HANDLE_NONE;
	ret = secshm_token_export(cl, sec, access, &a->token);
	return ret ?: secshm_args_out(uarg, a, sizeof(*a), 0);
}

static long secshm_ioc_duplicate(struct secshm_client *cl, void __user *uarg)
{
	struct secshm_dup_args a;
	struct secshm_handle *h;
	u32 access;
	long ret;

	ret = secshm_args_in(&a, sizeof(a), uarg);
	if (ret)
		return ret;
	if (a.flags & ~(SECSHM_DUP_SAME_ACCESS | SECSHM_DUP_EXPORT) || a.reserved ||
	    (!(a.flags & SECSHM_DUP_SAME_ACCESS) && !secshm_access_valid(a.access)))
		return -EINVAL;
	h = secshm_handle_lookup(a.handle, cl, SECSHM_ACCESS_DUPLICATE);
	if (IS_ERR(h))
		return PTR_ERR(h);
	access = a.flags & SECSHM_DUP_SAME_ACCESS ?
		 h->access : secshm_access_map(a.access);
	if (access & ~h->access)
		ret = -EACCES;
	else if (a.flags & SECSHM_DUP_EXPORT)
		ret = secshm_dup_export(cl, h->sec, access, &a, uarg);
	else
		ret = secshm_reply_handle(cl, h->sec, access, uarg, &a,
					  sizeof(a), &a.new_handle, 0);
	secshm_handle_put(h);
	return ret;
}

static long secshm_ioc_unlink(struct secshm_client *cl, void __user *uarg)
{
	struct secshm_handle_args a;
	struct secshm_handle *h;
	long ret;

	ret = secshm_args_in(&a, sizeof(a), uarg);
	if (ret)
		return ret;
	h = secshm_handle_lookup(a.handle, cl, SECSHM_ACCESS_DELETE);
	if (IS_ERR(h))
		return PTR_ERR(h);
	secshm_name_unlink(h->sec);
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
static long secshm_ioc_list(struct secshm_client *cl, void __user *uarg)
{
	struct secshm_section **secs;
	struct secshm_list_args a;
	u32 i, n;
	long ret;

	ret = secshm_args_in(&a, sizeof(a), uarg);
	if (ret)
		return ret;
	if (a.flags)
		return -EINVAL;
	ret = secshm_name_list(&secs, &n);
	if (ret)
		return ret;
	a.total = n;
	a.count = 0;
	if (a.start < n)
		a.count = min3(a.max, (u32)SECSHM_LIST_MAX, n - a.start);
	ret = secshm_list_copy(secs + a.start, a.count,
			       u64_to_user_ptr(a.entries));
	for (i = 0; i < n; i++)
		secshm_section_release(secs[i]);
	kvfree(secs);
	return ret ?: secshm_args_out(uarg, &a, sizeof(a), 0);
}

static long secshm_ioc_call(struct secshm_client *cl, void __user *uarg)
{
	struct secshm_call_args a;
	long ret;

	ret = secshm_args_in(&a, sizeof(a), uarg);
	if (ret)
		return ret;
	ret = secshm_call(cl, &a);
	if (ret < 0)
		return ret;
	return secshm_args_out(uarg, &a, sizeof(a), ret);
}

long secshm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct secshm_client *cl = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case SECSHM_IOC_CREATE:
		return secshm_ioc_create(cl, uarg);
	case SECSHM_IOC_OPEN:
		return secshm_ioc_open(cl, uarg);
	case SECSHM_IOC_QUERY:
		return secshm_ioc_query(cl, uarg);
	case SECSHM_IOC_DUPLICATE:
		return secshm_ioc_duplicate(cl, uarg);
	case SECSHM_IOC_UNLINK:
		return secshm_ioc_unlink(cl, uarg);
	case SECSHM_IOC_LIST:
		return secshm_ioc_list(cl, uarg);
	case SECSHM_IOC_CALL:
		return secshm_ioc_call(cl, uarg);
	default:
		return -ENOTTY;
	}
}
