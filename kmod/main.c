// SPDX-License-Identifier: GPL-2.0
/*
 * secshm.ko: /dev/secshm, the kernel-module privileged side of secshm.
 * Each open of the device is a client; its handles are file descriptors.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "secshm_internal.h"

struct secshm_counters secshm_count;

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

unsigned long secshm_total_pinned = 64UL << 20;
module_param_named(total_pinned, secshm_total_pinned, ulong, 0644);
MODULE_PARM_DESC(total_pinned, "Bytes of pinned sections in all");

int secshm_trusted_gid = -1;
module_param_named(trusted_gid, secshm_trusted_gid, int, 0444);
MODULE_PARM_DESC(trusted_gid,
		 "Group whose members may open trusted-only sections (-1: none; CAP_SYS_RAWIO always may)");

/*
 * Take one unit of a per-client quota; the caller gives it back with
 * atomic_dec() when the object goes.
 */
int secshm_quota_take(atomic_t *client, unsigned int max)
{
	if (atomic_inc_return(client) > max) {
		atomic_dec(client);
		return -EDQUOT;
	}
	return 0;
}

static void secshm_client_free(struct kref *ref)
{
	kfree(container_of(ref, struct secshm_client, ref));
}

void secshm_client_put(struct secshm_client *cl)
{
	kref_put(&cl->ref, secshm_client_free);
}

static int secshm_dev_open(struct inode *inode, struct file *file)
{
	static atomic64_t next_id;
	struct secshm_client *cl;

	cl = kzalloc(sizeof(*cl), GFP_KERNEL);
	if (!cl)
		return -ENOMEM;
	kref_init(&cl->ref);
	cl->id = atomic64_inc_return(&next_id);
	cl->pid = task_tgid_vnr(current);
	cl->uid = current_euid();
	cl->gid = current_egid();
	spin_lock_init(&cl->lock);
	INIT_LIST_HEAD(&cl->handle_list);
	atomic_inc(&secshm_count.clients);
	secshm_client_add(cl);
	file->private_data = cl;
	return 0;
}

/* The client is gone: its tokens die; its handles may live on. */
static int secshm_dev_release(struct inode *inode, struct file *file)
{
	struct secshm_client *cl = file->private_data;

	secshm_tokens_drop(cl);
	secshm_client_del(cl);
	atomic_dec(&secshm_count.clients);
	secshm_client_put(cl);
	return 0;
}

static const struct file_operations secshm_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= secshm_dev_open,
	.release	= secshm_dev_release,
	.unlocked_ioctl	= secshm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice secshm_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "secshm",
	.fops	= &secshm_dev_fops,
	.mode	= 0666,
};

static int __init secshm_init(void)
{
	int ret;

	ret = misc_register(&secshm_misc);
	if (ret)
		return ret;
	pr_info("ready (ABI %d)\n", SECSHM_ABI_VERSION);
	return 0;
}

/*
 * Nothing can be live here: every handle, client file and backing file pins
 * the module. A non-zero counter is a bug, reported for the VM harness.
 */
static void __exit secshm_exit(void)
{
	misc_deregister(&secshm_misc);
	secshm_view_exit();
	if (atomic_read(&secshm_count.clients) ||
	    atomic_read(&secshm_count.sections) ||
	    atomic_read(&secshm_count.views) ||
	    atomic_read(&secshm_count.handles) ||
	    atomic64_read(&secshm_count.bytes))
		pr_err("leak: clients %d sections %d views %d handles %d bytes %lld\n",
		       atomic_read(&secshm_count.clients),
		       atomic_read(&secshm_count.sections),
		       atomic_read(&secshm_count.views),
		       atomic_read(&secshm_count.handles),
		       (long long)atomic64_read(&secshm_count.bytes));
}

module_init(secshm_init);
module_exit(secshm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("secshm: secure shared memory sections for untrusted processes");
MODULE_VERSION("0.1");
