// SPDX-License-Identifier: GPL-2.0
/*
 * Section objects: a shmem file the module owns (the "paging file" backing),
 * its quotas, pinned pages and the kernel view.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "secshm_internal.h"

static atomic64_t secshm_next_id;

/*
 * Charge a section to the client that creates it and to that client's uid
 * (-EDQUOT), and to the module (-ENOSPC), for the section's whole life.
 */
static int secshm_client_charge(struct secshm_client *cl, u64 length)
{
	struct secshm_account *a = cl->account;
	int ret;

	ret = secshm_quota_take(&cl->sections, secshm_max_sections);
	if (ret)
		return ret;
	ret = secshm_quota_add(&cl->bytes, length, secshm_max_bytes);
	if (ret)
		goto err_sections;
	ret = secshm_quota_take(&a->sections, secshm_uid_sections);
	if (ret)
		goto err_bytes;
	ret = secshm_quota_add(&a->bytes, length, secshm_uid_bytes);
	if (ret)
		goto err_uid_sections;
	return 0;

err_uid_sections:
	atomic_dec(&a->sections);
err_bytes:
	atomic64_sub(length, &cl->bytes);
err_sections:
	atomic_dec(&cl->sections);
	return ret;
}

static void secshm_client_uncharge(struct secshm_client *cl, u64 length)
{
	atomic64_sub(length, &cl->account->bytes);
	atomic_dec(&cl->account->sections);
	atomic64_sub(length, &cl->bytes);
	atomic_dec(&cl->sections);
}

static int secshm_charge(struct secshm_client *cl, u64 length)
{
	int ret;

	if (cl) {
		ret = secshm_client_charge(cl, length);
		if (ret)
			return ret;
	}
	ret = -ENOSPC;
	if (atomic_inc_return(&secshm_count.sections) > secshm_total_sections)
		goto err_total_sections;
	if (atomic64_add_return(length, &secshm_count.bytes) > secshm_total_bytes)
		goto err_total_bytes;
	return 0;

err_total_bytes:
	atomic64_sub(length, &secshm_count.bytes);
err_total_sections:
	atomic_dec(&secshm_count.sections);
	if (cl)
		secshm_client_uncharge(cl, length);
	return ret;
}

static void secshm_uncharge(struct secshm_client *cl, u64 length)
{
	atomic64_sub(length, &secshm_count.bytes);
	atomic_dec(&secshm_count.sections);
	if (cl)
		secshm_client_uncharge(cl, length);
}

/* The anonymous, swappable backing: mode 0, nobody can reopen it. */
static struct file *secshm_shmem_backing(u64 length)
{
	struct file *filp = shmem_file_setup("secshm", length, VM_NORESERVE);

	if (!IS_ERR(filp))
		file_inode(filp)->i_mode &= ~0777;
	return filp;
}

static int secshm_pinned_charge(u64 length)
{
	if (atomic64_add_return(length, &secshm_count.pinned) > secshm_total_pinned) {
		atomic64_sub(length, &secshm_count.pinned);
		return -ENOSPC;
	}
	return 0;
}

/*
 * A new unnamed section with one reference, charged to @creator (NULL for
 * the kernel). @length is rounded up to whole pages. @fd is the caller's
 * file for SECSHM_SECTION_FILE, else unused; the file may make the section
 * SECSHM_SECTION_READONLY (P9).
 */
