// SPDX-License-Identifier: GPL-2.0
/*
 * Per-uid accounts (Q5, docs/quotas.md). Opening /dev/secshm is free, so a
 * quota per client bounds nothing by itself, and a global cap alone lets
 * one user take all of it. So every client (open), every section a client
 * creates (for the section's whole life, not the open's), every transfer
 * token and every permanent name is also charged to a uid, whose limits
 * are a fraction of the global caps. An account lives while anything is
 * charged to it: the clients of its uid and the permanent names it owns.
 */
#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "secshm_internal.h"

static DEFINE_HASHTABLE(secshm_accounts, 6);
static DEFINE_SPINLOCK(secshm_accounts_lock);

static u32 secshm_account_key(kuid_t uid)
{
	return hash_32(__kuid_val(uid), HASH_BITS(secshm_accounts));
}

/* Under secshm_accounts_lock; a listed account has a reference. */
static struct secshm_account *secshm_account_find(kuid_t uid)
{
	struct secshm_account *a;

	hash_for_each_possible(secshm_accounts, a, node, secshm_account_key(uid))
		if (uid_eq(a->uid, uid))
			return a;
	return NULL;
}

/* The account of @uid, referenced; made if it has none. NULL: no memory. */
struct secshm_account *secshm_account_get(kuid_t uid)
{
	struct secshm_account *a, *new;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return NULL;
	kref_init(&new->ref);
	new->uid = uid;

	spin_lock(&secshm_accounts_lock);
	a = secshm_account_find(uid);
	if (a) {
		kref_get(&a->ref);
	} else {
		hash_add(secshm_accounts, &new->node, secshm_account_key(uid));
		atomic_inc(&secshm_count.accounts);
		swap(a, new);
	}
	spin_unlock(&secshm_accounts_lock);
	kfree(new);
	return a;
}

static void secshm_account_free(struct kref *ref)
	__releases(&secshm_accounts_lock)
{
	struct secshm_account *a = container_of(ref, struct secshm_account, ref);

	hash_del(&a->node);
	spin_unlock(&secshm_accounts_lock);
	atomic_dec(&secshm_count.accounts);
	kfree(a);
}

void secshm_account_put(struct secshm_account *a)
{
	kref_put_lock(&a->ref, secshm_account_free, &secshm_accounts_lock);
}

/* A permanent name of @length bytes for its owner's account, until unlinked. */
int secshm_owner_charge(struct secshm_account *a, u64 length)
{
	int ret = secshm_quota_take(&a->owner_sections, secshm_owner_sections);

	if (ret)
		return ret;
	ret = secshm_quota_add(&a->owner_bytes, length, secshm_owner_bytes);
	if (ret)
		atomic_dec(&a->owner_sections);
	return ret;
}

void secshm_owner_uncharge(struct secshm_account *a, u64 length)
{
	atomic64_sub(length, &a->owner_bytes);
	atomic_dec(&a->owner_sections);
}
