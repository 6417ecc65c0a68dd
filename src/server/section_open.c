// SPDX-License-Identifier: MIT
/*
 * Creating and opening sections by name (ZwCreateSection, ZwOpenSection).
 * Without SECSHM_OBJ_KERNEL_HANDLE the server acts for a client: the handle
 * goes in that client's table, the access check always uses that client's
 * credentials (H4) and names resolve in that client's namespace (N1). With
 * it, the handle is the server's own, names resolve as the server's, and
 * the check runs only if SECSHM_OBJ_FORCE_ACCESS_CHECK asks for it.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

#define ATTR_KNOWN (SECSHM_OBJ_KERNEL_HANDLE | SECSHM_OBJ_FORCE_ACCESS_CHECK | \
		    SECSHM_OBJ_SERVER_PRIVATE | SECSHM_OBJ_OPENIF_CLIENT)

struct open_ctx {
	struct secshm_server *srv;
	const struct secshm_object_attr *attr;
	bool kernel;			/* the handle is the server's */
	const struct secshm_cred *cred;	/* whose access is checked; NULL: none */
	struct secshm_cred server_cred;
};

static int ctx_init(struct open_ctx *ctx, struct secshm_server *srv,
		    const struct secshm_object_attr *attr)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->srv = srv;
	ctx->attr = attr;
	ctx->kernel = attr->attributes & SECSHM_OBJ_KERNEL_HANDLE;
	if (attr->attributes & ~ATTR_KNOWN)
		return -EINVAL;
	if (!ctx->kernel || (attr->attributes & SECSHM_OBJ_FORCE_ACCESS_CHECK)) {
		if (!attr->client)
			return -EINVAL;
		ctx->cred = &attr->client->cred;
	}
	if (!ctx->kernel && (attr->attributes & SECSHM_OBJ_SERVER_PRIVATE))
		return -EINVAL;
	ctx->server_cred.uid = geteuid();
	ctx->server_cred.gid = getegid();
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
	int err;

	if ((sec->flags & SECSHM_SECTION_SERVER_PRIVATE) && !ctx->kernel)
		return -EACCES;
	if ((sec->flags & SECSHM_SECTION_CLIENT_CREATED) && ctx->kernel &&
	    !(ctx->attr->attributes & SECSHM_OBJ_OPENIF_CLIENT))
		return -EACCES;
	if (ctx->cred) {
		if ((sec->flags & SECSHM_SECTION_TRUSTED_ONLY) &&
		    !cred_trusted(ctx->srv, ctx->cred))
			return -EACCES;
		err = access_check(&sec->sd, ctx->cred, access, &granted);
	} else {
		err = access_want(access, &granted);
	}
	if (err)
		return err;
	if (granted & ~section_access_mask(sec))
		return -EACCES;
	return insert(ctx, sec, granted, handle);
}

static struct section *lookup(struct secshm_server *srv, const char *name)
{
	struct name_node *node = name_lookup(&srv->names, name, strlen(name));

	return node ? container_of(node, struct section, name) : NULL;
}

/* The name as this caller means it (N1). */
static int resolve(const struct open_ctx *ctx, struct qname *q)
{
	if (!ctx->attr->name)
		return -EINVAL;
	return name_resolve(ctx->attr->name, ctx->kernel, ctx->kernel ? 0 : ctx->cred->uid, q);
}

/* May this caller make a new name there? The server may anywhere. */
static bool may_create(const struct open_ctx *ctx, const struct qname *q)
{
	if (ctx->kernel)
		return true;
	if (q->global)
		return cred_global(ctx->srv, ctx->cred);
	return q->uid == ctx->cred->uid;
}