struct secshm_section *secshm_section_alloc(struct secshm_client *creator,
					    u64 length, u32 flags, int fd)
{
	u64 asked = length;
	struct secshm_section *sec;
	struct file *filp;
	int ret;

	if (!length)
		return ERR_PTR(-EINVAL);
	if (length > MAX_LFS_FILESIZE - PAGE_SIZE)
		return ERR_PTR(-EOVERFLOW);
	length = PAGE_ALIGN(length);

	ret = secshm_charge(creator, length);
	if (ret)
		return ERR_PTR(ret);
	if (flags & SECSHM_SECTION_PINNED) {
		ret = secshm_pinned_charge(length);
		if (ret)
			goto err_uncharge;
	}
	sec = kzalloc(sizeof(*sec), GFP_KERNEL);
	if (!sec) {
		ret = -ENOMEM;
		goto err_unpinned;
	}
	filp = flags & SECSHM_SECTION_FILE ? secshm_file_backing(fd, asked, &flags) :
					     secshm_shmem_backing(length);
	if (IS_ERR(filp)) {
		ret = PTR_ERR(filp);
		goto err_free;
	}
	ret = secshm_view_backing(sec, filp);
	if (ret) {
		fput(filp);
		goto err_free;
	}

	kref_init(&sec->ref);
	mutex_init(&sec->pin_lock);
	sec->id = atomic64_inc_return(&secshm_next_id);
	sec->length = length;
	sec->flags = flags;
	sec->filp = filp;
	if (creator) {
		kref_get(&creator->ref);
		sec->creator = creator;
		sec->flags |= SECSHM_SECTION_CLIENT_CREATED;
	}
	if (flags & SECSHM_SECTION_PINNED) {
		ret = secshm_section_pin(sec);
		if (ret) {
			secshm_section_release(sec);
			return ERR_PTR(ret);
		}
	}
	return sec;

err_free:
	kfree(sec);
err_unpinned:
	if (flags & SECSHM_SECTION_PINNED)
		atomic64_sub(length, &secshm_count.pinned);
err_uncharge:
	secshm_uncharge(creator, length);
	return ERR_PTR(ret);
}

void secshm_section_get(struct secshm_section *sec)
{
	kref_get(&sec->ref);
}

/* Count a reference as the server's own (P7): QUERY's server_refs. */
void secshm_server_ref(struct secshm_section *sec)
{
	atomic_inc(&sec->server_refs);
	atomic_inc(&secshm_count.server_refs);
}

static void secshm_pages_put(struct page **pages, unsigned long n)
{
	while (n--)
		put_page(pages[n]);
	kvfree(pages);
}

static void secshm_section_free(struct kref *ref)
{
	struct secshm_section *sec = container_of(ref, struct secshm_section, ref);

	if (sec->name) {
		mutex_lock(&secshm_names_lock);
		secshm_name_drop(sec);
		mutex_unlock(&secshm_names_lock);
	}
	if (sec->kview)
		vunmap(sec->kview);
	if (sec->pages)
		secshm_pages_put(sec->pages, sec->length >> PAGE_SHIFT);
	fput(sec->filp);
	if (sec->flags & SECSHM_SECTION_PINNED)
		atomic64_sub(sec->length, &secshm_count.pinned);
	secshm_uncharge(sec->creator, sec->length);
	if (sec->creator)
		secshm_client_put(sec->creator);
	kfree(sec->name);
	kfree(sec);
}

void secshm_section_release(struct secshm_section *sec)
{
	kref_put(&sec->ref, secshm_section_free);
}

void secshm_section_info(struct secshm_section *sec,
			 struct secshm_section_info *info)
{
	struct user_namespace *ns = current_user_ns();

