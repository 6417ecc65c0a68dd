// SPDX-License-Identifier: GPL-2.0
/*
 * Creating and opening sections by name (ZwCreateSection, ZwOpenSection):
 * the CREATE and OPEN requests of a client, and secshm_section_create and
 * secshm_section_open for a driver. The decisions are the core's
 * (core/name.c, core/access.c, core/args.c), in the daemon's order
 * (src/server/section_open.c), so a request gets the same answer from
 * both sides. A client's names resolve in its own namespace and a
 * driver's in the global one (N1).
 */
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/string.h>

#include "secshm_internal.h"

/*
 * The ids of a client's descriptor, from its user namespace into the
 * initial one, where the core and the sections keep them. An id that has
 * no mapping there is -EINVAL; SECSHM_ID_CALLER and the entries' shape
 * are the core's to judge.
 */
static int secshm_id_from_user_ns(u32 *id, bool group)
{
	struct user_namespace *ns = current_user_ns();

	if (*id == SECSHM_ID_CALLER)
		return 0;
	if (group) {
		kgid_t k = make_kgid(ns, *id);

		if (!gid_valid(k))
			return -EINVAL;
		*id = from_kgid(&init_user_ns, k);
	} else {
		kuid_t k = make_kuid(ns, *id);

		if (!uid_valid(k))
			return -EINVAL;
		*id = from_kuid(&init_user_ns, k);
	}
	return 0;
}

static int secshm_sd_from_user_ns(const struct secshm_sd *in, struct secshm_sd *out)
{
	u32 i;
	int ret;

	*out = *in;
	if (!memchr_inv(in, 0, sizeof(*in)))
		return 0;
	ret = secshm_id_from_user_ns(&out->owner, false) ?:
	      secshm_id_from_user_ns(&out->group, true);
	for (i = 0; i < min_t(u32, in->nace, SECSHM_ACE_MAX) && !ret; i++)
		if (in->ace[i].type == SECSHM_ACE_USER || in->ace[i].type == SECSHM_ACE_GROUP)
			ret = secshm_id_from_user_ns(&out->ace[i].id,
						     in->ace[i].type == SECSHM_ACE_GROUP);
	return ret;
}

/* A client opens a section that exists, by name (or CREATE found it). */
static long secshm_open_existing(struct secshm_client *cl, const struct secshm_who *who,
				 struct secshm_section *sec, u32 access,
				 struct secshm_handle_new *hn)
{
	u32 want;

	return secshm_access_want(access, &want) ?:
	       secshm_open_check(sec->flags, &sec->sd, who, want) ?:
	       secshm_handle_prepare(hn, cl, sec, want);
}

/* CREATE found the name taken: open it as OPEN would, or refuse. */
static long secshm_create_existing(struct secshm_client *cl, const struct secshm_who *who,
				   struct secshm_section *sec, struct secshm_create_args *a,
				   struct secshm_handle_new *hn)
{
	long ret = a->flags & SECSHM_CREATE_NEW ? -EEXIST :
		   secshm_open_existing(cl, who, sec, a->access, hn);

	__secshm_section_put(sec);
	if (ret)
		return ret;
	a->handle = hn->fd;
	return SECSHM_EXISTED;
}

/* A new section, named if it has a name, and a handle to it. */
static long secshm_create_new(struct secshm_client *cl, const struct secshm_who *who,
			      struct secshm_create_args *a, u32 sflags, const char *name,
			      size_t len, struct secshm_handle_new *hn)
{
	struct secshm_section *sec, *existing;
	struct secshm_sd usd, sd;
	u32 want;
	long ret;

	ret = secshm_access_want(a->access, &want) ?:
	      secshm_sd_from_user_ns(&a->sd, &usd) ?:
	      secshm_sd_resolve(&usd, who, &sd);
	if (ret)
		return ret;
	sec = secshm_section_alloc(cl, a->length, sflags, a->fd);
	if (IS_ERR(sec))
		return PTR_ERR(sec);
	sec->sd = sd;
	if (name) {
		ret = secshm_name_link(sec, name, len, sflags & SECSHM_SECTION_PERMANENT,
				       &existing);
		if (ret || existing) {
			__secshm_section_put(sec);
			return ret ?: secshm_create_existing(cl, who, existing, a, hn);
		}
	}
	ret = secshm_handle_prepare(hn, cl, sec, want);
	if (!ret && name)
		hn->created = sec;	/* the name goes if the caller never gets the handle */
	else if (ret && secshm_name_unlink(sec))
		__secshm_section_put(sec);	/* the permanent name's reference */
	__secshm_section_put(sec);
	if (!ret)
		a->handle = hn->fd;
	return ret;
}

long secshm_op_create(struct secshm_client *cl, struct secshm_create_args *a,
		      struct secshm_handle_new *hn)
{
	char name[SECSHM_NAME_MAX + 1];
	struct secshm_section *existing;
	struct secshm_who who;
	struct secshm_ns ns;
	size_t len;
	u32 sflags;
	long ret;

