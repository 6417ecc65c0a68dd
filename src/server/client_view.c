// SPDX-License-Identifier: MIT
/*
 * Client views: the server's record of a view a client mapped itself (P4)
 * after MAP checked the range and access. The record holds the section, is
 * named by a view handle in the client's table and counts against the
 * client's view quota; the mapping itself lives in the client.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "internal.h"

static void cview_destroy(struct secshm_object *obj)
{
	struct cview *v = container_of(obj, struct cview, obj);

	v->sec->views--;
	quota_uncharge_view(v->client);
	secshm_object_put(&v->sec->obj);
	free(v);
}

const struct secshm_object_ops cview_ops = {
	.name = "view",
	.type = SECSHM_TYPE_VIEW,
	.destroy = cview_destroy,
};

int cview_new(struct secshm_client *c, struct section *sec, uint64_t offset,
	      uint64_t length, uint32_t prot, struct cview **out)
{
	struct cview *v;
	int err = quota_charge_view(c);

	if (err)
		return err;
	v = calloc(1, sizeof(*v));
	if (!v) {
		quota_uncharge_view(c);
		return -ENOMEM;
	}
	v->sec = to_section(secshm_object_get(&sec->obj));
	v->client = c;
	v->offset = offset;
	v->length = length;
	v->prot = prot;
	sec->views++;
	object_init(&v->obj, c->srv, &cview_ops);
	*out = v;
	return 0;
}

/*
 * MAP: the view's descriptor is a fresh open of the section, read-only or
 * read-write to match, never the server's own description (file.c).
 */
int op_map(struct secshm_client *c, void *args, struct request *r)
{
	struct secshm_map_args *a = args;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	bool write = a->prot & SECSHM_PROT_WRITE;
	uint32_t access = write ? SECSHM_ACCESS_MAP_READ | SECSHM_ACCESS_MAP_WRITE :
				  SECSHM_ACCESS_MAP_READ;
	struct section *sec;
	struct cview *v;
	int err, fd;

	err = secshm_check_map(a) ?: section_reference(c, a->handle, access, &sec);
	if (err)
		return err;
	err = secshm_view_check(a->offset, a->length, sec->length, page) ?:
	      fds_charge(c->srv, c->acct, 1);
	if (err)
		goto out;
	fd = file_reopen(sec->fd, write);
	if (fd < 0) {
		/* The file turned append-only or immutable: mmap(2)'s answer. */
		err = fd == -EPERM ? -EACCES : fd;
		fds_uncharge(c->srv, c->acct, 1);
		goto out;
	}
	err = cview_new(c, sec, a->offset, a->length, a->prot, &v);
	if (!err) {
		err = handle_insert(&c->handles, &v->obj, access, &a->view);
		if (err)
			secshm_object_put(&v->obj);
	}
	if (err) {
		close(fd);
		fds_uncharge(c->srv, c->acct, 1);
	} else {
		r->fd = fd;	/* closed once sent */
	}
out:
	secshm_object_put(&sec->obj);
	return err;
}
