// SPDX-License-Identifier: GPL-2.0
/*
 * The caller as the core asks about it (core/core.h, struct secshm_who):
 * every request of a client runs in that client's task, so who it is comes
 * from current_cred(), never from anything the request says. Ids are the
 * initial user namespace's, as the daemon sees them with SO_PEERCRED, and
 * a capability is asked only when a decision needs it (the check is
 * audited).
 */
#include <linux/capability.h>
#include <linux/cred.h>

#include "secshm_internal.h"

static bool in_group(const struct secshm_who *who, u32 gid)
{
	kgid_t kgid = make_kgid(&init_user_ns, gid);

	return gid_valid(kgid) && in_group_p(kgid);
}

static bool in_param_group(int gid)
{
	return gid >= 0 && in_group(NULL, gid);
}

static bool dac_override(const struct secshm_who *who)
{
	return capable(CAP_DAC_OVERRIDE);
}

static bool may_chown(const struct secshm_who *who)
{
	return capable(CAP_CHOWN);
}

/* Trusted-only sections (P8): the trusted_gid group or CAP_SYS_RAWIO. */
static bool trusted(const struct secshm_who *who)
{
	return in_param_group(secshm_trusted_gid) || capable(CAP_SYS_RAWIO);
}

/* Pinned sections (Q3): trusted, or CAP_IPC_LOCK as mlock(2) asks. */
static bool may_pin(const struct secshm_who *who)
{
	return trusted(who) || capable(CAP_IPC_LOCK);
}

/* Global names (N1): the global_gid group or CAP_SYS_ADMIN (SeCreateGlobalPrivilege). */
static bool global(const struct secshm_who *who)
{
	return in_param_group(secshm_global_gid) || capable(CAP_SYS_ADMIN);
}

/* The administrator (Q4): root, by effective uid. */
static bool admin(const struct secshm_who *who)
{
	return uid_eq(current_euid(), GLOBAL_ROOT_UID);
}

static const struct secshm_who_ops current_ops = {
	.in_group = in_group,
	.dac_override = dac_override,
	.may_chown = may_chown,
	.trusted = trusted,
	.may_pin = may_pin,
	.global = global,
	.admin = admin,
};

void secshm_who_current(struct secshm_who *who)
{
	who->uid = from_kuid(&init_user_ns, current_fsuid());
	who->gid = from_kgid(&init_user_ns, current_fsgid());
	who->ops = &current_ops;
}

/* A driver: the root of the initial namespace, with every privilege. */
const struct secshm_who secshm_who_kernel = { .uid = 0, .gid = 0, .ops = &secshm_who_server_ops };