	secshm_who_current(&who);
	ret = secshm_check_create(a, true) ?:
	      secshm_create_flags(a->flags, a->name_len, a->flags & SECSHM_CREATE_FILE, &who,
				  &sflags);
	if (ret)
		return ret;
	if (!a->name_len)
		return secshm_create_new(cl, &who, a, sflags, NULL, 0, hn);
	ret = secshm_name_resolve(a->name, a->name_len, false, who.uid, name, &len, &ns);
	if (ret)
		return ret;
	existing = secshm_name_lookup(name, len);
	if (existing)
		return secshm_create_existing(cl, &who, existing, a, hn);
	if (!secshm_name_may_create(&ns, &who))
		return -EPERM;	/* N1: not a namespace this caller makes names in */
	return secshm_create_new(cl, &who, a, sflags, name, len, hn);
}

/*
 * The section a client's name means: its own namespace first, then, for
 * an unqualified name, the global one (N1).
 */
static struct secshm_section *secshm_open_name(const char *raw, size_t raw_len, u32 uid,
					       long *err)
{
	char name[SECSHM_NAME_MAX + 1];
	struct secshm_section *sec;
	struct secshm_ns ns;
	size_t len;

	*err = secshm_name_resolve(raw, raw_len, false, uid, name, &len, &ns);
	if (*err)
		return NULL;
	sec = secshm_name_lookup(name, len);
	if (sec || ns.qualified)
		return sec;
	*err = secshm_name_resolve(raw, raw_len, true, uid, name, &len, &ns);
	return *err ? NULL : secshm_name_lookup(name, len);
}

long secshm_op_open(struct secshm_client *cl, struct secshm_open_args *a,
		    struct secshm_handle_new *hn)
{
	struct secshm_section *sec;
	struct secshm_who who;
	long ret = secshm_check_open(a);

	if (ret)
		return ret;
	if (a->flags & SECSHM_OPEN_TOKEN) {
		ret = secshm_token_redeem(cl, &a->token, hn);
	} else {
		secshm_who_current(&who);
		sec = secshm_open_name(a->name, a->name_len, who.uid, &ret);
		if (!sec)
			return ret ?: -ENOENT;
		ret = secshm_open_existing(cl, &who, sec, a->access, hn);
		__secshm_section_put(sec);
	}
	if (!ret)
		a->handle = hn->fd;
	return ret;
}

/* A driver's name: checked, and unqualified means global. */
static int secshm_kernel_name(const char *raw, char *name, size_t *len)
{
	size_t raw_len = strnlen(raw, SECSHM_NAME_MAX + 1);
	struct secshm_ns ns;

	return secshm_name_check(raw, raw_len) ?:
	       secshm_name_resolve(raw, raw_len, true, 0, name, len, &ns);
}

struct secshm_section *secshm_section_create(const char *raw, u64 length, u32 flags,
					     const struct secshm_sd *usd)
{
	static const struct secshm_sd root_sd;
	struct secshm_section *sec, *existing;
	char name[SECSHM_NAME_MAX + 1];
	struct secshm_sd sd;
	size_t len;
	int ret;

	if (flags & ~(SECSHM_SECTION_SERVER_PRIVATE | SECSHM_SECTION_TRUSTED_ONLY |
		      SECSHM_SECTION_PINNED))
		return ERR_PTR(-EINVAL);
	ret = (raw ? secshm_kernel_name(raw, name, &len) : 0) ?:
	      secshm_sd_resolve(usd ?: &root_sd, &secshm_who_kernel, &sd);
	if (ret)
		return ERR_PTR(ret);
	sec = secshm_section_alloc(NULL, length, flags, -1);
	if (IS_ERR(sec))
		return sec;
	sec->sd = sd;
	if (raw) {
		ret = secshm_name_link(sec, name, len, false, &existing);
		if (!ret && existing) {
			__secshm_section_put(existing);
			ret = -EEXIST;
		}
		if (ret) {
			__secshm_section_put(sec);
			return ERR_PTR(ret);
		}
	}
	secshm_section_get_server(sec);
	__secshm_section_put(sec);	/* the allocation's reference is now the server's */
	return sec;
}
EXPORT_SYMBOL_GPL(secshm_section_create);

struct secshm_section *secshm_section_open(const char *raw)
{
	char name[SECSHM_NAME_MAX + 1];
	struct secshm_section *sec;
	size_t len;
	int ret = secshm_kernel_name(raw, name, &len);

	if (ret)
		return ERR_PTR(ret);
	sec = secshm_name_lookup(name, len);
	if (!sec)
		return ERR_PTR(-ENOENT);
	if (!(sec->flags & SECSHM_SECTION_CLIENT_CREATED))
		secshm_section_get_server(sec);
	else
		ret = -EEXIST;	/* never adopt a client's section (P3) */
	__secshm_section_put(sec);
	return ret ? ERR_PTR(ret) : sec;
}
EXPORT_SYMBOL_GPL(secshm_section_open);
