// SPDX-License-Identifier: GPL-2.0
/*
 * Access rights and security descriptors (H1, H3, H4, P1, P8). Every check
 * uses the caller's credentials from current_cred(), never anything the
 * request says about the caller.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/string.h>

#include "secshm_internal.h"

#define SECSHM_MODE_R_RIGHTS	(SECSHM_ACCESS_QUERY | SECSHM_ACCESS_MAP_READ | \
				 SECSHM_ACCESS_DUPLICATE)
#define SECSHM_MODE_W_RIGHTS	SECSHM_ACCESS_MAP_WRITE
#define SECSHM_OWNER_RIGHTS	(SECSHM_ACCESS_QUERY | SECSHM_ACCESS_DUPLICATE | \
				 SECSHM_ACCESS_DELETE)

/* Known specific and generic rights only. */
bool secshm_access_bits_valid(u32 access)
{
	return !(access & ~(SECSHM_ACCESS_SPECIFIC | SECSHM_GENERIC_MASK));
}

/* Rights a caller may ask for: known bits, and at least one right. */
bool secshm_access_valid(u32 access)
{
	return secshm_access_bits_valid(access) && access;
}

/* Generic rights to specific ones. */
u32 secshm_access_map(u32 access)
{
	u32 specific = access & SECSHM_ACCESS_SPECIFIC;

	if (access & SECSHM_GENERIC_READ)
		specific |= SECSHM_GENERIC_READ_MAP;
	if (access & SECSHM_GENERIC_WRITE)
		specific |= SECSHM_GENERIC_WRITE_MAP;
	if (access & SECSHM_GENERIC_ALL)
		specific |= SECSHM_GENERIC_ALL_MAP;
	return specific;
}

/* Trusted-only sections (P8): CAP_SYS_RAWIO or the trusted_gid group. */
bool secshm_trusted(void)
{
	if (secshm_trusted_gid >= 0 &&
	    in_group_p(make_kgid(&init_user_ns, secshm_trusted_gid)))
		return true;
	return capable(CAP_SYS_RAWIO);
}

static u32 secshm_mode_rights(u32 bits)
{
	return (bits & 4 ? SECSHM_MODE_R_RIGHTS : 0) |
	       (bits & 2 ? SECSHM_MODE_W_RIGHTS : 0);
}

void secshm_sd_default(struct secshm_sd_k *sd)
{
	memset(sd, 0, sizeof(*sd));
	sd->owner = current_fsuid();
	sd->group = current_fsgid();
	sd->mode = 0600;
}

static int secshm_ace_from_user(struct secshm_ace_k *ace,
				const struct secshm_ace *uace,
				struct user_namespace *ns)
{
	if (uace->reserved || !secshm_access_bits_valid(uace->access))
		return -EINVAL;
	ace->type = uace->type;
	ace->access = secshm_access_map(uace->access);
	switch (uace->type) {
	case SECSHM_ACE_USER:
		ace->uid = make_kuid(ns, uace->id);
		return uid_valid(ace->uid) ? 0 : -EINVAL;
	case SECSHM_ACE_GROUP:
		ace->gid = make_kgid(ns, uace->id);
		return gid_valid(ace->gid) ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

/*
 * Validate a descriptor from a request. A client may name only itself as
 * owner and only a group it is in, unless it has CAP_CHOWN; @kernel callers
 * may name anyone, and SECSHM_ID_CALLER is root for them.
 */
int secshm_sd_from_user(struct secshm_sd_k *sd, const struct secshm_sd *usd,
			bool kernel)
{
	struct user_namespace *ns = kernel ? &init_user_ns : current_user_ns();
	u32 i;
	int ret;

	if (!memchr_inv(usd, 0, sizeof(*usd))) {
		secshm_sd_default(sd);
		if (kernel) {
			sd->owner = GLOBAL_ROOT_UID;
			sd->group = GLOBAL_ROOT_GID;
		}
		return 0;
	}
	if (usd->mode & ~0666 || usd->nace > SECSHM_ACE_MAX)
		return -EINVAL;

	if (memchr_inv(&usd->ace[usd->nace], 0,
		       (SECSHM_ACE_MAX - usd->nace) * sizeof(usd->ace[0])))
		return -EINVAL;

	memset(sd, 0, sizeof(*sd));
	sd->mode = usd->mode;
	sd->nace = usd->nace;
	for (i = 0; i < usd->nace; i++) {
		ret = secshm_ace_from_user(&sd->ace[i], &usd->ace[i], ns);
		if (ret)
			return ret;
	}

	if (usd->owner == SECSHM_ID_CALLER)
		sd->owner = kernel ? GLOBAL_ROOT_UID : current_fsuid();
	else
		sd->owner = make_kuid(ns, usd->owner);
	if (usd->group == SECSHM_ID_CALLER)
		sd->group = kernel ? GLOBAL_ROOT_GID : current_fsgid();
	else
		sd->group = make_kgid(ns, usd->group);
	if (!uid_valid(sd->owner) || !gid_valid(sd->group))
		return -EINVAL;
	if (kernel)
		return 0;
	if ((!uid_eq(sd->owner, current_fsuid()) || !in_group_p(sd->group)) &&
	    !capable(CAP_CHOWN))
		return -EPERM;
	return 0;
}

/* Rights the caller's credentials get: the union of every match. */
u32 secshm_sd_access(const struct secshm_section *sec)
{
	const struct secshm_sd_k *sd = &sec->sd;
	kuid_t fsuid = current_fsuid();
	u32 granted, i;

	granted = secshm_mode_rights(sd->mode);
	if (uid_eq(fsuid, sd->owner))
		granted |= secshm_mode_rights(sd->mode >> 6) | SECSHM_OWNER_RIGHTS;
	if (in_group_p(sd->group))
		granted |= secshm_mode_rights(sd->mode >> 3);
	for (i = 0; i < sd->nace; i++) {
		const struct secshm_ace_k *ace = &sd->ace[i];

		if (ace->type == SECSHM_ACE_USER ? uid_eq(fsuid, ace->uid) :
						   in_group_p(ace->gid))
			granted |= ace->access;
	}
	if (granted != SECSHM_ACCESS_SPECIFIC && capable(CAP_DAC_OVERRIDE))
		granted = SECSHM_ACCESS_SPECIFIC;
	return granted;
}

/*
 * May the caller open @sec by name with @want (specific rights)? Server-
 * private and trusted-only sections are refused before the descriptor is
 * looked at, so no DAC override reaches them.
 */
int secshm_open_check(const struct secshm_section *sec, u32 want)
{
	if (sec->flags & SECSHM_SECTION_SERVER_PRIVATE)
		return -EACCES;
	if ((sec->flags & SECSHM_SECTION_TRUSTED_ONLY) && !secshm_trusted())
		return -EACCES;
	return want & ~secshm_sd_access(sec) ? -EACCES : 0;
}

/* LIST shows a section only to callers that could query it. */
bool secshm_visible(const struct secshm_section *sec)
{
	return !secshm_open_check(sec, SECSHM_ACCESS_QUERY);
}
