/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * The core's view of the world: one header per side, so that the same
 * source compiles into secshm.ko and into libsecshm-server (as the kernel
 * shares lib/zstd with user space). Core code uses only what both give:
 * fixed-width integers, bool, the string functions, snprintf, errno values,
 * and core_alloc/core_free.
 */
#ifndef SECSHM_CORE_COMPAT_H
#define SECSHM_CORE_COMPAT_H

#ifdef __KERNEL__
#include "compat_kernel.h"
#else
#include "compat_user.h"
#endif

#endif /* SECSHM_CORE_COMPAT_H */
