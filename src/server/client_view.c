// SPDX-License-Identifier: MIT
/*
 * Client views: the server's record of a view a client mapped itself (P4)
 * after MAP checked the range and access. The record holds the section, is
 * named by a view handle in the client's table and counts against the
 * client's view quota; the mapping itself lives in the client.
 */
#include <errno.h>
#include <stdlib.h>
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
