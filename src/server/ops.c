// SPDX-License-Identifier: MIT
/*
 * Built-in opcodes. Each receives its argument struct already copied out of
 * the message and size-checked; each checks its own reserved fields and
 * flags and acts for the client through the checked paths only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

/*
 * The name in a request: name_len bytes without a NUL, the rest of the
 * array zero. The characters are checked where the name is looked up.
 */
static int request_name(const char *raw, uint32_t len, char name[SECSHM_NAME_MAX + 1])
{
	if (len > SECSHM_NAME_MAX)
		return -ENAMETOOLONG;
	if (!len || memchr(raw, 0, len) || !all_zero(raw + len, SECSHM_NAME_MAX + 1 - len))
		return -EINVAL;
	memcpy(name, raw, len);
	name[len] = '\0';
	return 0;
}

static int op_create(struct secshm_client *c, void *args, struct reply *r)
{
	struct secshm_create_args *a = args;
	char name[SECSHM_NAME_MAX + 1];
	struct secshm_object_attr attr = { .client = c, .sd = &a->sd };
	int err;

	if (a->fd)
		return -EINVAL;	/* on the socket the file travels as SCM_RIGHTS */
	if (a->name_len) {
		err = request_name(a->name, a->name_len, name);
		if (err)
			return err;
		attr.name = name;
	} else if (!all_zero(&a->sd, sizeof(a->sd)) || !all_zero(a->name, sizeof(a->name))) {
		return -EINVAL;	/* an unnamed section has no descriptor and no name bytes */
	}
	return secshm_section_create(c->srv, &attr, a->length, a->flags, a->access, r->in_fd,
				     &a->handle);
}

static int op_open(struct secshm_client *c, void *args, struct reply *r)
{
	struct secshm_open_args *a = args;
	char name[SECSHM_NAME_MAX + 1];
	struct secshm_object_attr attr = { .name = name, .client = c };
	int err;

	if ((a->flags & ~SECSHM_OPEN_TOKEN) || a->reserved)
		return -EINVAL;
	if (a->flags & SECSHM_OPEN_TOKEN) {
		if (a->access || a->name_len || !all_zero(a->name, sizeof(a->name)))
			return -EINVAL;
		return token_redeem(c, &a->token, &a->handle);
	}
	if (!all_zero(&a->token, sizeof(a->token)))
		return -EINVAL;
	err = request_name(a->name, a->name_len, name);
	if (err)
		return err;
	return secshm_section_open(c->srv, &attr, a->access, &a->handle);
}

static int op_close(struct secshm_client *c, void *args, struct reply *r)
{
	struct secshm_handle_args *a = args;

	return secshm_handle_close(c->srv, c, a->handle, SECSHM_CHECKED);
}

static int ref_section(struct secshm_client *c, uint32_t handle, uint32_t access,
		       struct section **sec)
{
	struct secshm_object *obj;
	int err = secshm_reference_by_handle(c->srv, c, handle, access, SECSHM_TYPE_SECTION,
					     SECSHM_CHECKED, &obj);

	if (!err)
		*sec = to_section(obj);
	return err;
}

static int op_query(struct secshm_client *c, void *args, struct reply *r)
{
	struct secshm_query_args *a = args;
	struct section *sec;
	int err;

	if (a->reserved)
		return -EINVAL;
	err = ref_section(c, a->handle, SECSHM_ACCESS_QUERY, &sec);
	if (err)
		return err;
	a->access = handle_lookup(&c->handles, a->handle)->access;
	section_info(sec, &a->info);
	secshm_object_put(&sec->obj);
	return 0;
}

static int op_duplicate(struct secshm_client *c, void *args, struct reply *r)
{
	struct secshm_dup_args *a = args;
	uint32_t held, want;
	struct section *sec;
	int err;

	if ((a->flags & ~(SECSHM_DUP_SAME_ACCESS | SECSHM_DUP_EXPORT)) || a->reserved)
		return -EINVAL;
	err = ref_section(c, a->handle, SECSHM_ACCESS_DUPLICATE, &sec);
	if (err)
		return err;
	held = handle_lookup(&c->handles, a->handle)->access;
	want = held;
	if (!(a->flags & SECSHM_DUP_SAME_ACCESS))
		err = access_want(a->access, &want);
	if (!err && (want & ~held))
		err = -EACCES;	/* never more than the handle carries (H7) */
	if (!err && (a->flags & SECSHM_DUP_EXPORT))
		err = token_export(c, sec, want, &a->token);
	else if (!err && !(err = handle_insert(&c->handles, &sec->obj, want, &a->new_handle)))
		return 0;	/* the new handle holds our reference */
	secshm_object_put(&sec->obj);
	return err;
}

