// SPDX-License-Identifier: GPL-2.0
/*
 * Client views (P4, H2): mmap() of a handle maps a range of the section into
 * the caller, made by the caller itself. The VMA's file becomes the section's
 * backing file so page reclaim and rmap work as for any mapping of it.
 *
 * The backing file is the module's own struct file (a shmem file, or its own
 * open of a client's file), and its f_op is swapped for a copy without mmap
 * or fallocate: nothing that reaches the backing through the VMA
 * (remap_file_pages, madvise(MADV_REMOVE)) can go around the checks made
 * here (the ashmem CVE-2020-0009 lesson). The VMA's vm_ops are likewise a
 * copy of the backing's with open/close added to count views.
 */
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "secshm_internal.h"

/* One wrapped copy per original table, for the module's lifetime. */
struct secshm_fops_wrap {
	struct list_head node;
	const struct file_operations *orig;
	struct file_operations fops;
};

struct secshm_vm_ops_wrap {
	struct list_head node;
	const struct vm_operations_struct *orig;
	struct vm_operations_struct ops;
};

static LIST_HEAD(secshm_fops_wraps);
static LIST_HEAD(secshm_vm_ops_wraps);
static DEFINE_MUTEX(secshm_wraps_lock);

static int secshm_backing_mmap(struct file *file, struct vm_area_struct *vma)
{
	return -EACCES;
}

static struct secshm_fops_wrap *secshm_fops_wrap(const struct file_operations *orig)
{
	struct secshm_fops_wrap *w;

	list_for_each_entry(w, &secshm_fops_wraps, node)
		if (w->orig == orig)
			return w;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return NULL;
	w->orig = orig;
	w->fops = *orig;
	w->fops.owner = THIS_MODULE;
	w->fops.mmap = secshm_backing_mmap;
	w->fops.fallocate = NULL;
	list_add(&w->node, &secshm_fops_wraps);
	return w;
}

/*
 * Make @filp, a file only the module holds, a section's backing. The wrapped
 * f_op pins the module as long as the file (and so any VMA on it) lives.
 */
int secshm_view_backing(struct secshm_section *sec, struct file *filp)
{
	struct secshm_fops_wrap *w;

	if (!filp->f_op->mmap)
		return -ENODEV;
	mutex_lock(&secshm_wraps_lock);
	w = secshm_fops_wrap(filp->f_op);
	mutex_unlock(&secshm_wraps_lock);
	if (!w)
		return -ENOMEM;
	sec->backing_mmap = w->orig->mmap;
	replace_fops(filp, fops_get(&w->fops));
	return 0;
}

static void secshm_view_count(struct secshm_handle *h, int n)
{
	atomic_add(n, &h->cl->views);
	atomic_add(n, &h->sec->views);
	atomic_add(n, &secshm_count.views);
}

/* fork, mremap and a partial munmap make new VMAs of one view. */
static void secshm_view_open(struct vm_area_struct *vma)
{
	struct secshm_handle *h = vma->vm_private_data;

	kref_get(&h->ref);
	secshm_view_count(h, 1);
}

static void secshm_view_close(struct vm_area_struct *vma)
{
	struct secshm_handle *h = vma->vm_private_data;

	secshm_view_count(h, -1);
	secshm_handle_put(h);
}

static const struct vm_operations_struct *
secshm_vm_ops_wrap(const struct vm_operations_struct *orig)
{
	struct secshm_vm_ops_wrap *w;

	if (!orig || orig->open || orig->close)
		return NULL;
	list_for_each_entry(w, &secshm_vm_ops_wraps, node)
		if (w->orig == orig)
			return &w->ops;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return NULL;
	w->orig = orig;
	w->ops = *orig;
	w->ops.open = secshm_view_open;
	w->ops.close = secshm_view_close;
	list_add(&w->node, &secshm_vm_ops_wraps);
	return &w->ops;
}

static int secshm_view_check(struct secshm_handle *h,
			     struct vm_area_struct *vma)
{
	struct secshm_section *sec = h->sec;
	u64 pages = sec->length >> PAGE_SHIFT;

	if (!(h->access & SECSHM_ACCESS_MAP_READ))
		return -EACCES;
	if ((vma->vm_flags & VM_WRITE) && !(h->access & SECSHM_ACCESS_MAP_WRITE))
		return -EACCES;
	if (vma->vm_flags & VM_EXEC)
		return -EACCES;
	if ((sec->flags & SECSHM_SECTION_TRUSTED_ONLY) && !secshm_trusted())
		return -EACCES;
	if (vma->vm_pgoff >= pages || vma_pages(vma) > pages - vma->vm_pgoff)
		return -ERANGE;
	return 0;
}

int secshm_view_mmap(struct secshm_handle *h, struct vm_area_struct *vma)
{
	const struct vm_operations_struct *ops;
	struct secshm_section *sec = h->sec;
	int ret;

	ret = secshm_view_check(h, vma);
	if (ret)
		return ret;
	ret = secshm_quota_take(&h->cl->views, secshm_max_views);
	if (ret)
		return ret;

	if (!(h->access & SECSHM_ACCESS_MAP_WRITE))
		vma->vm_flags &= ~VM_MAYWRITE;
	vma->vm_flags &= ~VM_MAYEXEC;
	vma->vm_flags |= VM_DONTEXPAND;
	vma_set_file(vma, sec->filp);
	ret = sec->backing_mmap(sec->filp, vma);
	if (ret)
		goto err;
	mutex_lock(&secshm_wraps_lock);
	ops = secshm_vm_ops_wrap(vma->vm_ops);
	mutex_unlock(&secshm_wraps_lock);
	ret = -ENODEV;
	if (!ops)
		goto err;

	vma->vm_ops = ops;
	kref_get(&h->ref);
	vma->vm_private_data = h;
	atomic_inc(&sec->views);
	atomic_inc(&secshm_count.views);
	return 0;
err:
	atomic_dec(&h->cl->views);
	return ret;
}

/* Only at unload, when no backing file and so no VMA can use them. */
void secshm_view_exit(void)
{
	struct secshm_fops_wrap *f, *ftmp;
	struct secshm_vm_ops_wrap *v, *vtmp;

	list_for_each_entry_safe(f, ftmp, &secshm_fops_wraps, node)
		kfree(f);
	list_for_each_entry_safe(v, vtmp, &secshm_vm_ops_wraps, node)
		kfree(v);
}
