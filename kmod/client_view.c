// SPDX-License-Identifier: GPL-2.0
/*
 * Client views (P4, H2): mmap() of a handle maps a range of the section
 * into the caller, made by the caller itself. The VMA's file becomes the
 * section's backing file (backing.c) so page reclaim and rmap work as for
 * any mapping of it; its vm_ops are a copy of the backing's with open and
 * close added to count views. Since the core mm checked only the handle,
 * the checks it would have made against the backing file run here (P9).
 *
 * Every VMA of one mmap (fork, mremap and a partial munmap make more)
 * shares one struct secshm_view, which holds the section and the client
 * the view is charged to.
 */
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/slab.h>

#include "secshm_internal.h"

struct secshm_view {
	refcount_t ref;			/* the VMAs */
	struct secshm_section *sec;
	struct secshm_client *cl;
};

/* One wrapped copy per original table, for the module's lifetime. */
struct secshm_vm_ops_wrap {
	struct list_head node;
	const struct vm_operations_struct *orig;
	struct vm_operations_struct ops;
};

static LIST_HEAD(secshm_vm_ops_wraps);
static DEFINE_MUTEX(secshm_vm_ops_wraps_lock);

static void secshm_view_count(struct secshm_view *v, int n)
{
	atomic_add(n, &v->cl->views);
	atomic_add(n, &v->sec->views);
	atomic_add(n, &secshm_count.views);
}

/* A shared view that can write its file, now or after mprotect. */
static bool secshm_view_writes(const struct vm_area_struct *vma)
{
	return (vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) == (VM_SHARED | VM_MAYWRITE);
}

/*
 * A new VMA of a view holds the view and, if it can write, the backing
 * mapping writable. The VMA it was made from holds them already, so no
 * write seal can have come in between.
 */
static void secshm_view_open(struct vm_area_struct *vma)
{
	struct secshm_view *v = vma->vm_private_data;

	if (secshm_view_writes(vma))
		mapping_allow_writable(vma->vm_file->f_mapping);
	refcount_inc(&v->ref);
	secshm_view_count(v, 1);
}

static void secshm_view_put(struct secshm_view *v)
{
	if (!refcount_dec_and_test(&v->ref))
		return;
	__secshm_section_put(v->sec);
	secshm_client_put(v->cl);
	kfree(v);
}

static void secshm_view_close(struct vm_area_struct *vma)
{
	struct secshm_view *v = vma->vm_private_data;

	if (secshm_view_writes(vma))
		mapping_unmap_writable(vma->vm_file->f_mapping);
	secshm_view_count(v, -1);
	secshm_view_put(v);
}

/*
 * The wrapped copy of the backing's vm_ops, using @spare (allocated before
 * the backing's mmap ran) if there is none yet. A backing that has no
 * vm_ops, or keeps state of its own in open/close (and so in
 * vm_private_data), cannot be wrapped: NULL.
 */
static const struct vm_operations_struct *
secshm_vm_ops_wrap(const struct vm_operations_struct *orig, struct secshm_vm_ops_wrap **spare)
{
	struct secshm_vm_ops_wrap *w;

	if (!orig || orig->open || orig->close)
		return NULL;
	mutex_lock(&secshm_vm_ops_wraps_lock);
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
	mutex_unlock(&secshm_vm_ops_wraps_lock);
	return &w->ops;
}

/*
 * The core's decisions for a view: the handle's rights for the protection
 * asked, the section's rules for this caller (a handle passed to an
 * untrusted process does not map a trusted-only section, P8), the range
 * in whole pages inside the section. Never executable.
 */
static int secshm_view_allowed(struct secshm_handle *h, struct vm_area_struct *vma)
{
	u32 want = SECSHM_ACCESS_MAP_READ |
		   (vma->vm_flags & VM_WRITE ? SECSHM_ACCESS_MAP_WRITE : 0);
	struct secshm_who who;
	int ret;

	if (vma->vm_flags & VM_EXEC)
		return -EACCES;
	secshm_who_current(&who);
	ret = secshm_handle_check(h->access, want) ?:
	      secshm_grant_check(h->sec->flags, &who, want);
	if (ret)
		return ret;
	return secshm_view_check((u64)vma->vm_pgoff << PAGE_SHIFT,
				 vma->vm_end - vma->vm_start, h->sec->length, PAGE_SIZE);
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
static int secshm_view_writable(struct secshm_section *sec, struct vm_area_struct *vma)
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
 * Everything that can fail, the allocations included, happens before the
 * backing's mmap: an error after it would leave whatever that mmap took
 * (a hugetlbfs reservation, say) with nobody to give it back, since the
 * core calls no close for a VMA whose mmap failed.
 */
int secshm_client_view_mmap(struct secshm_handle *h, struct vm_area_struct *vma)
{
	struct secshm_section *sec = h->sec;
	const struct vm_operations_struct *ops;
	struct secshm_vm_ops_wrap *spare;
	struct secshm_view *v;
	bool writes;
	int ret;

	ret = secshm_view_allowed(h, vma);
	if (ret)
		return ret;
	spare = kzalloc(sizeof(*spare), GFP_KERNEL);
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	ret = -ENOMEM;
	if (!spare || !v)
		goto err_free;
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

	refcount_set(&v->ref, 1);
	secshm_section_get(sec);
	v->sec = sec;
	v->cl = secshm_client_get(h->cl);
	vma->vm_ops = ops;
	vma->vm_private_data = v;
	atomic_inc(&sec->views);
	atomic_inc(&secshm_count.views);
	return 0;

err_writable:
	if (writes)
		mapping_unmap_writable(sec->filp->f_mapping);
err_quota:
	atomic_dec(&h->cl->views);
err_free:
	kfree(v);
	kfree(spare);
	return ret;
}

/* Only at unload, when no backing file and so no VMA can use them. */
void secshm_client_view_exit(void)
{
	struct secshm_vm_ops_wrap *w, *tmp;

	list_for_each_entry_safe(w, tmp, &secshm_vm_ops_wraps, node)
		kfree(w);
}
