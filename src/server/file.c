// SPDX-License-Identifier: MIT
/*
 * Descriptors of section backings (P9, docs/file-backing.md).
 *
 * A client never shares an open file description with the server: every
 * descriptor a MAP hands out is a fresh open of the backing through
 * /proc/self/fd, made with exactly the access of the view and O_NONBLOCK
 * (a lease on the file is -EAGAIN, not a server waiting for the lease
 * holder), and a file a client sends is reopened for the server's own use
 * the same way.
 *
 * Only files on filesystems that cannot stall the server may back a
 * section; the filesystem is found without calling into it (a FUSE
 * fstatfs can block): a memfd or tmpfs file answers F_GET_SEALS, anything
 * else is looked up by its mount id in /proc/self/mountinfo.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "internal.h"

#define TMPFS_MAGIC	0x01021994
#define FILE_FS_DEFAULT	"ext2,ext3,ext4,xfs,btrfs,f2fs,tmpfs"

/* A new description of what fd names, read-only or read-write. */
int file_reopen(int fd, bool writable)
{
	char path[40];
	int nfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, (writable ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
	if (nfd >= 0)
		return nfd;
	return errno == EWOULDBLOCK ? -EAGAIN : fd_errno(errno);
}

/* Whether type is on the comma-separated list. */
static bool fs_listed(const char *list, const char *type)
{
	size_t len = strlen(type);

	for (const char *p = list; *p; ) {
		const char *end = strchrnul(p, ',');

		if ((size_t)(end - p) == len && !memcmp(p, type, len))
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

static int mount_id(int fd)
{
	char path[40], line[128];
	int id = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "mnt_id: %d", &id) == 1)
			break;
	fclose(f);
	return id;
}

/* The filesystem type of mount id, as /proc/self/mountinfo names it; 0 or -ENOENT. */
static int mount_type(int id, char *type, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *sep;
	size_t cap = 0;
	int err = -ENOENT;

	if (!f)
		return -ENOENT;
	while (getline(&line, &cap, f) > 0) {
		char fstype[64];

		if (atoi(line) != id || !(sep = strstr(line, " - ")))
			continue;
		if (sscanf(sep + 3, "%63s", fstype) == 1 && strlen(fstype) < len) {
			strcpy(type, fstype);
			err = 0;
		}
		break;
	}
	free(line);
	fclose(f);
	return err;
}

/*
 * May fd's file back a section here? A memfd or a tmpfs file is shmem, and
 * only shmem and hugetlbfs answer F_GET_SEALS; their statfs does not block.
 */
int file_allowed(const struct secshm_server *srv, int fd)
{
	const char *list = srv->file_fs ? srv->file_fs : FILE_FS_DEFAULT;
	char type[64];
	struct statfs sf;

	if (fcntl(fd, F_GET_SEALS) >= 0) {
		if (fstatfs(fd, &sf) || sf.f_type != TMPFS_MAGIC)
			return -EOPNOTSUPP;	/* hugetlbfs */
		return fs_listed(list, "tmpfs") ? 0 : -EOPNOTSUPP;
	}
	if (mount_type(mount_id(fd), type, sizeof(type)))
		return -EOPNOTSUPP;	/* a mount we cannot see */
	return fs_listed(list, type) ? 0 : -EOPNOTSUPP;
}
