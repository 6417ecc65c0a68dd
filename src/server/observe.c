// SPDX-License-Identifier: MIT
/*
 * Observability (Q4): built-in calls that show the server's state to its
 * administrator (root or the server's own uid: security.c): counters, the connected
 * clients and the handles each holds.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include "internal.h"

static uint32_t count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	uint32_t n = 0;

	if (!d)
		return 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3;	/* ".", ".." and the directory's own descriptor */
}

void secshm_server_stats(struct secshm_server *srv, struct secshm_stats *st)
{
	struct list_head *pos, *tmp;

	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->clients = srv->nclients;
	st->objects = srv->nobjects;
	st->sections = srv->nsections;
	st->views = srv->nviews;
	st->handles = srv->handles.count;
	list_for_each_safe(pos, tmp, &srv->clients)
		st->handles += list_entry(pos, struct secshm_client, link)->handles.count;
	st->fds = count_fds();
	st->bytes = srv->bytes;
	st->pinned = srv->pinned;
}

int call_stats(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	struct secshm_stats st;

	if (req->out_cap < sizeof(st))
		return -EINVAL;
	if (secshm_admin_check(&req->client->cred.who))
		return -EACCES;
	secshm_server_stats(srv, &st);
	memcpy(req->out, &st, sizeof(st));
	req->out_len = sizeof(st);
	return 0;
}

/* in: __u32 start; out: as many secshm_client_info as fit, by connection order. */
int call_clients(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	struct secshm_client_info *out = req->out;
	uint32_t start, max = req->out_cap / sizeof(*out), i = 0, n = 0;
	struct list_head *pos, *tmp;

	if (secshm_admin_check(&req->client->cred.who))
		return -EACCES;
	memcpy(&start, req->in, sizeof(start));
	list_for_each_safe(pos, tmp, &srv->clients) {
		struct secshm_client *x = list_entry(pos, struct secshm_client, link);

		if (i++ < start)
			continue;
		if (n == max)
			break;
		memcpy(&out[n++], &(struct secshm_client_info){
			.id = x->id, .pid = (uint32_t)x->cred.pid, .uid = x->cred.who.uid,
			.gid = x->cred.who.gid, .handles = x->handles.count, .views = x->nviews,
			.sections = x->nsections, .bytes = x->bytes,
		}, sizeof(*out));
	}
	req->out_len = n * sizeof(*out);
	return 0;
}

static struct secshm_client *client_by_id(struct secshm_server *srv, uint64_t id)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &srv->clients) {
		struct secshm_client *x = list_entry(pos, struct secshm_client, link);

		if (x->id == id)
			return x;
	}
	return NULL;
}

static void handle_info(const struct handle_table *t, uint32_t slot,
			struct secshm_handle_info *info)
{
	const struct handle_entry *e = &t->entries[slot];

	*info = (struct secshm_handle_info){
		.handle = t->server_bit | (uint32_t)e->gen << HANDLE_INDEX_BITS | (slot + 1),
		.type = e->obj->ops->type, .access = e->access, .object = e->obj->id,
	};
	if (e->obj->ops->type == SECSHM_TYPE_VIEW) {
		const struct cview *v = container_of(e->obj, struct cview, obj);

		info->object = v->sec->obj.id;
		info->offset = v->offset;
		info->length = v->length;
	} else {
		info->length = to_section(e->obj)->length;
	}
}

/* in: __u64 client id, __u32 start, __u32 0; out: its handles in slot order. */
int call_handles(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	struct secshm_handle_info info;
	uint32_t max = req->out_cap / sizeof(info), i = 0, n = 0;
	struct { uint64_t id; uint32_t start, zero; } q;
	struct secshm_client *x;

	memcpy(&q, req->in, sizeof(q));
	if (q.zero)
		return -EINVAL;
	if (secshm_admin_check(&req->client->cred.who))
		return -EACCES;
	x = client_by_id(srv, q.id);
	if (!x)
		return -ENOENT;
	for (uint32_t slot = 0; slot < x->handles.size && n < max; slot++) {
		if (!x->handles.entries[slot].obj || i++ < q.start)
			continue;
		handle_info(&x->handles, slot, &info);
		memcpy((char *)req->out + n++ * sizeof(info), &info, sizeof(info));
	}
	req->out_len = n * sizeof(info);
	return 0;
}