int secshm_section_open(struct secshm_server *srv, const struct secshm_object_attr *attr,
			uint32_t access, uint32_t *handle)
{
	struct open_ctx ctx;
	struct section *sec;
	struct qname q;
	int err = ctx_init(&ctx, srv, attr);

	if (err)
		return err;
	err = resolve(&ctx, &q);
	if (err)
		return err;
	sec = lookup(srv, q.name);
	if (!sec && q.alt[0])
		sec = lookup(srv, q.alt);
	if (!sec)
		return -ENOENT;
	return open_existing(&ctx, sec, access, handle);
}

static int create_flags(const struct open_ctx *ctx, uint32_t flags, int file, uint32_t *sflags)
{
	if (flags & ~SECSHM_CREATE_MASK)
		return -EINVAL;
	if ((flags & SECSHM_SECTION_PINNED) && (flags & SECSHM_CREATE_FILE))
		return -EINVAL;	/* a file can shrink under the lock */
	if ((flags & SECSHM_SECTION_PINNED) && ctx->cred && ctx->cred->uid != 0 &&
	    !cred_trusted(ctx->srv, ctx->cred))
		return -EPERM;
	if ((flags & SECSHM_CREATE_PERMANENT) && !ctx->attr->name)
		return -EINVAL;
	if ((flags & SECSHM_SECTION_TRUSTED_ONLY) && ctx->cred &&
	    !cred_trusted(ctx->srv, ctx->cred))
		return -EACCES;
	if (!(flags & SECSHM_CREATE_FILE) != (file < 0))
		return -EINVAL;
	*sflags = flags & SECSHM_SECTION_CREATE_MASK;
	if (flags & SECSHM_CREATE_FILE)
		*sflags |= SECSHM_SECTION_FILE;
	if (flags & SECSHM_CREATE_PERMANENT)
		*sflags |= SECSHM_SECTION_PERMANENT;
	if (!ctx->kernel)
		*sflags |= SECSHM_SECTION_CLIENT_CREATED;
	if (ctx->attr->attributes & SECSHM_OBJ_SERVER_PRIVATE)
		*sflags |= SECSHM_SECTION_SERVER_PRIVATE;
	return 0;
}

int secshm_section_create(struct secshm_server *srv, const struct secshm_object_attr *attr,
			  uint64_t size, uint32_t flags, uint32_t access, int file,
			  uint32_t *handle)
{
	struct section_params p = { .length = size, .file = file, .uid = QUOTA_NO_UID };
	struct secshm_sd sd;
	struct open_ctx ctx;
	struct section *sec;
	struct qname q;
	uint32_t granted;
	int err = ctx_init(&ctx, srv, attr);

	if (err)
		return err;
	err = create_flags(&ctx, flags, file, &p.flags);
	if (err)
		return err;
	if (attr->name) {
		err = resolve(&ctx, &q);
		if (err)
			return err;
		sec = lookup(srv, q.name);
		if (sec && ((flags & SECSHM_CREATE_NEW) ||
			    ((sec->flags & SECSHM_SECTION_CLIENT_CREATED) && ctx.kernel)))
			return -EEXIST;
		if (sec) {
			err = open_existing(&ctx, sec, access, handle);
			return err ? err : SECSHM_EXISTED;
		}
		if (!may_create(&ctx, &q))
			return -EPERM;
		p.name = q.name;
	}
	err = access_want(access, &granted);
	if (err)
		return err;
	err = sd_resolve(attr->sd, ctx.kernel ? &ctx.server_cred : &attr->client->cred, &sd);
	if (err)
		return err;
	p.sd = &sd;
	if (!ctx.kernel) {
		p.creator = attr->client;
		p.uid = attr->client->cred.uid;
	}
	err = section_new(srv, &p, &sec);
	if (err)
		return err;
	if (p.flags & SECSHM_SECTION_PERMANENT)
		secshm_object_get(&sec->obj);	/* the name's own reference */
	err = granted & ~section_access_mask(sec) ? -EACCES : insert(&ctx, sec, granted, handle);
	if (err)
		section_unlink(sec);
	secshm_object_put(&sec->obj);
	return err;
}
