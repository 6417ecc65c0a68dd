// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace: name -> section. A section is linked while it lives (and,
 * if permanent, the namespace holds a reference until UNLINK). Lookups only
 * take sections whose reference count is not already zero.
 *
 * Lock order: mmap_lock -> secshm_names_lock (a view's close may free a
 * section). Nothing that can fault on user memory runs under the lock.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/stringhash.h>

#include "secshm_internal.h"

/* Guards secshm_names, every section's name fields and secshm_names_count. */
DEFINE_MUTEX(secshm_names_lock);
static DEFINE_HASHTABLE(secshm_names, 8);
static unsigned int secshm_names_count;

/* ASCII only: the kernel's isalnum() also takes Latin-1 letters. */
static bool secshm_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static bool secshm_name_dots(const char *comp, u32 len)
{
	return (len == 1 && comp[0] == '.') ||
	       (len == 2 && comp[0] == '.' && comp[1] == '.');
}

/* 1..SECSHM_NAME_MAX bytes of [A-Za-z0-9._-] components joined by '/'. */
int secshm_name_check(const char *name, u32 len)
{
	u32 i, start = 0;

	if (!len)
		return -EINVAL;
	if (len > SECSHM_NAME_MAX)
		return -ENAMETOOLONG;
	for (i = 0; i <= len; i++) {
		if (i < len && name[i] != '/') {
			if (!secshm_name_char(name[i]))
				return -EINVAL;
			continue;
		}
		if (i == start || secshm_name_dots(name + start, i - start))
			return -EINVAL;
		start = i + 1;
	}
	return 0;
}

/*
 * Namespaces (N1, docs/namespaces.md): "global/NAME" and "user/UID/NAME"
 * are qualified; anything else is resolved against the caller, in its own
 * namespace for a client and in the global one for the kernel. UIDs are
 * the init namespace's, as the daemon sees them.
 */
#define NS_GLOBAL_LEN	(sizeof(SECSHM_NS_GLOBAL) - 1)
#define NS_USER_LEN	(sizeof(SECSHM_NS_USER) - 1)

static bool secshm_has_prefix(const char *s, u32 len, const char *p, u32 plen)
{
	return len >= plen && !memcmp(s, p, plen);
}

/* "UID/REST" after "user/": a canonical decimal uid and a rest. */
static int secshm_ns_user(const char *s, u32 len, kuid_t *uid)
{
	u64 v = 0;
	u32 i;

	for (i = 0; i < len && s[i] != '/'; i++) {
		if (s[i] < '0' || s[i] > '9' || (i == 1 && s[0] == '0'))
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
		if (v >= U32_MAX)
			return -EINVAL;
	}
	if (!i || i == len)
		return -EINVAL;	/* "user/" alone, or "user/5" with no name */
	*uid = make_kuid(&init_user_ns, (uid_t)v);
	return uid_valid(*uid) ? 0 : -EINVAL;
}

/*
 * @name (@len bytes, checked) as @global_default resolves it: an
 * unqualified name goes to the global namespace if it is set, else to the
 * caller's own. The qualified name goes to @out (SECSHM_NAME_MAX + 1
 * bytes, NUL-terminated) and its namespace to @ns.
 */
int secshm_name_resolve(const char *name, u32 len, bool global_default, char *out,
			u32 *out_len, struct secshm_ns *ns)
{
	int n;

	*ns = (struct secshm_ns){ .qualified = true };
	if (secshm_has_prefix(name, len, SECSHM_NS_GLOBAL, NS_GLOBAL_LEN)) {
		ns->global = true;
		n = snprintf(out, SECSHM_NAME_MAX + 1, "%.*s", (int)len, name);
	} else if (secshm_has_prefix(name, len, SECSHM_NS_USER, NS_USER_LEN)) {
		int ret = secshm_ns_user(name + NS_USER_LEN, len - NS_USER_LEN, &ns->uid);

		if (ret)
			return ret;
		n = snprintf(out, SECSHM_NAME_MAX + 1, "%.*s", (int)len, name);
	} else if ((len == NS_GLOBAL_LEN - 1 && !memcmp(name, SECSHM_NS_GLOBAL, len)) ||
		   (len == NS_USER_LEN - 1 && !memcmp(name, SECSHM_NS_USER, len))) {
		return -EINVAL;	/* a namespace is not a name */
	} else if (global_default) {
		*ns = (struct secshm_ns){ .global = true };
		n = snprintf(out, SECSHM_NAME_MAX + 1, SECSHM_NS_GLOBAL "%.*s", (int)len, name);
	} else {
		*ns = (struct secshm_ns){ .uid = current_fsuid() };
		n = snprintf(out, SECSHM_NAME_MAX + 1, SECSHM_NS_USER "%u/%.*s",
			     from_kuid(&init_user_ns, ns->uid), (int)len, name);
	}
	if (n > SECSHM_NAME_MAX)
		return -ENAMETOOLONG;
	*out_len = n;
	return 0;
}

