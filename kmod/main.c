// SPDX-License-Identifier: GPL-2.0
/*
 * secshm.ko: the kernel-module privileged side of secshm. Loading it
 * registers the built-in calls and /dev/secshm; unloading it checks that
 * nothing was left behind.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "secshm_internal.h"

static int __init secshm_init(void)
{
	int ret = secshm_opcodes_init();

	if (ret)
		return ret;
	ret = secshm_device_init();
	if (ret) {
		secshm_opcodes_exit();
		return ret;
	}
	pr_info("ready (ABI %d)\n", SECSHM_ABI_VERSION);
	return 0;
}

/*
 * Nothing can be live here: every handle, client file and backing file pins
 * the module. A non-zero counter is a bug, reported for the VM harness.
 */
static void __exit secshm_exit(void)
{
	secshm_device_exit();
	secshm_opcodes_exit();
	secshm_client_view_exit();
	secshm_backing_exit();
	if (atomic_read(&secshm_count.accounts) || atomic_read(&secshm_count.clients) ||
	    atomic_read(&secshm_count.sections) || atomic_read(&secshm_count.views) ||
	    atomic_read(&secshm_count.handles) || atomic64_read(&secshm_count.bytes))
		pr_err("leak: accounts %d clients %d sections %d views %d handles %d bytes %lld\n",
		       atomic_read(&secshm_count.accounts), atomic_read(&secshm_count.clients),
		       atomic_read(&secshm_count.sections), atomic_read(&secshm_count.views),
		       atomic_read(&secshm_count.handles),
		       (long long)atomic64_read(&secshm_count.bytes));
}

module_init(secshm_init);
module_exit(secshm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("secshm: secure shared memory sections for untrusted processes");
MODULE_VERSION("0.1");
