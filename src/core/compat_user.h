/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* The core in libsecshm-server: libc types and allocators. */
#ifndef SECSHM_CORE_COMPAT_USER_H
#define SECSHM_CORE_COMPAT_USER_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "uapi/secshm.h"

static inline void *core_alloc(size_t n)
{
	return malloc(n);
}

static inline void *core_zalloc(size_t n)
{
	return calloc(1, n);
}

static inline void core_free(void *p)
{
	free(p);
}

#endif /* SECSHM_CORE_COMPAT_USER_H */
