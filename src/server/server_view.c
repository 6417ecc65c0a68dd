// SPDX-License-Identifier: MIT
/*
 * Server views (P2): mappings in the server's own address space, made and
 * removed only by the server. Nothing a client sends reaches them.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "internal.h"

struct secshm_view {
	struct section *sec;		/* referenced */
	void *addr;
	uint64_t offset, length;
	uint32_t prot;
};

int secshm_view_map(struct secshm_object *section, uint64_t offset, uint64_t length,
		    uint32_t prot, struct secshm_view **out)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct section *sec = to_section(section);
	struct secshm_view *v;
	int mprot = PROT_READ;

	if (section->ops->type != SECSHM_TYPE_SECTION)
		return -EMEDIUMTYPE;
	if (!length || (offset | length) & (page - 1) || !(prot & SECSHM_PROT_READ) ||
	    (prot & ~SECSHM_PROT_MASK))
		return -EINVAL;
	if (offset + length < offset)
		return -EOVERFLOW;
	if (offset + length > sec->length)
		return -ERANGE;
	if (prot & SECSHM_PROT_WRITE) {
		if (!(secshm_section_access_mask(sec->flags) & SECSHM_ACCESS_MAP_WRITE))
			return -EACCES;
		mprot |= PROT_WRITE;
	}
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->addr = mmap(NULL, length, mprot, MAP_SHARED, sec->fd, (off_t)offset);
	if (v->addr == MAP_FAILED) {
		free(v);
		return -ENOMEM;
	}
	v->sec = to_section(secshm_object_get(section));
	v->offset = offset;
	v->length = length;
	v->prot = prot;
	*out = v;
	return 0;
}

void secshm_view_unmap(struct secshm_view *v)
{
	if (!v)
		return;
	munmap(v->addr, v->length);
	secshm_object_put(&v->sec->obj);
	free(v);
}

void secshm_view_span(const struct secshm_view *v, struct secshm_span *span)
{
	span->section = &v->sec->obj;
	span->offset = v->offset;
	span->length = v->length;
	span->flags = SECSHM_REF_READ | (v->prot & SECSHM_PROT_WRITE ? SECSHM_REF_WRITE : 0);
	span->base = v->addr;
}
