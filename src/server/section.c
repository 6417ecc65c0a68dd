// SPDX-License-Identifier: MIT
/*
 * Section objects: a memfd the server owns, or a file. Before any memfd
 * descriptor can leave the server the inode is chmod 0600 (so a client, of
 * another uid, holding a read-only descriptor cannot reopen it read-write
 * through /proc) and sealed against shrink, grow and further seals (so
 * nothing a client does can make a server access fault). A file cannot be
 * sealed: whoever can write it can truncate it, so access.c guards every
 * server access to one. The server keeps one descriptor of its own and
 * gives each view a fresh one opened to match the view (file.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "internal.h"

#define SECTION_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

static void section_destroy(struct secshm_object *obj)
{
	struct section *sec = to_section(obj);
	struct secshm_server *srv = obj->srv;

	if (sec->name.name) {
		name_remove(&srv->names, &sec->name);
		free(sec->name.name);
	}
	list_del_init(&sec->creator_link);
	if (sec->map)
		munmap(sec->map, sec->length);
	close(sec->fd);
	quota_uncharge(srv, sec->creator, &sec->charge);
	free(sec);
}

static void section_open_handle(struct secshm_object *obj, bool server_table)
{
	if (server_table)
		to_section(obj)->server_refs++;
	else
		to_section(obj)->handles++;
}

static void section_close_handle(struct secshm_object *obj, bool server_table)
{
	if (server_table)
		to_section(obj)->server_refs--;
	else
		to_section(obj)->handles--;
}

const struct secshm_object_ops section_ops = {
	.name = "section",
	.type = SECSHM_TYPE_SECTION,
	.destroy = section_destroy,
	.open_handle = section_open_handle,
	.close_handle = section_close_handle,
};

static uint64_t page_round(uint64_t len)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

	if (len > UINT64_MAX - (page - 1))
		return 0;
	return (len + page - 1) & ~(page - 1);
}

/* The rights a handle to sec may ever carry (P9: a read-only file says no writes). */
uint32_t section_access_mask(const struct section *sec)
{
	return sec->flags & SECSHM_SECTION_READONLY ?
	       SECSHM_ACCESS_SPECIFIC & ~SECSHM_ACCESS_MAP_WRITE : SECSHM_ACCESS_SPECIFIC;
}

/*
 * An open file on an allowed filesystem (asked before anything that could
 * call into a filesystem that blocks), open for reading, regular, covered
 * whole by the section: a view hands out a descriptor of the file itself,
 * so a section shorter than its file would give away the bytes after it.
 */
static int file_check(struct secshm_server *srv, int file, uint64_t length)
{
	int fl = fcntl(file, F_GETFL), err;
	struct stat st;

	if (fl < 0 || (fl & O_PATH))
		return -EBADF;	/* not an open file: reopening it would widen it */
	err = file_allowed(srv, file);
	if (err)
		return err;
	if ((fl & O_ACCMODE) == O_WRONLY)
		return -EACCES;	/* no mapping of it could be read */
	if (fstat(file, &st))
		return -EBADF;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (page_round(length) != page_round((uint64_t)st.st_size))
		return -ERANGE;
	return 0;
}

/* The kernel refused a writable shared mapping: the file does not allow one. */
static bool not_writable(int err)
{
	return err == -EPERM || err == -EACCES || err == -ETXTBSY || err == -EROFS;
}

/* The server's own open and mapping of the file, read-write if the file allows. */
static int file_map(struct section *sec, int file, bool writable)
{
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);
	void *p;

	sec->fd = file_reopen(file, writable);
	if (sec->fd < 0)
		return sec->fd;
	p = mmap(NULL, sec->length, prot, MAP_SHARED, sec->fd, 0);
	if (p != MAP_FAILED) {
		sec->map = p;
		return 0;
	}
	close(sec->fd);
	sec->fd = -1;
	return errno == ENOMEM ? -ENOMEM : -errno;
}

/*
 * Only as writable as the caller's own shared mapping could be (P9): a
 * descriptor open read-only, a write or future-write seal, an append-only
 * or immutable inode, a swap file make the section read-only. The kernel
 * runs those checks on the server's own read-write open and mapping, made
 * only for a descriptor the caller opened read-write.
 */
static int section_file(struct section *sec, int file)
{
	int fl = fcntl(file, F_GETFL), err = -EPERM;

	if (fl < 0)
		return -EBADF;
	if ((fl & O_ACCMODE) == O_RDWR)
		err = file_map(sec, file, true);
	if (!err)
		return 0;
	if (!not_writable(err))
		return err;
	sec->flags |= SECSHM_SECTION_READONLY;
	return file_map(sec, file, false);
}

