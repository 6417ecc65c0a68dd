// SPDX-License-Identifier: GPL-2.0
/*
 * The module's parameters (/sys/module/secshm/parameters/): the quotas of
 * docs/quotas.md, the groups of the trusted and global privileges, the
 * double-fetch check and the filesystems whose files may back a section.
 */
#include <linux/moduleparam.h>

#include "secshm_internal.h"

unsigned int secshm_max_handles = 1024;
module_param_named(max_handles, secshm_max_handles, uint, 0644);
MODULE_PARM_DESC(max_handles, "Handles per client");

unsigned int secshm_max_sections = 256;
module_param_named(max_sections, secshm_max_sections, uint, 0644);
MODULE_PARM_DESC(max_sections, "Sections a client may create");

unsigned long secshm_max_bytes = 256UL << 20;
module_param_named(max_bytes, secshm_max_bytes, ulong, 0644);
MODULE_PARM_DESC(max_bytes, "Bytes of sections a client may create");

unsigned int secshm_max_views = 1024;
module_param_named(max_views, secshm_max_views, uint, 0644);
MODULE_PARM_DESC(max_views, "Views per client");

unsigned int secshm_total_sections = 16384;
module_param_named(total_sections, secshm_total_sections, uint, 0644);
MODULE_PARM_DESC(total_sections, "Sections in all");

unsigned long secshm_total_bytes = 1UL << 30;
module_param_named(total_bytes, secshm_total_bytes, ulong, 0644);
MODULE_PARM_DESC(total_bytes, "Bytes of all sections");

/*
 * Per uid (Q5): a fraction of the global caps, so that no uid exhausts one
 * alone; permanent names, which outlive every process, get a smaller one.
 */
unsigned int secshm_uid_clients = 256;
module_param_named(uid_clients, secshm_uid_clients, uint, 0644);
MODULE_PARM_DESC(uid_clients, "Opens of /dev/secshm per uid");

unsigned int secshm_uid_sections = 4096;
module_param_named(uid_sections, secshm_uid_sections, uint, 0644);
MODULE_PARM_DESC(uid_sections, "Sections the clients of one uid created, alive");

unsigned long secshm_uid_bytes = 256UL << 20;
module_param_named(uid_bytes, secshm_uid_bytes, ulong, 0644);
MODULE_PARM_DESC(uid_bytes, "Bytes of sections the clients of one uid created, alive");

unsigned int secshm_uid_tokens = 1024;
module_param_named(uid_tokens, secshm_uid_tokens, uint, 0644);
MODULE_PARM_DESC(uid_tokens, "Transfer tokens the clients of one uid exported, unredeemed");

unsigned int secshm_owner_sections = 1024;
module_param_named(owner_sections, secshm_owner_sections, uint, 0644);
MODULE_PARM_DESC(owner_sections, "Permanent named sections per owner uid, until unlinked");

unsigned long secshm_owner_bytes = 128UL << 20;
module_param_named(owner_bytes, secshm_owner_bytes, ulong, 0644);
MODULE_PARM_DESC(owner_bytes, "Bytes of permanent named sections per owner uid");

unsigned long secshm_total_pinned = 64UL << 20;
module_param_named(total_pinned, secshm_total_pinned, ulong, 0644);
MODULE_PARM_DESC(total_pinned, "Bytes of pinned sections in all");

int secshm_global_gid = -1;
module_param_named(global_gid, secshm_global_gid, int, 0444);
MODULE_PARM_DESC(global_gid,
		 "Group whose members may create global names (-1: none; CAP_SYS_ADMIN always may)");

int secshm_trusted_gid = -1;
module_param_named(trusted_gid, secshm_trusted_gid, int, 0444);
MODULE_PARM_DESC(trusted_gid,
		 "Group whose members may open trusted-only sections (-1: none; CAP_SYS_RAWIO always may)");

bool secshm_check_fetch;
module_param_named(check_fetch, secshm_check_fetch, bool, 0644);
MODULE_PARM_DESC(check_fetch,
		 "Fail a CALL (-EIO) whose handler captures shared bytes twice (P6)");

char secshm_file_fs[256] = "ext2,ext3,ext4,xfs,btrfs,f2fs,tmpfs";
module_param_string(file_fs, secshm_file_fs, sizeof(secshm_file_fs), 0644);
MODULE_PARM_DESC(file_fs,
		 "Filesystem types (comma-separated) whose regular files may back a section");
