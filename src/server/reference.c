// SPDX-License-Identifier: MIT
/*
 * Handles to objects (ObReferenceObjectByHandle): live handle of this
 * table, then type, then access, then a reference. The table is chosen by
 * the explicit mode (H6): CHECKED values came from a client and are looked
 * up in its table only; TRUSTED values are the server's own.
 */
#include <errno.h>
#include "internal.h"

static struct handle_table *mode_table(struct secshm_server *srv, struct secshm_client *c,
				       uint32_t handle, enum secshm_mode mode, int *err)
{
	*err = -EINVAL;
	if (mode == SECSHM_CHECKED) {
		if (!c)
			return NULL;
		*err = -EBADF;
		return handle & SECSHM_HANDLE_SERVER ? NULL : &c->handles;
	}
	if (mode == SECSHM_TRUSTED && !c)
		return &srv->handles;
	return NULL;
}

int secshm_reference_by_handle(struct secshm_server *srv, struct secshm_client *c,
			       uint32_t handle, uint32_t access, enum secshm_type type,
			       enum secshm_mode mode, struct secshm_object **obj)
{
	struct handle_table *t;
	struct handle_entry *e;
	int err;

	t = mode_table(srv, c, handle, mode, &err);
	if (!t)
		return err;
	e = handle_lookup(t, handle);
	if (!e)
		return -EBADF;
	if (e->obj->ops->type != type)
		return -EMEDIUMTYPE;
	if (mode == SECSHM_CHECKED && secshm_handle_check(e->access, access))
		return -EACCES;
	*obj = secshm_object_get(e->obj);
	return 0;
}

int secshm_handle_close(struct secshm_server *srv, struct secshm_client *c, uint32_t handle,
			enum secshm_mode mode)
{
	struct secshm_object *obj;
	struct handle_table *t;
	int err;

	t = mode_table(srv, c, handle, mode, &err);
	if (!t)
		return err;
	err = handle_remove(t, handle, &obj);
	if (err)
		return err;
	secshm_object_put(obj);
	return 0;
}

int secshm_client_grant(struct secshm_server *srv, struct secshm_client *c,
			struct secshm_object *obj, uint32_t access, uint32_t *handle)
{
	struct section *sec;
	uint32_t want;
	int err;

	if (obj->ops->type != SECSHM_TYPE_SECTION)
		return -EMEDIUMTYPE;
	sec = to_section(obj);
	err = secshm_access_want(access, &want) ?:
	      secshm_grant_check(sec->flags, &c->cred.who, want);
	if (err)
		return err;
	err = handle_insert(&c->handles, secshm_object_get(obj), want, handle);
	if (err)
		secshm_object_put(obj);
	return err;
}

/* CLOSE: a handle of this client's, checked (H5, H6). */
int op_close(struct secshm_client *c, void *args, struct request *r)
{
	struct secshm_handle_args *a = args;

	return secshm_handle_close(c->srv, c, a->handle, SECSHM_CHECKED);
}
