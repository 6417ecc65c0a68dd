// SPDX-License-Identifier: GPL-2.0
/*
 * Handles: a client's handle is a file descriptor of an anon-inode file with
 * secshm_handle_fops; its access mask and origin live in the private data.
 * Validation (H5) is ReactOS ObReferenceObjectByHandle's order: a live
 * descriptor, then the type (f_op), then origin, then access, then a
 * reference.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "secshm_internal.h"

static void secshm_handle_free(struct kref *ref)
{
	struct secshm_handle *h = container_of(ref, struct secshm_handle, ref);

	secshm_section_release(h->sec);
	secshm_client_put(h->cl);
	kfree(h);
}

void secshm_handle_put(struct secshm_handle *h)
{
	kref_put(&h->ref, secshm_handle_free);
}

static int secshm_handle_release(struct inode *inode, struct file *file)
{
	struct secshm_handle *h = file->private_data;

	spin_lock(&h->cl->lock);
	list_del(&h->node);
	spin_unlock(&h->cl->lock);
	atomic_dec(&h->sec->handles);
	atomic_dec(&h->cl->handles);
	atomic_dec(&secshm_count.handles);
	secshm_handle_put(h);
	return 0;
}

static int secshm_handle_mmap(struct file *file, struct vm_area_struct *vma)
{
	return secshm_view_mmap(file->private_data, vma);
}

/* The pages the module holds in memory for the section (Q3): all or none. */
static unsigned long secshm_pinned_pages(struct secshm_section *sec)
{
	unsigned long n;

	mutex_lock(&sec->pin_lock);
	n = sec->pages ? sec->length >> PAGE_SHIFT : 0;
	mutex_unlock(&sec->pin_lock);
	return n;
}

static void secshm_handle_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct secshm_handle *h = file->private_data;

	seq_printf(m, "secshm-section:\t%llu\nsecshm-length:\t%llu\nsecshm-access:\t%#x\n",
		   h->sec->id, h->sec->length, h->access);
	seq_printf(m, "secshm-pinned:\t%lu\n", secshm_pinned_pages(h->sec));
}

/* No read, write, fallocate or ioctl: the only way to the bytes is mmap. */
const struct file_operations secshm_handle_fops = {
	.owner		= THIS_MODULE,
	.release	= secshm_handle_release,
	.mmap		= secshm_handle_mmap,
	.show_fdinfo	= secshm_handle_show_fdinfo,
	.llseek		= noop_llseek,
};

/* Descriptor 0 is never a handle (SECSHM_HANDLE_NONE). */
static int secshm_handle_fd(void)
{
	int fd = get_unused_fd_flags(O_CLOEXEC);
	int other;

	if (fd != 0)
		return fd;
	other = get_unused_fd_flags(O_CLOEXEC);
	put_unused_fd(0);
	return other;
}

/*
 * Reserve a descriptor and build the handle file, taking every reference it
 * needs; nothing is visible to the process until secshm_handle_commit()
 * (CVE-2019-6974). @access is specific rights. Every handle is made here,
 * so here no handle to a read-only file section gets MAP_WRITE (P9).
 */
int secshm_handle_prepare(struct secshm_handle_new *hn,
			  struct secshm_client *cl,
			  struct secshm_section *sec, u32 access)
{
	struct secshm_handle *h;
	int ret;

	if ((sec->flags & SECSHM_SECTION_READONLY) && (access & SECSHM_ACCESS_MAP_WRITE))
		return -EACCES;
	ret = secshm_quota_take(&cl->handles, secshm_max_handles);
	if (ret)
		return ret;
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h) {
		ret = -ENOMEM;
		goto err_quota;
	}
	kref_init(&h->ref);
	secshm_section_get(sec);
	h->sec = sec;
	kref_get(&cl->ref);
	h->cl = cl;
	h->access = access;

	hn->fd = secshm_handle_fd();
	if (hn->fd < 0) {
		ret = hn->fd;
		goto err_handle;
	}
	hn->file = anon_inode_getfile("[secshm]", &secshm_handle_fops, h,
				      access & SECSHM_ACCESS_MAP_WRITE ?
				      O_RDWR : O_RDONLY);
	if (IS_ERR(hn->file)) {
		ret = PTR_ERR(hn->file);
		goto err_fd;
	}
	/* pread/pwrite fail as read/write do: EBADF or EINVAL, not ESPIPE. */
	hn->file->f_mode |= FMODE_PREAD | FMODE_PWRITE;
	h->fd = hn->fd;
	spin_lock(&cl->lock);
	list_add_tail(&h->node, &cl->handle_list);
	spin_unlock(&cl->lock);
	atomic_inc(&sec->handles);
	atomic_inc(&secshm_count.handles);
	return 0;

