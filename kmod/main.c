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

/*
 * Per uid (Q5): a fraction of the global caps, so that no uid exhausts one
 * alone; permanent names, which outlive every process, get a smaller one.
 */
unsigned int secshm_uid_clients = 256;
module_param_named(uid_clients, secshm_uid_clients, uint, 0644);
MODULE_PARM_DESC(uid_clients, "Opens of /dev/secshm per uid");

unsigned int secshm_uid_sections = 4096;
module_param_named(uid_sections, secshm_uid_sections, uint, 0644);
MODULE_PARM_DESC(uid_sections, "Sections the clients of one uid created, alive");

unsigned long secshm_uid_bytes = 256UL << 20;
module_param_named(uid_bytes, secshm_uid_bytes, ulong, 0644);
MODULE_PARM_DESC(uid_bytes, "Bytes of sections the clients of one uid created, alive");

unsigned int secshm_uid_tokens = 1024;
module_param_named(uid_tokens, secshm_uid_tokens, uint, 0644);
MODULE_PARM_DESC(uid_tokens, "Transfer tokens the clients of one uid exported, unredeemed");

unsigned int secshm_owner_sections = 1024;
module_param_named(owner_sections, secshm_owner_sections, uint, 0644);
MODULE_PARM_DESC(owner_sections, "Permanent named sections per owner uid, until unlinked");

unsigned long secshm_owner_bytes = 128UL << 20;
module_param_named(owner_bytes, secshm_owner_bytes, ulong, 0644);
MODULE_PARM_DESC(owner_bytes, "Bytes of permanent named sections per owner uid");

unsigned long secshm_total_pinned = 64UL << 20;
module_param_named(total_pinned, secshm_total_pinned, ulong, 0644);
MODULE_PARM_DESC(total_pinned, "Bytes of pinned sections in all");

int secshm_global_gid = -1;
module_param_named(global_gid, secshm_global_gid, int, 0444);
MODULE_PARM_DESC(global_gid,
		 "Group whose members may create global names (-1: none; CAP_SYS_ADMIN always may)");

int secshm_trusted_gid = -1;
module_param_named(trusted_gid, secshm_trusted_gid, int, 0444);
MODULE_PARM_DESC(trusted_gid,
		 "Group whose members may open trusted-only sections (-1: none; CAP_SYS_RAWIO always may)");

/*
 * Take one unit of a per-client or per-uid quota; the caller gives it back
 * with atomic_dec() when the object goes.
 */
int secshm_quota_take(atomic_t *count, unsigned int max)
{
	if (atomic_inc_return(count) > max) {
		atomic_dec(count);
		return -EDQUOT;
	}
	return 0;
}

/* The same for @n bytes; given back with atomic64_sub(). */
int secshm_quota_add(atomic64_t *count, u64 n, u64 max)
{
	if (atomic64_add_return(n, count) > max) {
		atomic64_sub(n, count);
		return -EDQUOT;
	}
	return 0;
}

static void secshm_client_free(struct kref *ref)
{
	struct secshm_client *cl = container_of(ref, struct secshm_client, ref);

	secshm_account_put(cl->account);
	kfree(cl);
}

void secshm_client_put(struct secshm_client *cl)
{
	kref_put(&cl->ref, secshm_client_free);
}

/* Each open is a client, charged to its uid: -EDQUOT past uid_clients. */
static int secshm_dev_open(struct inode *inode, struct file *file)
{
	static atomic64_t next_id;
	struct secshm_client *cl;
	int ret = -ENOMEM;

	cl = kzalloc(sizeof(*cl), GFP_KERNEL);
	if (!cl)
		return -ENOMEM;
	cl->account = secshm_account_get(current_euid());
	if (!cl->account)
		goto err_free;
	ret = secshm_quota_take(&cl->account->clients, secshm_uid_clients);
	if (ret)
		goto err_account;
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

err_account:
	secshm_account_put(cl->account);
err_free:
	kfree(cl);
	return ret;
}

/* The client is gone: its tokens die; its handles may live on. */
static int secshm_dev_release(struct inode *inode, struct file *file)
{
	struct secshm_client *cl = file->private_data;

	secshm_tokens_drop(cl);
	secshm_client_del(cl);
	atomic_dec(&cl->account->clients);
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
	if (atomic_read(&secshm_count.accounts) ||
	    atomic_read(&secshm_count.clients) ||
	    atomic_read(&secshm_count.sections) ||
	    atomic_read(&secshm_count.views) ||
	    atomic_read(&secshm_count.handles) ||
	    atomic64_read(&secshm_count.bytes))
		pr_err("leak: accounts %d clients %d sections %d views %d handles %d bytes %lld\n",
		       atomic_read(&secshm_count.accounts),
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
