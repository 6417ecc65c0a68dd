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
 * copy of the backing's with open/close added to count views. Since the
 * core mm checked only the handle, the checks it would have made against
 * the backing file run here (P9, secshm_view_writable()).
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

/* A shared view that can write its file, now or after mprotect. */
static bool secshm_view_writes(const struct vm_area_struct *vma)
{
	return (vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) == (VM_SHARED | VM_MAYWRITE);
}

/*
 * fork, mremap and a partial munmap make new VMAs of one view; each holds
 * a reference to the handle and, if it can write, the backing mapping
 * writable. The VMA it was made from holds it already, so no write seal
 * can have come in between.
 */
static void secshm_view_open(struct vm_area_struct *vma)
{
	struct secshm_handle *h = vma->vm_private_data;

	if (secshm_view_writes(vma))
		mapping_allow_writable(vma->vm_file->f_mapping);
	kref_get(&h->ref);
	secshm_view_count(h, 1);
}

static void secshm_view_close(struct vm_area_struct *vma)
{
	struct secshm_handle *h = vma->vm_private_data;

	if (secshm_view_writes(vma))
		mapping_unmap_writable(vma->vm_file->f_mapping);
	secshm_view_count(h, -1);
	secshm_handle_put(h);
}

/*
 * The wrapped copy of the backing's vm_ops, using @spare (allocated before
 * the backing's mmap ran) if there is none yet. A backing that has no
 * vm_ops, or keeps state of its own in open/close (and so in
 * vm_private_data), cannot be wrapped: NULL.
 */
static const struct vm_operations_struct *
secshm_vm_ops_wrap(const struct vm_operations_struct *orig,
		   struct secshm_vm_ops_wrap **spare)
{
	struct secshm_vm_ops_wrap *w;

	if (!orig || orig->open || orig->close)
		return NULL;
	mutex_lock(&secshm_wraps_lock);
	list_for_each_entry(w, &secshm_vm_ops_wraps, node)
		if (w->orig == orig)
			goto out;
	w = *spare;
	*spare = NULL;
	w->orig = orig;
	w->ops = *orig;
	w->ops.open = secshm_view_open;
	w->ops.close = secshm_view_close;
	list_add(&w->node, &secshm_vm_ops_wraps);
out:
	mutex_unlock(&secshm_wraps_lock);
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

/*
 * A view that can write runs the core mm's checks against the backing
 * file, which the core made against the handle only (P9): append-only,
 * immutable, swap file, write seals. A writable one is refused with
 * mmap(2)'s errno; one that could only become writable loses VM_MAYWRITE,
 * as the core treats a write-sealed memfd. What remains writable holds
 * the backing mapping writable until its close, so F_SEAL_WRITE cannot
 * be added under it, and a write-sealed file (i_mmap_writable < 0) gives
 * -EPERM here.
 */
static int secshm_view_writable(struct secshm_section *sec,
				struct vm_area_struct *vma)
{
	int ret;

	if (!secshm_view_writes(vma))
		return 0;
	ret = secshm_file_write_denied(file_inode(sec->filp));
	if (ret) {
		if (vma->vm_flags & VM_WRITE)
			return ret;
		vma->vm_flags &= ~VM_MAYWRITE;
		return 0;
	}
	return mapping_map_writable(sec->filp->f_mapping);
}

/*
 * Everything that can fail, the wrapper's allocation included, happens
 * before the backing's mmap: an error after it would leave whatever that
 * mmap took (a hugetlbfs reservation, say) with nobody to give it back,
 * since the core calls no close for a VMA whose mmap failed.
 */
int secshm_view_mmap(struct secshm_handle *h, struct vm_area_struct *vma)
{
	struct secshm_section *sec = h->sec;
	const struct vm_operations_struct *ops;
	struct secshm_vm_ops_wrap *spare;
	bool writes;
	int ret;

	ret = secshm_view_check(h, vma);
	if (ret)
		return ret;
	spare = kzalloc(sizeof(*spare), GFP_KERNEL);
	if (!spare)
		return -ENOMEM;
	ret = secshm_quota_take(&h->cl->views, secshm_max_views);
	if (ret)
		goto err_free;

	if (!(h->access & SECSHM_ACCESS_MAP_WRITE))
		vma->vm_flags &= ~VM_MAYWRITE;
	vma->vm_flags &= ~VM_MAYEXEC;
	vma->vm_flags |= VM_DONTEXPAND;
	ret = secshm_view_writable(sec, vma);
	if (ret)
		goto err_quota;
	writes = secshm_view_writes(vma);

	vma_set_file(vma, sec->filp);
	ret = sec->backing_mmap(sec->filp, vma);
	if (ret)
		goto err_writable;
	/* shmem before 6.7 drops VM_MAYWRITE for a future-write seal added meanwhile. */
	if (writes && !secshm_view_writes(vma)) {
		mapping_unmap_writable(sec->filp->f_mapping);
		writes = false;
	}
	ops = secshm_vm_ops_wrap(vma->vm_ops, &spare);
	if (!ops) {
		if (vma->vm_ops && vma->vm_ops->close) {
			vma->vm_ops->close(vma);
			vma->vm_private_data = NULL;	/* close freed it */
		}
		ret = -ENODEV;
		goto err_writable;
	}
	kfree(spare);

	vma->vm_ops = ops;
	kref_get(&h->ref);
	vma->vm_private_data = h;
	atomic_inc(&sec->views);
	atomic_inc(&secshm_count.views);
	return 0;

err_writable:
	if (writes)
		mapping_unmap_writable(sec->filp->f_mapping);
err_quota:
	atomic_dec(&h->cl->views);
err_free:
	kfree(spare);
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
