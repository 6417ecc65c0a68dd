// SPDX-License-Identifier: MIT
/* Objects: a type's ops table and a reference count (ObReference/ObDereference). */
#include <assert.h>
#include "internal.h"

void object_init(struct secshm_object *obj, struct secshm_server *srv,
		 const struct secshm_object_ops *ops)
{
	obj->ops = ops;
	obj->srv = srv;
	obj->refcount = 1;
	obj->id = ++srv->next_id;
	srv->nobjects++;
}

struct secshm_object *secshm_object_get(struct secshm_object *obj)
{
	assert(obj->refcount > 0);
	obj->refcount++;
	return obj;
}

void secshm_object_put(struct secshm_object *obj)
{
	if (!obj)
		return;
	assert(obj->refcount > 0);
	if (--obj->refcount)
		return;
	obj->srv->nobjects--;
	obj->ops->destroy(obj);
}