/*
 * MAP: the view's descriptor is a fresh open of the section, read-only or
 * read-write to match, never the server's own description (file.c).
 */
static int op_map(struct secshm_client *c, void *args, struct reply *r)
{
	struct secshm_map_args *a = args;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	bool write = a->prot & SECSHM_PROT_WRITE;
	uint32_t access = write ? SECSHM_ACCESS_MAP_READ | SECSHM_ACCESS_MAP_WRITE :
				  SECSHM_ACCESS_MAP_READ;
	struct section *sec;
	struct cview *v;
	int err, fd;

	if (!(a->prot & SECSHM_PROT_READ) || (a->prot & ~SECSHM_PROT_MASK))
		return -EINVAL;
	err = ref_section(c, a->handle, access, &sec);
	if (err)
		return err;
	if (!a->length || ((a->offset | a->length) & (page - 1)))
		err = -EINVAL;
	else if (a->offset + a->length < a->offset)
		err = -EOVERFLOW;
	else if (a->offset + a->length > sec->length)
		err = -ERANGE;
	else
		err = fds_charge(c->srv, c->acct, 1);
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

static int op_unlink(struct secshm_client *c, void *args, struct reply *r)
{
	struct secshm_handle_args *a = args;
	struct section *sec;
	int err = ref_section(c, a->handle, SECSHM_ACCESS_DELETE, &sec);

	if (err)
		return err;
	section_unlink(sec);
	secshm_object_put(&sec->obj);
	return 0;
}

static bool list_visible(const struct secshm_client *c, const struct section *sec)
{
	if (sec->flags & SECSHM_SECTION_SERVER_PRIVATE)
		return false;
	if ((sec->flags & SECSHM_SECTION_TRUSTED_ONLY) && !cred_trusted(c->srv, &c->cred))
		return false;
	return sd_allowed(&sec->sd, &c->cred) & SECSHM_ACCESS_QUERY;
}

static int by_id(const void *a, const void *b)
{
	const struct section *x = *(struct section *const *)a, *y = *(struct section *const *)b;

	return x->obj.id < y->obj.id ? -1 : x->obj.id > y->obj.id;
}

static int op_list(struct secshm_client *c, void *args, struct reply *r)
{
	struct secshm_list_args *a = args;
	struct name_table *ns = &c->srv->names;
	struct secshm_section_info *out = (void *)r->tail;
	struct section **all;
	uint32_t n = 0, max;

	if (a->flags || a->entries)
		return -EINVAL;
	all = malloc((ns->count + 1) * sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (uint32_t b = 0; b < ns->nbuckets; b++)
		for (struct name_node *node = ns->buckets[b]; node; node = node->next) {
			struct section *sec = container_of(node, struct section, name);

			if (list_visible(c, sec))
				all[n++] = sec;
		}
	qsort(all, n, sizeof(*all), by_id);
	max = a->max < SECSHM_LIST_MAX ? a->max : SECSHM_LIST_MAX;
	a->total = n;
	a->count = 0;
	for (uint32_t i = a->start; i < n && a->count < max; i++)
		section_info(all[i], &out[a->count++]);
	r->tail_len = a->count * sizeof(*out);
	free(all);
	return 0;
}

const struct builtin builtins[SECSHM_OP_MAX_BUILTIN + 1] = {
	[SECSHM_OP_CREATE]	= { sizeof(struct secshm_create_args), op_create },
	[SECSHM_OP_OPEN]	= { sizeof(struct secshm_open_args), op_open },
	[SECSHM_OP_CLOSE]	= { sizeof(struct secshm_handle_args), op_close },
	[SECSHM_OP_QUERY]	= { sizeof(struct secshm_query_args), op_query },
	[SECSHM_OP_DUPLICATE]	= { sizeof(struct secshm_dup_args), op_duplicate },
	[SECSHM_OP_MAP]		= { sizeof(struct secshm_map_args), op_map },
	[SECSHM_OP_UNLINK]	= { sizeof(struct secshm_handle_args), op_unlink },
	[SECSHM_OP_LIST]	= { sizeof(struct secshm_list_args), op_list },
	[SECSHM_OP_CALL]	= { sizeof(struct secshm_call_args), NULL },	/* dispatch.c */
	[SECSHM_OP_RING]	= { sizeof(struct secshm_ring_args), op_ring },
};
