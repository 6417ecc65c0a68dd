// SPDX-License-Identifier: MIT
/*
 * Security descriptors and access checks (H1, H3, P8). The caller's
 * credentials always come from the kernel; nothing in a request says who
 * the caller is.
 */
#include <errno.h>
#include <string.h>
#include "internal.h"

uint32_t secshm_map_generic(uint32_t access)
{
	uint32_t specific = access & ~SECSHM_GENERIC_MASK;

	if (access & SECSHM_GENERIC_READ)
		specific |= SECSHM_GENERIC_READ_MAP;
	if (access & SECSHM_GENERIC_WRITE)
		specific |= SECSHM_GENERIC_WRITE_MAP;
	if (access & SECSHM_GENERIC_ALL)
		specific |= SECSHM_GENERIC_ALL_MAP;
	return specific;
}

bool cred_in_group(const struct secshm_cred *cred, gid_t gid)
{
	if (cred->gid == gid)
		return true;
	for (uint32_t i = 0; i < cred->ngroups; i++)
		if (cred->groups[i] == gid)
			return true;
	return false;
}

bool cred_trusted(const struct secshm_server *srv, const struct secshm_cred *cred)
{
	for (size_t i = 0; i < srv->ntrusted_uids; i++)
		if (srv->trusted_uids[i] == cred->uid)
			return true;
	for (size_t i = 0; i < srv->ntrusted_gids; i++)
		if (cred_in_group(cred, srv->trusted_gids[i]))
			return true;
	return false;
}

/* SeCreateGlobalPrivilege: root, the server's own uid, and whom it names. */
bool cred_global(const struct secshm_server *srv, const struct secshm_cred *cred)
{
	if (cred->uid == 0 || cred->uid == srv->euid)
		return true;
	for (size_t i = 0; i < srv->nglobal_uids; i++)
		if (srv->global_uids[i] == cred->uid)
			return true;
	for (size_t i = 0; i < srv->nglobal_gids; i++)
		if (cred_in_group(cred, srv->global_gids[i]))
			return true;
	return false;
}

static uint32_t mode_rights(uint32_t bits)
{
	return (bits & 4 ? SECSHM_ACCESS_QUERY | SECSHM_ACCESS_MAP_READ |
		SECSHM_ACCESS_DUPLICATE : 0) | (bits & 2 ? SECSHM_ACCESS_MAP_WRITE : 0);
}

static bool sd_is_zero(const struct secshm_sd *sd)
{
	static const struct secshm_sd zero;

	return !memcmp(sd, &zero, sizeof(zero));
}

static int ace_validate(const struct secshm_ace *ace)
{
	if (ace->type != SECSHM_ACE_USER && ace->type != SECSHM_ACE_GROUP)
		return -EINVAL;
	if (ace->reserved || (ace->access & ~(SECSHM_ACCESS_SPECIFIC | SECSHM_GENERIC_MASK)))
		return -EINVAL;
	return 0;
}

/*
 * Turn a requested descriptor into the one stored: SECSHM_ID_CALLER
 * resolved, generic rights mapped, every unused byte zero. Only root may
 * give a section away or name a group it is not in.
 */
int sd_resolve(const struct secshm_sd *in, const struct secshm_cred *creator,
	       struct secshm_sd *out)
{
	static const struct secshm_ace zero_ace;
	bool root = creator->uid == 0;
	int err;

	memset(out, 0, sizeof(*out));
	if (!in || sd_is_zero(in)) {
		out->owner = creator->uid;
		out->group = creator->gid;
		out->mode = 0600;
		return 0;
	}
	if ((in->mode & ~0666U) || in->nace > SECSHM_ACE_MAX)
		return -EINVAL;
	out->owner = in->owner == SECSHM_ID_CALLER ? creator->uid : in->owner;
	out->group = in->group == SECSHM_ID_CALLER ? creator->gid : in->group;
	if (!root && (out->owner != creator->uid || !cred_in_group(creator, out->group)))
		return -EPERM;
	out->mode = in->mode;
	out->nace = in->nace;
	for (uint32_t i = 0; i < SECSHM_ACE_MAX; i++) {
		if (i >= in->nace) {
			if (memcmp(&in->ace[i], &zero_ace, sizeof(zero_ace)))
				return -EINVAL;
			continue;
		}
		err = ace_validate(&in->ace[i]);
		if (err)
			return err;
		out->ace[i] = in->ace[i];
		out->ace[i].access = secshm_map_generic(in->ace[i].access);
	}
	return 0;
}

/* The union of every class and entry that matches; root overrides. */
uint32_t sd_allowed(const struct secshm_sd *sd, const struct secshm_cred *cred)
{
	uint32_t allowed = mode_rights(sd->mode);

	if (cred->uid == 0)
		return SECSHM_ACCESS_SPECIFIC;
	if (cred->uid == sd->owner)
		allowed |= mode_rights(sd->mode >> 6) | SECSHM_ACCESS_QUERY |
			   SECSHM_ACCESS_DUPLICATE | SECSHM_ACCESS_DELETE;
	if (cred_in_group(cred, sd->group))
		allowed |= mode_rights(sd->mode >> 3);
	for (uint32_t i = 0; i < sd->nace; i++) {
		const struct secshm_ace *ace = &sd->ace[i];

		if ((ace->type == SECSHM_ACE_USER && ace->id == cred->uid) ||
		    (ace->type == SECSHM_ACE_GROUP && cred_in_group(cred, ace->id)))
			allowed |= ace->access;
	}
	return allowed;
}

int access_want(uint32_t access, uint32_t *want)
{
	*want = secshm_map_generic(access);
	return !*want || (*want & ~SECSHM_ACCESS_SPECIFIC) ? -EINVAL : 0;
}

int access_check(const struct secshm_sd *sd, const struct secshm_cred *cred,
		 uint32_t desired, uint32_t *granted)
{
	uint32_t want;
	int err = access_want(desired, &want);

	if (err)
		return err;
	if (want & ~sd_allowed(sd, cred))
		return -EACCES;
	*granted = want;
	return 0;
}
