// SPDX-License-Identifier: MIT
/*
 * Views: mapped by the client itself (P4) and remembered per connection so
 * that unmap needs only the address. The server is the authority on ranges
 * and access; the local checks give both backends the same answers for
 * values no section could satisfy.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "client.h"

static int check_view(const struct secshm *s, uint64_t offset, uint64_t length, uint32_t prot)
{
	uint64_t end;

	if ((prot & ~SECSHM_PROT_MASK) || !(prot & SECSHM_PROT_READ))
		return -EINVAL;
	if (!length || ((offset | length) & (s->page_size - 1)))
		return -EINVAL;
	if (__builtin_add_overflow(offset, length, &end))
		return -EOVERFLOW;
	/* mmap takes a signed offset and a size_t length: no section reaches past them. */
	if (end > INT64_MAX || length > SIZE_MAX)
		return -ERANGE;
	return 0;
}

/* Room for one more record before mapping, so recording cannot fail after. */
static int reserve_view(struct secshm *s)
{
	struct secshm__view *views;
	size_t cap;

	if (s->nviews < s->views_cap)
		return 0;
	cap = s->views_cap ? 2 * s->views_cap : 8;
	views = reallocarray(s->views, cap, sizeof(*views));
	if (!views)
		return -ENOMEM;
	s->views = views;
	s->views_cap = cap;
	return 0;
}

static struct secshm__view *find_view(struct secshm *s, const void *addr)
{
	size_t i;

	for (i = 0; i < s->nviews; i++)
		if (s->views[i].addr == addr)
			return &s->views[i];
	return NULL;
}

int secshm_map(struct secshm *s, uint32_t handle, uint64_t offset, uint64_t length,
	       uint32_t prot, void **addr)
{
	struct secshm_map_args a = {
		.size = sizeof(a),
		.handle = handle,
		.prot = prot,
		.offset = offset,
		.length = length,
	};
	struct secshm__view *v;
	int ret;

	ret = check_view(s, offset, length, prot);
	if (ret)
		return ret;
	ret = reserve_view(s);
	if (ret)
		return ret;
	v = &s->views[s->nviews];
	ret = s->ops->map(s, &a, v);
	if (ret)
		return ret;
	s->nviews++;
	*addr = v->addr;
	return 0;
}

int secshm_unmap(struct secshm *s, void *addr)
{
	struct secshm__view *v = find_view(s, addr);
	uint32_t handle;

	if (!v)
		return -EINVAL;
	if (munmap(v->addr, v->length) < 0)
		return -errno;
	handle = v->handle;
	*v = s->views[--s->nviews];
	if (handle == SECSHM_HANDLE_NONE)
		return 0;
	return s->ops->close_view(s, handle);
}