	memset(info, 0, sizeof(*info));
	info->id = sec->id;
	info->length = sec->length;
	info->flags = READ_ONCE(sec->flags);
	info->owner = from_kuid_munged(ns, sec->sd.owner);
	info->group = from_kgid_munged(ns, sec->sd.group);
	info->mode = sec->sd.mode;
	info->handles = atomic_read(&sec->handles);
	info->views = atomic_read(&sec->views);
	info->server_refs = atomic_read(&sec->server_refs);
	if (sec->name) {
		info->name_len = sec->name_len;
		memcpy(info->name, sec->name, sec->name_len);
	}
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

/*
 * Copy between the section and kernel memory. An anonymous section goes a
 * page at a time through the page cache; no user mapping is involved and
 * clients cannot truncate or punch it, so nothing a client does can fault
 * here (P5). A file can shrink under us (its owner holds it): read and
 * write it like pread/pwrite, and a short count is -EFAULT. The caller
 * checked the bounds.
 */
static int secshm_file_copy(struct secshm_section *sec, u64 pos, void *buf,
			    size_t len, bool write)
{
	loff_t off = pos;
	ssize_t n;

	n = write ? kernel_write(sec->filp, buf, len, &off) :
		    kernel_read(sec->filp, buf, len, &off);
	if (n < 0)
		return n;
	return n == len ? 0 : -EFAULT;
}

int secshm_section_copy(struct secshm_section *sec, u64 pos, void *buf,
			size_t len, bool write)
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

void *secshm_kmap(struct secshm_section *sec)
{
	void *addr;
	int ret;

	if (sec->flags & SECSHM_SECTION_FILE)
		return ERR_PTR(-EOPNOTSUPP);	/* its owner can truncate it */
	ret = secshm_section_pin(sec);
	if (ret)
		return ERR_PTR(ret);
	mutex_lock(&sec->pin_lock);
	if (!sec->kview_count) {
		sec->kview = vmap(sec->pages, sec->length >> PAGE_SHIFT, VM_MAP,
				  PAGE_KERNEL);
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
EXPORT_SYMBOL_GPL(secshm_kmap);

void secshm_kunmap(struct secshm_section *sec)
{
	mutex_lock(&sec->pin_lock);
	if (!--sec->kview_count) {
		vunmap(sec->kview);
		sec->kview = NULL;
	}
	mutex_unlock(&sec->pin_lock);
	secshm_section_unpin(sec);
}
EXPORT_SYMBOL_GPL(secshm_kunmap);

static int secshm_range_check(const struct secshm_section *sec, u64 pos,
			      size_t len)
{
	u64 end;

	if (check_add_overflow(pos, (u64)len, &end))
		return -EOVERFLOW;
	return end > sec->length ? -ERANGE : 0;
}

int secshm_section_read(struct secshm_section *sec, u64 pos, void *dst,
			size_t len)
{
	int ret = secshm_range_check(sec, pos, len);

	return ret ?: secshm_section_copy(sec, pos, dst, len, false);
}
EXPORT_SYMBOL_GPL(secshm_section_read);

int secshm_section_write(struct secshm_section *sec, u64 pos,
			 const void *src, size_t len)
{
	int ret = secshm_range_check(sec, pos, len);

	return ret ?: secshm_section_copy(sec, pos, (void *)src, len, true);
}
EXPORT_SYMBOL_GPL(secshm_section_write);

u64 secshm_section_length(const struct secshm_section *sec)
{
	return sec->length;
}
EXPORT_SYMBOL_GPL(secshm_section_length);

u32 secshm_section_flags(const struct secshm_section *sec)
{
	return READ_ONCE(sec->flags);
}
EXPORT_SYMBOL_GPL(secshm_section_flags);

struct secshm_section *secshm_section_create(const char *name, u64 length,
					     u32 flags,
					     const struct secshm_sd *sd)
{
	static const struct secshm_sd root_sd;
	struct secshm_section *sec, *existing;
	u32 len = name ? strnlen(name, SECSHM_NAME_MAX + 1) : 0;
	char qname[SECSHM_NAME_MAX + 1];
	struct secshm_ns ns;
	int ret;

	if (flags & ~(SECSHM_SECTION_SERVER_PRIVATE | SECSHM_SECTION_TRUSTED_ONLY |
		      SECSHM_SECTION_PINNED))
		return ERR_PTR(-EINVAL);
	if (name) {
		ret = secshm_name_check(name, len) ?:
		      secshm_name_resolve(name, len, true, qname, &len, &ns);
		if (ret)
			return ERR_PTR(ret);
	}
	sec = secshm_section_alloc(NULL, length, flags, -1);
	if (IS_ERR(sec))
		return sec;
	ret = secshm_sd_from_user(&sec->sd, sd ?: &root_sd, true);
	if (!ret && name) {
		ret = secshm_name_link(sec, qname, len, &existing);
		if (!ret && existing) {
			secshm_section_release(existing);
			ret = -EEXIST;
		}
	}
	if (ret) {
		secshm_section_release(sec);
		return ERR_PTR(ret);
	}
	secshm_server_ref(sec);
	return sec;
}
EXPORT_SYMBOL_GPL(secshm_section_create);

struct secshm_section *secshm_section_open(const char *name)
{
	u32 len = strnlen(name, SECSHM_NAME_MAX + 1);
	char qname[SECSHM_NAME_MAX + 1];
	struct secshm_section *sec;
	struct secshm_ns ns;
	int ret = secshm_name_check(name, len) ?:
		  secshm_name_resolve(name, len, true, qname, &len, &ns);

	if (ret)
		return ERR_PTR(ret);
	sec = secshm_name_lookup(qname, len);
	if (!sec)
		return ERR_PTR(-ENOENT);
	if (sec->flags & SECSHM_SECTION_CLIENT_CREATED) {
		secshm_section_release(sec);
		return ERR_PTR(-EEXIST);
	}
	secshm_server_ref(sec);
	return sec;
}
EXPORT_SYMBOL_GPL(secshm_section_open);
