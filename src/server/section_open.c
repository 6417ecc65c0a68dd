// SPDX-License-Identifier: MIT
/*
 * Creating and opening sections by name (ZwCreateSection, ZwOpenSection).
 * Without SECSHM_OBJ_KERNEL_HANDLE the server acts for a client: the handle
 * goes in that client's table, the access check always uses that client's
 * credentials (H4) and names resolve in that client's namespace (N1). With
 * it, the handle is the server's own, names resolve as the server's, and
 * the check runs only if SECSHM_OBJ_FORCE_ACCESS_CHECK asks for it. The
 * decisions are the core's (src/core), as on the module.
 */
#include <errno.h>
#include <string.h>
#include "internal.h"

#define ATTR_KNOWN (SECSHM_OBJ_KERNEL_HANDLE | SECSHM_OBJ_FORCE_ACCESS_CHECK | \
		    SECSHM_OBJ_SERVER_PRIVATE | SECSHM_OBJ_OPENIF_CLIENT)

struct open_ctx {
	struct secshm_server *srv;
	const struct secshm_object_attr *attr;
	bool kernel;			/* the handle is the server's */
	const struct secshm_who *who;	/* whose access is checked; NULL: none */
};

static int ctx_init(struct open_ctx *ctx, struct secshm_server *srv,
		    const struct secshm_object_attr *attr)
{
	*ctx = (struct open_ctx){ .srv = srv, .attr = attr,
				  .kernel = attr->attributes & SECSHM_OBJ_KERNEL_HANDLE };
	if (attr->attributes & ~ATTR_KNOWN)
		return -EINVAL;
	if (!ctx->kernel || (attr->attributes & SECSHM_OBJ_FORCE_ACCESS_CHECK)) {
		if (!attr->client)
			return -EINVAL;
		ctx->who = &attr->client->cred.who;
	}
	if (!ctx->kernel && (attr->attributes & SECSHM_OBJ_SERVER_PRIVATE))
		return -EINVAL;
	return 0;
}

static struct handle_table *ctx_table(const struct open_ctx *ctx)
{
	return ctx->kernel ? &ctx->srv->handles : &ctx->attr->client->handles;
}

static int insert(const struct open_ctx *ctx, struct section *sec, uint32_t granted,
		  uint32_t *handle)
{
	int err = handle_insert(ctx_table(ctx), secshm_object_get(&sec->obj), granted, handle);

	if (err)
		secshm_object_put(&sec->obj);
	return err;
}

static int open_existing(const struct open_ctx *ctx, struct section *sec, uint32_t access,
			 uint32_t *handle)
{
	uint32_t granted;
	int err = secshm_access_want(access, &granted);

	if (err)
		return err;
	if ((sec->flags & SECSHM_SECTION_SERVER_PRIVATE) && !ctx->kernel)
		return -EACCES;
	if ((sec->flags & SECSHM_SECTION_CLIENT_CREATED) && ctx->kernel &&
	    !(ctx->attr->attributes & SECSHM_OBJ_OPENIF_CLIENT))
		return -EACCES;
	err = ctx->who ? secshm_open_check(sec->flags & ~SECSHM_SECTION_SERVER_PRIVATE, &sec->sd,
					   ctx->who, granted) :
			 granted & ~secshm_section_access_mask(sec->flags) ? -EACCES : 0;
	return err ?: insert(ctx, sec, granted, handle);
}

static struct section *lookup(struct secshm_server *srv, const char *name, size_t len)
{
	struct name_node *node = name_lookup(&srv->names, name, len);

	return node ? container_of(node, struct section, name) : NULL;
}

/* The name as this caller means it (N1): the server's own names are global. */
static int resolve(const struct open_ctx *ctx, bool global, char *out, size_t *len,
		   struct secshm_ns *ns)
{
	const char *name = ctx->attr->name;

	if (!name)
		return -EINVAL;
	return secshm_name_check(name, strnlen(name, SECSHM_NAME_MAX + 1)) ?:
	       secshm_name_resolve(name, strlen(name), global || ctx->kernel,
				   ctx->kernel ? 0 : ctx->who->uid, out, len, ns);
}

