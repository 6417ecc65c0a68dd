// SPDX-License-Identifier: GPL-2.0
/*
 * Observability (Q4): the built-in calls that show the module's state to
 * its administrator (root): counters, the connected clients and the handles
 * each holds. Output goes to the CALL's kernel buffer; nothing here touches
 * user memory.
 */
#include <linux/cred.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "secshm_internal.h"

static LIST_HEAD(secshm_clients);
static DEFINE_MUTEX(secshm_clients_lock);

void secshm_client_add(struct secshm_client *cl)
{
	mutex_lock(&secshm_clients_lock);
	list_add_tail(&cl->node, &secshm_clients);
	mutex_unlock(&secshm_clients_lock);
}

void secshm_client_del(struct secshm_client *cl)
{
	mutex_lock(&secshm_clients_lock);
	list_del(&cl->node);
	mutex_unlock(&secshm_clients_lock);
}

static int secshm_admin_check(struct secshm_call *call, u32 in_len)
{
	if (call->nrefs || call->in_len != in_len)
		return -EINVAL;
	return uid_eq(current_euid(), GLOBAL_ROOT_UID) ? 0 : -EACCES;
}

int secshm_call_stats(struct secshm_call *call)
{
	struct secshm_stats *st = call->out;
	int sections = atomic_read(&secshm_count.sections);
	int views = atomic_read(&secshm_count.views);
	int ret;

	if (call->out_max < sizeof(*st))
		return -EINVAL;
	ret = secshm_admin_check(call, 0);
	if (ret)
		return ret;
	st->size = sizeof(*st);
	st->clients = atomic_read(&secshm_count.clients);
	st->objects = sections + views;
	st->sections = sections;
	st->views = views;
	st->handles = atomic_read(&secshm_count.handles) +
		      atomic_read(&secshm_count.server_refs);
	st->bytes = atomic64_read(&secshm_count.bytes);
	st->pinned = atomic64_read(&secshm_count.pinned);
	call->out_len = sizeof(*st);
	return 0;
}

static void secshm_client_info(struct secshm_client *cl,
			       struct secshm_client_info *info)
{
	struct user_namespace *ns = current_user_ns();

	memset(info, 0, sizeof(*info));
	info->id = cl->id;
	info->pid = cl->pid;
	info->uid = from_kuid_munged(ns, cl->uid);
	info->gid = from_kgid_munged(ns, cl->gid);
	info->handles = atomic_read(&cl->handles);
	info->views = atomic_read(&cl->views);
	info->sections = atomic_read(&cl->sections);
	info->bytes = atomic64_read(&cl->bytes);
}

/* in: __u32 start; out: as many secshm_client_info as fit, oldest first. */
int secshm_call_clients(struct secshm_call *call)
{
	struct secshm_client_info *out = call->out;
	u32 start, max = call->out_max / sizeof(*out), i = 0, n = 0;
	struct secshm_client *cl;
	int ret;

	ret = secshm_admin_check(call, sizeof(start));
	if (ret)
		return ret;
	memcpy(&start, call->in, sizeof(start));
	mutex_lock(&secshm_clients_lock);
	list_for_each_entry(cl, &secshm_clients, node) {
		if (i++ < start)
			continue;
		if (n == max)
			break;
		secshm_client_info(cl, &out[n++]);
	}
	mutex_unlock(&secshm_clients_lock);
	call->out_len = n * sizeof(*out);
	return 0;
}

static void secshm_handle_info(const struct secshm_handle *h,
			       struct secshm_handle_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = h->fd;
	info->type = 1;
	info->access = h->access;
	info->object = h->sec->id;
	info->length = h->sec->length;
}

/*
 * in: __u64 client id, __u32 start, __u32 0; out: its handles, oldest first.
 * On the device a handle is reported by the descriptor it was installed at.
 */
int secshm_call_handles(struct secshm_call *call)
{
	struct secshm_handle_info *out = call->out;
	u32 max = call->out_max / sizeof(*out), i = 0, n = 0;
	struct { u64 id; u32 start, zero; } q;
	struct secshm_client *cl, *found = NULL;
	struct secshm_handle *h;
	int ret;

	ret = secshm_admin_check(call, sizeof(q));
	if (ret)
		return ret;
	memcpy(&q, call->in, sizeof(q));
	if (q.zero)
		return -EINVAL;
	mutex_lock(&secshm_clients_lock);
	list_for_each_entry(cl, &secshm_clients, node) {
		if (cl->id == q.id) {
			found = cl;
			break;
		}
	}
	if (found) {
		spin_lock(&found->lock);
		list_for_each_entry(h, &found->handle_list, node) {
			if (n == max)
				break;
			if (i++ >= q.start)
				secshm_handle_info(h, &out[n++]);
		}
		spin_unlock(&found->lock);
	}
	mutex_unlock(&secshm_clients_lock);
	if (!found)
		return -ENOENT;
	call->out_len = n * sizeof(*out);
	return 0;
}
