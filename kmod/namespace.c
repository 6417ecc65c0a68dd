// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace: qualified name -> section (the core resolves and checks
 * names: core/name.c). A section is linked while it lives, and a permanent
 * name holds a reference to it until UNLINK. Lookups only take sections
 * whose reference count is not already zero.
 */
#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stringhash.h>

#include "secshm_internal.h"

/* Guards secshm_names, every section's name fields and secshm_names_count. */
DEFINE_MUTEX(secshm_names_lock);
static DEFINE_HASHTABLE(secshm_names, 8);
static unsigned int secshm_names_count;

static u32 secshm_name_hash(const char *name, size_t len)
{
	return full_name_hash(NULL, name, len);
}

/* Under secshm_names_lock: the live section of that name, referenced. */
static struct secshm_section *secshm_name_find(const char *name, size_t len)
{
	struct secshm_section *sec;

	hash_for_each_possible(secshm_names, sec, name_node, secshm_name_hash(name, len)) {
		if (sec->name_len == len && !memcmp(sec->name, name, len) &&
		    kref_get_unless_zero(&sec->ref))
			return sec;
	}
	return NULL;
}

struct secshm_section *secshm_name_lookup(const char *name, size_t len)
{
	struct secshm_section *sec;

	mutex_lock(&secshm_names_lock);
	sec = secshm_name_find(name, len);
	mutex_unlock(&secshm_names_lock);
	return sec;
}

int secshm_name_link(struct secshm_section *sec, const char *name, size_t len, bool permanent,
		     struct secshm_section **existing)
{
	struct secshm_account *owner = NULL;
	char *copy;
	int ret = -ENOMEM;

	copy = kmemdup(name, len, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	if (permanent) {
		owner = secshm_account_get(make_kuid(&init_user_ns, sec->sd.owner));
		if (!owner)
			goto out_free;
	}

	mutex_lock(&secshm_names_lock);
	ret = 0;
	*existing = secshm_name_find(name, len);
	if (*existing)
		goto out;
	if (owner) {
		ret = secshm_owner_charge(owner, sec->length);
		if (ret)
			goto out;
		swap(sec->owner, owner);
		kref_get(&sec->ref);
		sec->flags |= SECSHM_SECTION_PERMANENT;
	}
	swap(sec->name, copy);
	sec->name_len = len;
	sec->linked = true;
	hash_add(secshm_names, &sec->name_node, secshm_name_hash(name, len));
	secshm_names_count++;
out:
	mutex_unlock(&secshm_names_lock);
	if (owner)
		secshm_account_put(owner);
out_free:
	kfree(copy);
	return ret;
}

bool secshm_name_unlink(struct secshm_section *sec)
{
	struct secshm_account *owner;

	mutex_lock(&secshm_names_lock);
	if (!sec->linked) {
		mutex_unlock(&secshm_names_lock);
		return false;
	}
	hash_del(&sec->name_node);
	secshm_names_count--;
	sec->linked = false;
	sec->flags |= SECSHM_SECTION_UNLINKED;
	owner = sec->owner;
	sec->owner = NULL;
	mutex_unlock(&secshm_names_lock);

	if (!owner)
		return false;
	secshm_owner_uncharge(owner, sec->length);
	secshm_account_put(owner);
	return true;
}

void secshm_name_drop(struct secshm_section *sec)
{
	lockdep_assert_held(&secshm_names_lock);
	if (sec->linked) {
		hash_del(&sec->name_node);
		secshm_names_count--;
		sec->linked = false;
	}
}

static int secshm_by_id(const void *a, const void *b)
{
	const struct secshm_section *x = *(struct secshm_section * const *)a;
	const struct secshm_section *y = *(struct secshm_section * const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* LIST shows a section only to callers that could query it. */
static bool secshm_name_visible(const struct secshm_section *sec, const struct secshm_who *who)
{
	return !secshm_open_check(sec->flags, &sec->sd, who, SECSHM_ACCESS_QUERY);
}

int secshm_name_list(const struct secshm_who *who, struct secshm_section ***out, u32 *count)
{
	struct secshm_section **secs;
	struct secshm_section *sec;
	unsigned int bkt;
	u32 n = 0;

	mutex_lock(&secshm_names_lock);
	secs = kvmalloc_array(secshm_names_count ?: 1, sizeof(*secs), GFP_KERNEL);
	if (!secs) {
		mutex_unlock(&secshm_names_lock);
		return -ENOMEM;
	}
	hash_for_each(secshm_names, bkt, sec, name_node) {
		if (secshm_name_visible(sec, who) && kref_get_unless_zero(&sec->ref))
			secs[n++] = sec;
	}
	mutex_unlock(&secshm_names_lock);

	sort(secs, n, sizeof(*secs), secshm_by_id, NULL);
	*out = secs;
	*count = n;
	return 0;
}
