// SPDX-License-Identifier: GPL-2.0
/*
 * File-backed sections obey the file (P9, docs/file-backing.md).
 *
 * Only regular files on filesystems that cannot stall the server back a
 * section (the file_fs allow-list: no FUSE, no network filesystem, no
 * hugetlbfs, whose mappings take reservations behind the module's back).
 * A section is never more writable than a shared mapping of the caller's
 * own descriptor could be, and the module's own open of the file has only
 * the access the section allows. A view's VMA gets the backing file after
 * the core mm checked only the handle, so every view that could write
 * runs the core's checks (append-only, immutable, swap file, write seals)
 * against the backing file itself.
 */
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/moduleparam.h>
#include <linux/shmem_fs.h>
#include <linux/string.h>

#include "secshm_internal.h"

static char secshm_file_fs[256] = "ext2,ext3,ext4,xfs,btrfs,f2fs,tmpfs";
module_param_string(file_fs, secshm_file_fs, sizeof(secshm_file_fs), 0644);
MODULE_PARM_DESC(file_fs,
		 "Filesystem types (comma-separated) whose regular files may back a section");

#define SECSHM_FS_SEP	", \n"

/* Whether @sb's filesystem type is on the file_fs list. */
static bool secshm_file_fs_allowed(const struct super_block *sb)
{
	const char *name = sb->s_type->name, *p;
	size_t len = strlen(name), n;
	bool allowed = false;

	kernel_param_lock(THIS_MODULE);
	for (p = secshm_file_fs; *p && !allowed; p += n) {
		p += strspn(p, SECSHM_FS_SEP);
		n = strcspn(p, SECSHM_FS_SEP);
		allowed = n == len && !memcmp(p, name, len);
	}
	kernel_param_unlock(THIS_MODULE);
	return allowed;
}

/*
 * Seals live in a shmem inode. With CONFIG_SHMEM the only filesystem
 * named tmpfs is shmem (memfds included); hugetlbfs is never allowed.
 */
static unsigned int secshm_file_seals(struct inode *inode)
{
	if (!IS_ENABLED(CONFIG_SHMEM) || strcmp(inode->i_sb->s_type->name, "tmpfs"))
		return 0;
	return READ_ONCE(SHMEM_I(inode)->seals);
}

/*
 * Whether the file refuses writes through a shared mapping, with the
 * errno mmap(2) gives for it: append-only or immutable -EACCES, an
 * active swap file -ETXTBSY, a write or future-write seal -EPERM.
 */
int secshm_file_write_denied(struct inode *inode)
{
	if (IS_APPEND(inode) || IS_IMMUTABLE(inode))
		return -EACCES;
	if (IS_SWAPFILE(inode))
		return -ETXTBSY;
	if (secshm_file_seals(inode) & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return -EPERM;
	return 0;
}

/*
 * The module's own open of the caller's file @fd, as many pages long as
 * the section (no shorter, no bytes beyond it), so that the backing's f_op
 * can be the module's without touching the caller's struct file. Read-only
 * (and SECSHM_SECTION_READONLY added to *@flags) unless the caller's
 * descriptor is open for writing and the file takes writes through a
 * shared mapping. In the daemon's order: -EBADF (not an open file: O_PATH
 * too), -EOPNOTSUPP (filesystem not allowed), -EACCES (not open for
 * reading), -EINVAL (not a regular file), -ERANGE (size).
 */
struct file *secshm_file_backing(int fd, u64 length, u32 *flags)
{
	struct file *user, *filp;
	struct inode *inode;
	int mode = O_RDWR;

	user = fget(fd);
	if (!user)
		return ERR_PTR(-EBADF);
	inode = file_inode(user);
	filp = ERR_PTR(-EOPNOTSUPP);
	if (!secshm_file_fs_allowed(inode->i_sb))
		goto out;
	filp = ERR_PTR(-EACCES);
	if (!(user->f_mode & FMODE_READ))
		goto out;	/* no mapping of it could be read */
	filp = ERR_PTR(-EINVAL);
	if (!S_ISREG(inode->i_mode))
		goto out;
	filp = ERR_PTR(-ERANGE);
	if (PAGE_ALIGN(length) != PAGE_ALIGN(i_size_read(inode)))
		goto out;
	if (!(user->f_mode & FMODE_WRITE) || secshm_file_write_denied(inode)) {
		*flags |= SECSHM_SECTION_READONLY;
		mode = O_RDONLY;
	}
	filp = dentry_open(&user->f_path, mode | O_LARGEFILE, current_cred());
out:
	fput(user);
	return filp;
}
