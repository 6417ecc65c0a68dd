/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* The core in secshm.ko: kernel types and allocators. */
#ifndef SECSHM_CORE_COMPAT_KERNEL_H
#define SECSHM_CORE_COMPAT_KERNEL_H

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>
#include <uapi/secshm.h>

/* What <stdint.h> has and the kernel calls otherwise. */
#ifndef UINT32_MAX
#define UINT32_MAX	U32_MAX
#endif
#ifndef UINT64_MAX
#define UINT64_MAX	U64_MAX
#endif

static inline void *core_alloc(size_t n)
{
	return kvmalloc(n, GFP_KERNEL);
}

static inline void *core_zalloc(size_t n)
{
	return kvzalloc(n, GFP_KERNEL);
}

static inline void core_free(void *p)
{
	kvfree(p);
}

#endif /* SECSHM_CORE_COMPAT_KERNEL_H */