/* memfd, sized, chmod 0600, sealed: in that order. */
static int section_memfd(struct section *sec)
{
	sec->fd = memfd_create("secshm", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (sec->fd < 0)
		return fd_errno(errno);
	if (ftruncate(sec->fd, (off_t)sec->length))
		return -errno;
	if (fchmod(sec->fd, 0600) || fcntl(sec->fd, F_ADD_SEALS, SECTION_SEALS))
		return -errno;
	return 0;
}

/* Pinned pages stay resident for DMA-style use: lock the server's view. */
static int section_pin(struct section *sec)
{
	if (!section_map(sec))
		return -ENOMEM;
	return mlock(sec->map, sec->length) ? -errno : 0;
}

int section_new(struct secshm_server *srv, const struct section_params *p,
		struct section **out)
{
	bool permanent = p->flags & SECSHM_SECTION_PERMANENT;
	struct charge charge = {
		.length = page_round(p->length),
		.uid = p->uid,
		.owner = permanent ? p->sd->owner : QUOTA_NO_UID,
		.pinned = p->flags & SECSHM_SECTION_PINNED,
	};
	uint64_t length = charge.length;
	struct section *sec;
	int err;

	if (!p->length)
		return -EINVAL;
	if (!length || length > (uint64_t)INT64_MAX)
		return -EOVERFLOW;
	if (p->file >= 0 && (err = file_check(srv, p->file, p->length)))
		return err;
	err = quota_charge(srv, p->creator, &charge);
	if (err)
		return err;
	sec = calloc(1, sizeof(*sec));
	if (!sec) {
		err = -ENOMEM;
		goto err_uncharge;
	}
	sec->fd = -1;
	sec->length = length;
	sec->flags = p->flags;
	sec->sd = *p->sd;
	sec->creator = p->creator;
	sec->charge = charge;
	list_init(&sec->creator_link);
	err = p->file >= 0 ? section_file(sec, p->file) : section_memfd(sec);
	if (!err && charge.pinned)
		err = section_pin(sec);
	if (err)
		goto err_free;
	if (p->name) {
		sec->name.len = (uint32_t)strlen(p->name);
		sec->name.name = strdup(p->name);
		if (!sec->name.name) {
			err = -ENOMEM;
			goto err_free;
		}
		err = name_insert(&srv->names, &sec->name);
		if (err) {
			free(sec->name.name);
			goto err_free;
		}
	}
	if (p->creator)
		list_add_tail(&sec->creator_link, &p->creator->created);
	object_init(&sec->obj, srv, &section_ops);
	*out = sec;
	return 0;

err_free:
	if (sec->map)
		munmap(sec->map, sec->length);
	if (sec->fd >= 0)
		close(sec->fd);
	free(sec);
err_uncharge:
	quota_uncharge(srv, p->creator, &charge);
	return err;
}

unsigned char *section_map(struct section *sec)
{
	void *p;

	if (sec->map)
		return sec->map;
	p = mmap(NULL, sec->length, PROT_READ | PROT_WRITE, MAP_SHARED, sec->fd, 0);
	if (p == MAP_FAILED)
		return NULL;
	sec->map = p;
	return sec->map;
}

void section_info(const struct section *sec, struct secshm_section_info *info)
{
	memset(info, 0, sizeof(*info));
	info->id = sec->obj.id;
	info->length = sec->length;
	info->flags = sec->flags;
	info->owner = sec->sd.owner;
	info->group = sec->sd.group;
	info->mode = sec->sd.mode;
	info->handles = sec->handles;
	info->views = sec->views;
	info->server_refs = sec->server_refs;
	if (sec->name.name) {
		info->name_len = sec->name.len;
		memcpy(info->name, sec->name.name, sec->name.len);
	}
}

static const struct section *to_csection(const struct secshm_object *obj)
{
	return (const struct section *)((const char *)obj - offsetof(struct section, obj));
}

uint64_t secshm_section_length(const struct secshm_object *section)
{
	return to_csection(section)->length;
}

uint32_t secshm_section_flags(const struct secshm_object *section)
{
	return to_csection(section)->flags;
}

/*
 * Remove the name (and, for a permanent section, the reference the name
 * held). The caller holds its own reference.
 */
void section_unlink(struct section *sec)
{
	struct secshm_server *srv = sec->obj.srv;

	if (!sec->name.name)
		return;
	name_remove(&srv->names, &sec->name);
	free(sec->name.name);
	sec->name.name = NULL;
	sec->flags |= SECSHM_SECTION_UNLINKED;
	if (sec->flags & SECSHM_SECTION_PERMANENT) {
		sec->flags &= ~SECSHM_SECTION_PERMANENT;
		secshm_object_put(&sec->obj);
	}
}
