// SPDX-License-Identifier: GPL-2.0
/*
 * The section object: its backing, its charges, its references. Clients
 * hold it through handles and views, the kernel through server references
 * (P7), a permanent name through one of its own; the last put frees it.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/slab.h>

#include "secshm_internal.h"

static atomic64_t secshm_next_id;

struct secshm_section *secshm_section_alloc(struct secshm_client *creator, u64 length,
					    u32 flags, int fd)
{
	bool pinned = flags & SECSHM_SECTION_PINNED;
	struct secshm_section *sec;
	struct file *filp;
	u64 rounded;
	int ret;

	ret = secshm_length_check(length, PAGE_SIZE, MAX_LFS_FILESIZE, &rounded);
	if (ret)
		return ERR_PTR(ret);
	ret = secshm_section_charge(creator, rounded, pinned);
	if (ret)
		return ERR_PTR(ret);
	sec = kzalloc(sizeof(*sec), GFP_KERNEL);
	if (!sec) {
		ret = -ENOMEM;
		goto err_uncharge;
	}
	filp = flags & SECSHM_SECTION_FILE ? secshm_file_backing(fd, length, &flags) :
					     secshm_shmem_backing(rounded);
	if (IS_ERR(filp)) {
		ret = PTR_ERR(filp);
		goto err_free;
	}
	ret = secshm_backing_wrap(sec, filp);
	if (ret) {
		fput(filp);
		goto err_free;
	}

	kref_init(&sec->ref);
	mutex_init(&sec->pin_lock);
	sec->id = atomic64_inc_return(&secshm_next_id);
	sec->length = rounded;
	sec->flags = flags;
	sec->filp = filp;
	if (creator) {
		sec->creator = secshm_client_get(creator);
		sec->flags |= SECSHM_SECTION_CLIENT_CREATED;
	}
	if (pinned) {
		ret = secshm_section_pin(sec);
		if (ret) {
			__secshm_section_put(sec);
			return ERR_PTR(ret);
		}
	}
	return sec;

err_free:
	kfree(sec);
err_uncharge:
	secshm_section_uncharge(creator, rounded, pinned);
	return ERR_PTR(ret);
}

void secshm_section_get(struct secshm_section *sec)
{
	kref_get(&sec->ref);
}

static void secshm_section_free(struct kref *ref)
{
	struct secshm_section *sec = container_of(ref, struct secshm_section, ref);

	if (sec->name) {
		mutex_lock(&secshm_names_lock);
		secshm_name_drop(sec);
		mutex_unlock(&secshm_names_lock);
	}
	secshm_section_pages_free(sec);
	fput(sec->filp);
	secshm_section_uncharge(sec->creator, sec->length, sec->flags & SECSHM_SECTION_PINNED);
	if (sec->creator)
		secshm_client_put(sec->creator);
	kfree(sec->name);
	kfree(sec);
}

void __secshm_section_put(struct secshm_section *sec)
{
	kref_put(&sec->ref, secshm_section_free);
}

void secshm_section_get_server(struct secshm_section *sec)
{
	secshm_section_get(sec);
	atomic_inc(&sec->server_refs);
	atomic_inc(&secshm_count.server_refs);
}

void secshm_section_put(struct secshm_section *sec)
{
	atomic_dec(&sec->server_refs);
	atomic_dec(&secshm_count.server_refs);
	__secshm_section_put(sec);
}
EXPORT_SYMBOL_GPL(secshm_section_put);

/* As the caller's user namespace sees the owner and group. */
void secshm_section_info(struct secshm_section *sec, struct secshm_section_info *info)
{
	struct user_namespace *ns = current_user_ns();

	memset(info, 0, sizeof(*info));
	info->id = sec->id;
	info->length = sec->length;
	info->flags = READ_ONCE(sec->flags);
	info->owner = from_kuid_munged(ns, make_kuid(&init_user_ns, sec->sd.owner));
	info->group = from_kgid_munged(ns, make_kgid(&init_user_ns, sec->sd.group));
	info->mode = sec->sd.mode;
	info->handles = atomic_read(&sec->handles);
	info->views = atomic_read(&sec->views);
	info->server_refs = atomic_read(&sec->server_refs);
	if (sec->name) {
		info->name_len = sec->name_len;
		memcpy(info->name, sec->name, sec->name_len);
	}
}

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