/*
 * May the calling client make a new name in @ns? Global names need
 * CAP_SYS_ADMIN or the global_gid group (NT's SeCreateGlobalPrivilege), a
 * uid's names that uid.
 */
bool secshm_name_may_create(const struct secshm_ns *ns)
{
	if (!ns->global)
		return uid_eq(ns->uid, current_fsuid());
	if (secshm_global_gid >= 0 &&
	    in_group_p(make_kgid(&init_user_ns, secshm_global_gid)))
		return true;
	return capable(CAP_SYS_ADMIN);
}

static u32 secshm_name_hash(const char *name, u32 len)
{
	return full_name_hash(NULL, name, len);
}

/* Under secshm_names_lock: the live section of that name, referenced. */
static struct secshm_section *secshm_name_find(const char *name, u32 len)
{
	struct secshm_section *sec;

	hash_for_each_possible(secshm_names, sec, name_node,
			       secshm_name_hash(name, len)) {
		if (sec->name_len == len && !memcmp(sec->name, name, len) &&
		    kref_get_unless_zero(&sec->ref))
			return sec;
	}
	return NULL;
}

struct secshm_section *secshm_name_lookup(const char *name, u32 len)
{
	struct secshm_section *sec;

	mutex_lock(&secshm_names_lock);
	sec = secshm_name_find(name, len);
	mutex_unlock(&secshm_names_lock);
	return sec;
}

/*
 * Link @sec under @name unless a live section has it; then *@existing is
 * that section, referenced, and @sec is untouched. A permanent name holds
 * a reference to @sec and is charged to the owner's account until
 * unlinked (-EDQUOT past owner_sections or owner_bytes).
 */
int secshm_name_link(struct secshm_section *sec, const char *name, u32 len,
		     struct secshm_section **existing)
{
	struct secshm_account *owner = NULL;
	char *copy;
	int ret = -ENOMEM;

	copy = kmemdup(name, len, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	if (sec->permanent) {
		owner = secshm_account_get(sec->sd.owner);
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

/* Remove the name, and the reference and charge a permanent name holds. */
void secshm_name_unlink(struct secshm_section *sec)
{
	struct secshm_account *owner;

	mutex_lock(&secshm_names_lock);
	if (!sec->linked) {
		mutex_unlock(&secshm_names_lock);
		return;
	}
	hash_del(&sec->name_node);
	secshm_names_count--;
	sec->linked = false;
	sec->flags |= SECSHM_SECTION_UNLINKED;
	sec->permanent = false;
	owner = sec->owner;
	sec->owner = NULL;
	mutex_unlock(&secshm_names_lock);

	if (owner) {
		secshm_owner_uncharge(owner, sec->length);
		secshm_account_put(owner);
		secshm_section_release(sec);
	}
}

/* Called by the section's release with the lock held. */
void secshm_name_drop(struct secshm_section *sec)
{
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

/*
 * Every section the caller may query, referenced and in id order (a stable
 * order for paging), in *@out; the caller releases each and kvfrees @out.
 */
int secshm_name_list(struct secshm_section ***out, u32 *count)
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
		if (secshm_visible(sec) && kref_get_unless_zero(&sec->ref))
			secs[n++] = sec;
	}
	mutex_unlock(&secshm_names_lock);

	sort(secs, n, sizeof(*secs), secshm_by_id, NULL);
	*out = secs;
	*count = n;
	return 0;
}
