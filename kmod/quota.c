// SPDX-License-Identifier: GPL-2.0
/*
 * Quotas (Q1, Q3, Q5; docs/quotas.md): what a client, its uid and the
 * module are charged for, and the counters STATS reports. A charge is
 * taken whole before the object exists and given back when it goes; the
 * comparison is the core's (secshm_quota_over), made in a compare-and-swap
 * loop so that no counter passes its limit even for a moment.
 */
#include "secshm_internal.h"

struct secshm_counters secshm_count;

int secshm_quota_take(atomic_t *count, unsigned int max)
{
	int old = atomic_read(count);

	do {
		if (secshm_quota_over((u32)old, 1, max))
			return -EDQUOT;
	} while (!atomic_try_cmpxchg(count, &old, old + 1));
	return 0;
}

int secshm_quota_add(atomic64_t *count, u64 n, u64 max)
{
	s64 old = atomic64_read(count);

	do {
		if (secshm_quota_over((u64)old, n, max))
			return -EDQUOT;
	} while (!atomic64_try_cmpxchg(count, &old, old + n));
	return 0;
}

/* To the client and its uid, for the section's whole life: -EDQUOT. */
static int client_charge(struct secshm_client *cl, u64 length)
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

static void client_uncharge(struct secshm_client *cl, u64 length)
{
	atomic64_sub(length, &cl->account->bytes);
	atomic_dec(&cl->account->sections);
	atomic64_sub(length, &cl->bytes);
	atomic_dec(&cl->sections);
}

/* The module's own caps are -ENOSPC: the system is full, not the caller. */
static int total_charge(u64 length, bool pinned)
{
	if (secshm_quota_take(&secshm_count.sections, secshm_total_sections))
		return -ENOSPC;
	if (secshm_quota_add(&secshm_count.bytes, length, secshm_total_bytes))
		goto err_sections;
	if (pinned && secshm_quota_add(&secshm_count.pinned, length, secshm_total_pinned))
		goto err_bytes;
	return 0;

err_bytes:
	atomic64_sub(length, &secshm_count.bytes);
err_sections:
	atomic_dec(&secshm_count.sections);
	return -ENOSPC;
}

int secshm_section_charge(struct secshm_client *cl, u64 length, bool pinned)
{
	int ret = cl ? client_charge(cl, length) : 0;

	if (ret)
		return ret;
	ret = total_charge(length, pinned);
	if (ret && cl)
		client_uncharge(cl, length);
	return ret;
}

void secshm_section_uncharge(struct secshm_client *cl, u64 length, bool pinned)
{
	if (pinned)
		atomic64_sub(length, &secshm_count.pinned);
	atomic64_sub(length, &secshm_count.bytes);
	atomic_dec(&secshm_count.sections);
	if (cl)
		client_uncharge(cl, length);
}

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
