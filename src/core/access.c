// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Access rights and security descriptors (H1, H3, H4, P1, P8, P9). Who a
 * caller is comes from its side (SO_PEERCRED, current_cred()), never from
 * anything in a request.
 */
#include "core.h"

#define MODE_R_RIGHTS	(SECSHM_ACCESS_QUERY | SECSHM_ACCESS_MAP_READ | SECSHM_ACCESS_DUPLICATE)
#define MODE_W_RIGHTS	SECSHM_ACCESS_MAP_WRITE
#define OWNER_RIGHTS	(SECSHM_ACCESS_QUERY | SECSHM_ACCESS_DUPLICATE | SECSHM_ACCESS_DELETE)
#define KNOWN_RIGHTS	(SECSHM_ACCESS_SPECIFIC | SECSHM_GENERIC_MASK)

/* Known rights, generic ones mapped to the specific rights they stand for. */
static uint32_t specific(uint32_t access)
{
	uint32_t s = access & SECSHM_ACCESS_SPECIFIC;

	if (access & SECSHM_GENERIC_READ)
		s |= SECSHM_GENERIC_READ_MAP;
	if (access & SECSHM_GENERIC_WRITE)
		s |= SECSHM_GENERIC_WRITE_MAP;
	if (access & SECSHM_GENERIC_ALL)
		s |= SECSHM_GENERIC_ALL_MAP;
	return s;
}

static bool server_yes(const struct secshm_who *who)
{
	return true;
}

static bool server_in_group(const struct secshm_who *who, uint32_t gid)
{
	return gid == who->gid;
}

const struct secshm_who_ops secshm_who_server_ops = {
	.in_group = server_in_group,
	.dac_override = server_yes,
	.may_chown = server_yes,
	.trusted = server_yes,
	.may_pin = server_yes,
	.global = server_yes,
	.admin = server_yes,
};

int secshm_access_want(uint32_t access, uint32_t *want)
{
	if (!access || (access & ~KNOWN_RIGHTS))
		return -EINVAL;
	*want = specific(access);
	return 0;
}

static int ace_resolve(const struct secshm_ace *in, struct secshm_ace *out)
{
	if ((in->type != SECSHM_ACE_USER && in->type != SECSHM_ACE_GROUP) || in->reserved ||
	    (in->access & ~KNOWN_RIGHTS) || in->id == SECSHM_ID_CALLER)
		return -EINVAL;
	*out = *in;
	out->access = specific(in->access);
	return 0;
}

static bool all_zero(const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

int secshm_sd_resolve(const struct secshm_sd *in, const struct secshm_who *who,
		      struct secshm_sd *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	if (all_zero(in, sizeof(*in))) {
		out->owner = who->uid;
		out->group = who->gid;
		out->mode = 0600;
		return 0;
	}
	if ((in->mode & ~0666U) || in->nace > SECSHM_ACE_MAX ||
	    !all_zero(&in->ace[in->nace], (SECSHM_ACE_MAX - in->nace) * sizeof(in->ace[0])))
		return -EINVAL;
	for (uint32_t i = 0; i < in->nace; i++) {
		err = ace_resolve(&in->ace[i], &out->ace[i]);
		if (err)
			return err;
	}
	out->owner = in->owner == SECSHM_ID_CALLER ? who->uid : in->owner;
	out->group = in->group == SECSHM_ID_CALLER ? who->gid : in->group;
	out->mode = in->mode;
	out->nace = in->nace;
	if ((out->owner != who->uid || !who->ops->in_group(who, out->group)) &&
	    !who->ops->may_chown(who))
		return -EPERM;
	return 0;
}

static uint32_t mode_rights(uint32_t bits)
{
	return (bits & 4 ? MODE_R_RIGHTS : 0) | (bits & 2 ? MODE_W_RIGHTS : 0);
}

uint32_t secshm_sd_rights(const struct secshm_sd *sd, const struct secshm_who *who)
{
	uint32_t granted = mode_rights(sd->mode);

	if (who->uid == sd->owner)
		granted |= mode_rights(sd->mode >> 6) | OWNER_RIGHTS;
	if (who->ops->in_group(who, sd->group))
		granted |= mode_rights(sd->mode >> 3);
	for (uint32_t i = 0; i < sd->nace && i < SECSHM_ACE_MAX; i++) {
		const struct secshm_ace *ace = &sd->ace[i];

		if (ace->type == SECSHM_ACE_USER ? ace->id == who->uid :
						   who->ops->in_group(who, ace->id))
			granted |= ace->access;
	}
	/* Asked last, and only if it changes anything (a capability check is audited). */
	if (granted != SECSHM_ACCESS_SPECIFIC && who->ops->dac_override(who))
		granted = SECSHM_ACCESS_SPECIFIC;
	return granted;
}

int secshm_grant_check(uint32_t flags, const struct secshm_who *who, uint32_t want)
{
	if (flags & SECSHM_SECTION_SERVER_PRIVATE)
		return -EACCES;
	if ((flags & SECSHM_SECTION_TRUSTED_ONLY) && !who->ops->trusted(who))
		return -EACCES;
	return want & ~secshm_section_access_mask(flags) ? -EACCES : 0;
}

int secshm_open_check(uint32_t flags, const struct secshm_sd *sd, const struct secshm_who *who,
		      uint32_t want)
{
	int err = secshm_grant_check(flags, who, want);

	if (err)
		return err;
	return want & ~secshm_sd_rights(sd, who) ? -EACCES : 0;
}

int secshm_handle_check(uint32_t held, uint32_t access)
{
	uint32_t want = specific(access) | (access & ~KNOWN_RIGHTS);

	return want & ~held ? -EACCES : 0;
}

uint32_t secshm_section_access_mask(uint32_t flags)
{
	return flags & SECSHM_SECTION_READONLY ?
	       SECSHM_ACCESS_SPECIFIC & ~SECSHM_ACCESS_MAP_WRITE : SECSHM_ACCESS_SPECIFIC;
}

int secshm_admin_check(const struct secshm_who *who)
{
	return who->ops->admin(who) ? 0 : -EACCES;
}
