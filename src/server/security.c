// SPDX-License-Identifier: MIT
/*
 * Who a client is (H3, H4, P8, N1), for the core's decisions: credentials
 * the kernel reported for its socket, never anything a request says, and
 * the server's own lists. The decisions themselves are the core's
 * (src/core/access.c), the same for the module.
 */
#include <unistd.h>
#include "internal.h"

static const struct secshm_cred *to_cred(const struct secshm_who *who)
{
	return (const struct secshm_cred *)((const char *)who - offsetof(struct secshm_cred, who));
}

bool cred_in_group(const struct secshm_cred *cred, gid_t gid)
{
	if (cred->who.gid == gid)
		return true;
	for (uint32_t i = 0; i < cred->ngroups; i++)
		if (cred->groups[i] == gid)
			return true;
	return false;
}

static bool listed(const struct secshm_cred *cred, const uid_t *uids, size_t nuids,
		   const gid_t *gids, size_t ngids)
{
	for (size_t i = 0; i < nuids; i++)
		if (uids[i] == cred->who.uid)
			return true;
	for (size_t i = 0; i < ngids; i++)
		if (cred_in_group(cred, gids[i]))
			return true;
	return false;
}

bool cred_trusted(const struct secshm_cred *cred)
{
	const struct secshm_server *srv = cred->srv;

	return listed(cred, srv->trusted_uids, srv->ntrusted_uids, srv->trusted_gids,
		      srv->ntrusted_gids);
}

static bool who_in_group(const struct secshm_who *who, uint32_t gid)
{
	return cred_in_group(to_cred(who), gid);
}

/* uid 0 holds every right, as root does over files. */
static bool who_root(const struct secshm_who *who)
{
	return who->uid == 0;
}

static bool who_trusted(const struct secshm_who *who)
{
	return cred_trusted(to_cred(who));
}

static bool who_may_pin(const struct secshm_who *who)
{
	return who->uid == 0 || who_trusted(who);
}

/* SeCreateGlobalPrivilege: root, the server's own uid, and whom it names. */
static bool who_global(const struct secshm_who *who)
{
	const struct secshm_cred *cred = to_cred(who);
	const struct secshm_server *srv = cred->srv;

	return who->uid == 0 || who->uid == srv->euid ||
	       listed(cred, srv->global_uids, srv->nglobal_uids, srv->global_gids,
		      srv->nglobal_gids);
}

/* The administrator: root or the server's own uid. */
static bool who_admin(const struct secshm_who *who)
{
	return who->uid == 0 || who->uid == to_cred(who)->srv->euid;
}

static const struct secshm_who_ops cred_ops = {
	.in_group = who_in_group,
	.dac_override = who_root,
	.may_chown = who_root,
	.trusted = who_trusted,
	.may_pin = who_may_pin,
	.global = who_global,
	.admin = who_admin,
};

void cred_init(struct secshm_cred *cred, const struct secshm_server *srv)
{
	cred->who.ops = &cred_ops;
	cred->srv = srv;
}

void self_init(struct secshm_server *srv)
{
	srv->self = (struct secshm_who){ .uid = geteuid(), .gid = getegid(),
				     .ops = &secshm_who_server_ops };
}