int secshm_section_open(struct secshm_server *srv, const struct secshm_object_attr *attr,
			uint32_t access, uint32_t *handle)
{
	char name[SECSHM_NAME_MAX + 1];
	struct secshm_ns ns;
	struct open_ctx ctx;
	struct section *sec;
	size_t len;
	int err = ctx_init(&ctx, srv, attr) ?: resolve(&ctx, false, name, &len, &ns);

	if (err)
		return err;
	sec = lookup(srv, name, len);
	if (!sec && !ns.qualified && !ctx.kernel && !resolve(&ctx, true, name, &len, &ns))
		sec = lookup(srv, name, len);	/* a client's unqualified name: then global */
	if (!sec)
		return -ENOENT;
	return open_existing(&ctx, sec, access, handle);
}

int secshm_section_create(struct secshm_server *srv, const struct secshm_object_attr *attr,
			  uint64_t size, uint32_t flags, uint32_t access, int file,
			  uint32_t *handle)
{
	struct section_params p = { .length = size, .file = file, .uid = QUOTA_NO_UID };
	char name[SECSHM_NAME_MAX + 1];
	struct secshm_sd sd;
	struct secshm_ns ns;
	struct open_ctx ctx;
	struct section *sec;
	uint32_t granted;
	size_t len;
	int err = ctx_init(&ctx, srv, attr);

	if (err)
		return err;
	err = secshm_create_flags(flags, attr->name, file >= 0, ctx.kernel ? NULL : ctx.who,
				  &p.flags);
	if (err)
		return err;
	if (attr->attributes & SECSHM_OBJ_SERVER_PRIVATE)
		p.flags |= SECSHM_SECTION_SERVER_PRIVATE;
	if (attr->name) {
		err = resolve(&ctx, false, name, &len, &ns);
		if (err)
			return err;
		sec = lookup(srv, name, len);
		if (sec && ((flags & SECSHM_CREATE_NEW) ||
			    ((sec->flags & SECSHM_SECTION_CLIENT_CREATED) && ctx.kernel)))
			return -EEXIST;
		if (sec) {
			err = open_existing(&ctx, sec, access, handle);
			return err ? err : SECSHM_EXISTED;
		}
		if (!ctx.kernel && !secshm_name_may_create(&ns, ctx.who))
			return -EPERM;
		p.name = name;
	}
	err = secshm_access_want(access, &granted);
	if (err)
		return err;
	err = secshm_sd_resolve(attr->sd ? attr->sd : &(struct secshm_sd){ 0 },
				ctx.kernel ? &srv->self : ctx.who, &sd);
	if (err)
		return err;
	p.sd = &sd;
	if (!ctx.kernel) {
		p.creator = attr->client;
		p.uid = ctx.who->uid;
	}
	err = section_new(srv, &p, &sec);
	if (err)
		return err;
	if (p.flags & SECSHM_SECTION_PERMANENT)
		secshm_object_get(&sec->obj);	/* the name's own reference */
	err = granted & ~secshm_section_access_mask(sec->flags) ? -EACCES :
	      insert(&ctx, sec, granted, handle);
	if (err)
		section_unlink(sec);
	secshm_object_put(&sec->obj);
	return err;
}

/* CREATE: the struct's rules (the core's), then secshm_section_create for the client. */
int op_create(struct secshm_client *c, void *args, struct request *r)
{
	struct secshm_create_args *a = args;
	struct secshm_object_attr attr = { .client = c, .sd = &a->sd };
	int err = secshm_check_create(a, false);

	if (err)
		return err;
	if (a->name_len)
		attr.name = a->name;	/* NUL-terminated: the rest of the array is zero */
	return secshm_section_create(c->srv, &attr, a->length, a->flags, a->access, r->in_fd,
				     &a->handle);
}

/* OPEN: by name, or by a transfer token (token.c). */
int op_open(struct secshm_client *c, void *args, struct request *r)
{
	struct secshm_open_args *a = args;
	struct secshm_object_attr attr = { .name = a->name, .client = c };
	int err = secshm_check_open(a);

	if (err)
		return err;
	if (a->flags & SECSHM_OPEN_TOKEN)
		return token_redeem(c, &a->token, &a->handle);
	return secshm_section_open(c->srv, &attr, a->access, &a->handle);
}
