// SPDX-License-Identifier: GPL-2.0
/*
 * Observability (Q4): the built-in calls that show the module's state to
 * its administrator (root): counters, the connected clients and the handles
 * each holds. Their shapes are SECSHM_CALLS'; output goes to the request's
 * kernel buffer and nothing here touches user memory.
 */
#include <linux/cred.h>
#include <linux/string.h>

#include "secshm_internal.h"

/* The administrator is root (euid 0), as for the daemon. */
static int secshm_admin(void)
{
	struct secshm_who who;

	secshm_who_current(&who);
	return secshm_admin_check(&who);
}

int secshm_call_stats(struct secshm_request *req, void *data)
{
	struct secshm_stats *st = req->out;
	int sections = atomic_read(&secshm_count.sections);
	int views = atomic_read(&secshm_count.views);
	int ret;

	if (req->out_cap < sizeof(*st))
		return -EINVAL;
	ret = secshm_admin();
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
	req->out_len = sizeof(*st);
	return 0;
}

struct secshm_clients_page {
	struct secshm_client_info *out;
	u32 start, max, i, n;
	struct user_namespace *ns;
};

static void secshm_client_info(struct secshm_client *cl, void *arg)
{
	struct secshm_clients_page *p = arg;
	struct secshm_client_info *info;

	if (p->i++ < p->start || p->n == p->max)
		return;
	info = &p->out[p->n++];
	memset(info, 0, sizeof(*info));
	info->id = cl->id;
	info->pid = cl->pid;
	info->uid = from_kuid_munged(p->ns, cl->uid);
	info->gid = from_kgid_munged(p->ns, cl->gid);
	info->handles = atomic_read(&cl->handles);
	info->views = atomic_read(&cl->views);
	info->sections = atomic_read(&cl->sections);
	info->bytes = atomic64_read(&cl->bytes);
}

/* in: __u32 start; out: as many secshm_client_info as fit, oldest first. */
int secshm_call_clients(struct secshm_request *req, void *data)
{
	struct secshm_clients_page p = {
		.out = req->out, .max = req->out_cap / sizeof(*p.out), .ns = current_user_ns(),
	};
	int ret = secshm_admin();

	if (ret)
		return ret;
	memcpy(&p.start, req->in, sizeof(p.start));
	secshm_clients_for_each(secshm_client_info, &p);
	req->out_len = p.n * sizeof(*p.out);
	return 0;
}

static void secshm_handle_info(const struct secshm_handle *h, struct secshm_handle_info *info)
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
int secshm_call_handles(struct secshm_request *req, void *data)
{
	struct secshm_handle_info *out = req->out;
	u32 max = req->out_cap / sizeof(*out), i = 0, n = 0;
	struct { u64 id; u32 start, zero; } q;
	struct secshm_client *cl;
	struct secshm_handle *h;
	int ret = secshm_admin();

	if (ret)
		return ret;
	memcpy(&q, req->in, sizeof(q));
	if (q.zero)
		return -EINVAL;
	cl = secshm_client_find(q.id);
	if (!cl)
		return -ENOENT;
	spin_lock(&cl->lock);
	list_for_each_entry(h, &cl->handle_list, node) {
		if (n == max)
			break;
		if (i++ >= q.start)
			secshm_handle_info(h, &out[n++]);
	}
	spin_unlock(&cl->lock);
	secshm_client_put(cl);
	req->out_len = n * sizeof(*out);
	return 0;
}
