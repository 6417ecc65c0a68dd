// SPDX-License-Identifier: GPL-2.0
/*
 * Server views (P2): a section in kernel virtual memory, a vmap of its
 * pinned pages, shared by every map of it until the last unmap. A file
 * section has none: its owner can truncate the file under the pages.
 */
#include <linux/err.h>
#include <linux/vmalloc.h>

#include "secshm_internal.h"

void *secshm_view_map(struct secshm_section *sec)
{
	void *addr;
	int ret;

	if (sec->flags & SECSHM_SECTION_FILE)
		return ERR_PTR(-EOPNOTSUPP);
	ret = secshm_section_pin(sec);
	if (ret)
		return ERR_PTR(ret);
	mutex_lock(&sec->pin_lock);
	if (!sec->kview_count) {
		sec->kview = vmap(sec->pages, sec->length >> PAGE_SHIFT, VM_MAP, PAGE_KERNEL);
		if (!sec->kview) {
			mutex_unlock(&sec->pin_lock);
			secshm_section_unpin(sec);
			return ERR_PTR(-ENOMEM);
		}
	}
	sec->kview_count++;
	addr = sec->kview;
	mutex_unlock(&sec->pin_lock);
	return addr;
}
EXPORT_SYMBOL_GPL(secshm_view_map);

void secshm_view_unmap(struct secshm_section *sec)
{
	mutex_lock(&sec->pin_lock);
	if (!--sec->kview_count) {
		vunmap(sec->kview);
		sec->kview = NULL;
	}
	mutex_unlock(&sec->pin_lock);
	secshm_section_unpin(sec);
}
EXPORT_SYMBOL_GPL(secshm_view_unmap);
