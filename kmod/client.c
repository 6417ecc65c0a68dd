// SPDX-License-Identifier: GPL-2.0
/*
 * Clients: each open of /dev/secshm is one, the origin of its handles (H6)
 * and what its sections, handles, views and tokens are charged to (Q1),
 * on the client list STATS, CLIENTS and HANDLES read (Q4). A client lives
 * while its device file or anything it made does.
 */
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "secshm_internal.h"

static LIST_HEAD(secshm_clients);
static DEFINE_SPINLOCK(secshm_clients_lock);

/* Each open is a client, charged to its uid: -EDQUOT past uid_clients. */
struct secshm_client *secshm_client_new(void)
{
	static atomic64_t next_id;
	struct secshm_client *cl;
	int ret = -ENOMEM;

	cl = kzalloc(sizeof(*cl), GFP_KERNEL);
	if (!cl)
		return ERR_PTR(-ENOMEM);
	cl->account = secshm_account_get(current_euid());
	if (!cl->account)
		goto err_free;
	ret = secshm_quota_take(&cl->account->clients, secshm_uid_clients);
	if (ret)
		goto err_account;
	kref_init(&cl->ref);
	cl->id = atomic64_inc_return(&next_id);
	cl->pid = task_tgid_vnr(current);
	cl->uid = current_euid();
	cl->gid = current_egid();
	spin_lock_init(&cl->lock);
	INIT_LIST_HEAD(&cl->handle_list);
	atomic_inc(&secshm_count.clients);
	spin_lock(&secshm_clients_lock);
	list_add_tail(&cl->node, &secshm_clients);
	spin_unlock(&secshm_clients_lock);
	return cl;

err_account:
	secshm_account_put(cl->account);
err_free:
	kfree(cl);
	return ERR_PTR(ret);
}

void secshm_client_close(struct secshm_client *cl)
{
	spin_lock(&secshm_clients_lock);
	list_del(&cl->node);
	spin_unlock(&secshm_clients_lock);
	atomic_dec(&cl->account->clients);
	atomic_dec(&secshm_count.clients);
	secshm_client_put(cl);
}

struct secshm_client *secshm_client_get(struct secshm_client *cl)
{
	kref_get(&cl->ref);
	return cl;
}

static void secshm_client_free(struct kref *ref)
{
	struct secshm_client *cl = container_of(ref, struct secshm_client, ref);

	secshm_account_put(cl->account);
	kfree(cl);
}

void secshm_client_put(struct secshm_client *cl)
{
	kref_put(&cl->ref, secshm_client_free);
}

void secshm_clients_for_each(void (*fn)(struct secshm_client *cl, void *arg), void *arg)
{
	struct secshm_client *cl;

	spin_lock(&secshm_clients_lock);
	list_for_each_entry(cl, &secshm_clients, node)
		fn(cl, arg);
	spin_unlock(&secshm_clients_lock);
}

struct secshm_client *secshm_client_find(u64 id)
{
	struct secshm_client *cl, *found = NULL;

	spin_lock(&secshm_clients_lock);
	list_for_each_entry(cl, &secshm_clients, node) {
		if (cl->id == id) {
			found = secshm_client_get(cl);
			break;
		}
	}
	spin_unlock(&secshm_clients_lock);
	return found;
}