err_fd:
	put_unused_fd(hn->fd);
err_handle:
	secshm_handle_put(h);
err_quota:
	atomic_dec(&cl->handles);
	return ret;
}

void secshm_handle_commit(struct secshm_handle_new *hn)
{
	fd_install(hn->fd, hn->file);
}

/* The release of the file gives back what prepare took. */
void secshm_handle_abort(struct secshm_handle_new *hn)
{
	put_unused_fd(hn->fd);
	fput(hn->file);
}

/*
 * A descriptor is a kernel handle: one of another kind (a pipe, a file,
 * the /dev/secshm connection itself) is the wrong type of object, as NT
 * answers an event handle passed where a section is needed. 0 is never a
 * handle.
 */
static struct secshm_handle *secshm_handle_get(u32 fd)
{
	struct secshm_handle *h;
	struct fd f;

	if (fd == SECSHM_HANDLE_NONE)
		return ERR_PTR(-EBADF);
	f = fdget(fd);
	if (!f.file)
		return ERR_PTR(-EBADF);
	if (f.file->f_op != &secshm_handle_fops) {
		fdput(f);
		return ERR_PTR(-EMEDIUMTYPE);
	}
	h = f.file->private_data;
	kref_get(&h->ref);
	fdput(f);
	return h;
}

/*
 * The checked path (H6): a handle value from client @cl needing @access.
 * A descriptor of another client (another open of /dev/secshm) is not a
 * handle of this caller.
 */
struct secshm_handle *secshm_handle_lookup(u32 fd, struct secshm_client *cl,
					   u32 access)
{
	struct secshm_handle *h = secshm_handle_get(fd);
	int ret;

	if (IS_ERR(h))
		return h;
	if (h->cl != cl)
		ret = -EBADF;
	else if (access & ~h->access)
		ret = -EACCES;
	else
		return h;
	secshm_handle_put(h);
	return ERR_PTR(ret);
}

struct secshm_section *secshm_section_get_by_handle(struct secshm_call *call,
						    u32 handle, u32 access)
{
	struct secshm_section *sec;
	struct secshm_handle *h;

	if (!secshm_access_bits_valid(access))
		return ERR_PTR(-EINVAL);
	h = secshm_handle_lookup(handle, call->client, secshm_access_map(access));
	if (IS_ERR(h))
		return ERR_CAST(h);
	sec = h->sec;
	secshm_section_get(sec);
	secshm_server_ref(sec);
	secshm_handle_put(h);
	return sec;
}
EXPORT_SYMBOL_GPL(secshm_section_get_by_handle);

void secshm_section_put(struct secshm_section *sec)
{
	atomic_dec(&sec->server_refs);
	atomic_dec(&secshm_count.server_refs);
	secshm_section_release(sec);
}
EXPORT_SYMBOL_GPL(secshm_section_put);

int secshm_handle_install(struct secshm_call *call, struct secshm_section *sec,
			  u32 access)
{
	struct secshm_handle_new hn;
	int ret;

	if (!secshm_access_valid(access))
		return -EINVAL;
	if (secshm_open_check(sec, 0))
		return -EACCES;
	ret = secshm_handle_prepare(&hn, call->client, sec,
				    secshm_access_map(access));
	if (ret)
		return ret;
	secshm_handle_commit(&hn);
	return hn.fd;
}
EXPORT_SYMBOL_GPL(secshm_handle_install);
