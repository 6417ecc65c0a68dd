// SPDX-License-Identifier: GPL-2.0
/*
 * A section's bytes as the module reaches them: copies between the section
 * and kernel memory (P5), pinned pages (Q3), write-back (S1).
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "secshm_internal.h"

static void secshm_pages_put(struct page **pages, unsigned long n)
{
	while (n--)
		put_page(pages[n]);
	kvfree(pages);
}

/* Hold every page of the section in memory until the matching unpin. */
int secshm_section_pin(struct secshm_section *sec)
{
	unsigned long i, n = sec->length >> PAGE_SHIFT;
	struct address_space *mapping = sec->filp->f_mapping;
	struct page **pages;
	int ret = 0;

	mutex_lock(&sec->pin_lock);
	if (sec->pin_count++)
		goto out;
	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages) {
		ret = -ENOMEM;
		goto err;
	}
	for (i = 0; i < n; i++) {
		pages[i] = shmem_read_mapping_page(mapping, i);
		if (IS_ERR(pages[i])) {
			ret = PTR_ERR(pages[i]);
			secshm_pages_put(pages, i);
			goto err;
		}
	}
	sec->pages = pages;
	goto out;
err:
	sec->pin_count--;
out:
	mutex_unlock(&sec->pin_lock);
	return ret;
}

void secshm_section_unpin(struct secshm_section *sec)
{
	mutex_lock(&sec->pin_lock);
	if (!--sec->pin_count) {
		secshm_pages_put(sec->pages, sec->length >> PAGE_SHIFT);
		sec->pages = NULL;
	}
	mutex_unlock(&sec->pin_lock);
}

void secshm_section_pages_free(struct secshm_section *sec)
{
	if (sec->kview)
		vunmap(sec->kview);
	if (sec->pages)
		secshm_pages_put(sec->pages, sec->length >> PAGE_SHIFT);
}

/*
 * A file can shrink under us (its owner holds it): read and write it like
 * pread/pwrite, and a short count is -EFAULT.
 */
static int secshm_file_copy(struct secshm_section *sec, u64 pos, void *buf, size_t len,
			    bool write)
{
	loff_t off = pos;
	ssize_t n;

	n = write ? kernel_write(sec->filp, buf, len, &off) :
		    kernel_read(sec->filp, buf, len, &off);
	if (n < 0)
		return n;
	return n == len ? 0 : -EFAULT;
}

/*
 * An anonymous section goes a page at a time through the page cache; no
 * user mapping is involved and clients cannot truncate or punch it, so
 * nothing a client does can fault here (P5).
 */
int secshm_section_copy(struct secshm_section *sec, u64 pos, void *buf, size_t len, bool write)
{
	struct address_space *mapping = sec->filp->f_mapping;

	if (sec->flags & SECSHM_SECTION_FILE)
		return secshm_file_copy(sec, pos, buf, len, write);

	while (len) {
		size_t off = offset_in_page(pos);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		struct page *page;
		void *kaddr;

		page = shmem_read_mapping_page(mapping, pos >> PAGE_SHIFT);
		if (IS_ERR(page))
			return PTR_ERR(page);
		kaddr = kmap_local_page(page);
		if (write) {
			memcpy(kaddr + off, buf, n);
			flush_dcache_page(page);
			set_page_dirty_lock(page);
		} else {
			memcpy(buf, kaddr + off, n);
		}
		kunmap_local(kaddr);
		put_page(page);
		pos += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Anonymous sections have nothing to write back; files are synced. */
int secshm_section_flush(struct secshm_section *sec, u64 pos, u64 len)
{
	if (!(sec->flags & SECSHM_SECTION_FILE))
		return 0;
	return vfs_fsync_range(sec->filp, pos, pos + len - 1, 0);
}

/* A driver's range: -EOVERFLOW, -ERANGE; nothing at the end is fine. */
static int secshm_section_range(const struct secshm_section *sec, u64 pos, size_t len)
{
	if (!len)
		return pos > sec->length ? -ERANGE : 0;
	return secshm_range_check(pos, len, sec->length);
}

int secshm_section_read(struct secshm_section *sec, u64 pos, void *dst, size_t len)
{
	return secshm_section_range(sec, pos, len) ?:
	       secshm_section_copy(sec, pos, dst, len, false);
}
EXPORT_SYMBOL_GPL(secshm_section_read);

int secshm_section_write(struct secshm_section *sec, u64 pos, const void *src, size_t len)
{
	return secshm_section_range(sec, pos, len) ?:
	       secshm_section_copy(sec, pos, (void *)src, len, true);
}
EXPORT_SYMBOL_GPL(secshm_section_write);
