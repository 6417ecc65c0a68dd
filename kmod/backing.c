// SPDX-License-Identifier: GPL-2.0
/*
 * A section's backing: a shmem file the module owns (the "paging file"),
 * or the module's own open of a client's file (file.c). Either way the
 * struct file is the module's alone, and its f_op is swapped for a copy
 * without mmap or fallocate: nothing that reaches the backing through a
 * view's VMA (remap_file_pages, madvise(MADV_REMOVE)) can go around the
 * checks client_view.c makes (the ashmem CVE-2020-0009 lesson). The
 * original mmap is kept in the section for the views.
 */
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>

#include "secshm_internal.h"

/* One wrapped copy per original table, for the module's lifetime. */
struct secshm_fops_wrap {
	struct list_head node;
	const struct file_operations *orig;
	struct file_operations fops;
};

static LIST_HEAD(secshm_fops_wraps);
static DEFINE_MUTEX(secshm_fops_wraps_lock);

struct file *secshm_shmem_backing(u64 length)
{
	struct file *filp = shmem_file_setup("secshm", length, VM_NORESERVE);

	if (!IS_ERR(filp))
		file_inode(filp)->i_mode &= ~0777;
	return filp;
}

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

/* The wrapped f_op pins the module as long as the file (and so any VMA on it) lives. */
int secshm_backing_wrap(struct secshm_section *sec, struct file *filp)
{
	struct secshm_fops_wrap *w;

	if (!filp->f_op->mmap)
		return -ENODEV;
	mutex_lock(&secshm_fops_wraps_lock);
	w = secshm_fops_wrap(filp->f_op);
	mutex_unlock(&secshm_fops_wraps_lock);
	if (!w)
		return -ENOMEM;
	sec->backing_mmap = w->orig->mmap;
	replace_fops(filp, fops_get(&w->fops));
	return 0;
}

/* Only at unload, when no backing file can use them. */
void secshm_backing_exit(void)
{
	struct secshm_fops_wrap *w, *tmp;

	list_for_each_entry_safe(w, tmp, &secshm_fops_wraps, node)
		kfree(w);
}
