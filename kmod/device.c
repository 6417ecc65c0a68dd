// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/secshm: each open is a client (client.c), and each request an
 * ioctl whose number is the opcode (_IOC_NR), made from the ABI's
 * operation table (SECSHM_OPS) like the daemon's dispatch table. The
 * struct comes in whole with copy_struct_from_user() and goes back with
 * its out fields; a handle a request made is installed only after that,
 * and given back if it fails (CVE-2019-6974).
 *
 * There is no CLOSE: a handle is a descriptor, closed with close(2). An
 * ioctl that checked a descriptor and then closed it by number would close
 * whatever another thread dup2()ed there in between, and no kernel
 * primitive closes a descriptor only if it still is a given file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "secshm_internal.h"

/* Room for any operation's struct. */
union secshm_args {
#define SECSHM__ARGS(NAME, name, nr, args, dir, where) struct args name;
	SECSHM_OPS(SECSHM__ARGS)
#undef SECSHM__ARGS
};

typedef long (*secshm_op_fn)(struct secshm_client *cl, union secshm_args *a,
			     struct secshm_handle_new *hn);

struct secshm_ioctl_op {
	unsigned int cmd;
	unsigned int size;
	secshm_op_fn fn;
};

#define SECSHM__IOCTL_FN_BOTH(name, args)						\
static long secshm_ioctl_##name(struct secshm_client *cl, union secshm_args *a,	\
				struct secshm_handle_new *hn)				\
{											\
	return secshm_op_##name(cl, &a->name, hn);					\
}
#define SECSHM__IOCTL_FN_SOCKET(name, args)
#define SECSHM__IOCTL_FN(NAME, name, nr, args, dir, where) SECSHM__IOCTL_FN_##where(name, args)
SECSHM_OPS(SECSHM__IOCTL_FN)

#define SECSHM__IOCTL_OP_BOTH(NAME, name, nr, args)					\
	[nr] = { SECSHM_IOC_##NAME, sizeof(struct args), secshm_ioctl_##name },
#define SECSHM__IOCTL_OP_SOCKET(NAME, name, nr, args)
#define SECSHM__IOCTL_OP(NAME, name, nr, args, dir, where)				\
	SECSHM__IOCTL_OP_##where(NAME, name, nr, args)
static const struct secshm_ioctl_op secshm_ioctl_ops[] = {
	SECSHM_OPS(SECSHM__IOCTL_OP)
};

/*
 * The struct's own size field says how much the caller passed: shorter than
 * this ABI's struct is malformed, longer is accepted only if the bytes this
 * module does not know are zero (-E2BIG otherwise).
 */
static int secshm_args_in(void *args, size_t size, void __user *uarg)
{
	u32 usize;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < size || usize > PAGE_SIZE)
		return -EBADMSG;
	return copy_struct_from_user(args, size, uarg, usize);
}

/* The handle a request prepared: to the caller if the reply reached it. */
static void secshm_handle_finish(struct secshm_handle_new *hn, bool ok)
{
	if (!hn->file)
		return;
	if (ok) {
		secshm_handle_commit(hn);
		return;
	}
	if (hn->created && secshm_name_unlink(hn->created))
		__secshm_section_put(hn->created);	/* nobody got it: no permanent name */
	secshm_handle_abort(hn);
}

static long secshm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	const struct secshm_ioctl_op *op = NULL;
	struct secshm_handle_new hn = { .fd = -1 };
	void __user *uarg = (void __user *)arg;
	union secshm_args *args;
	long ret;

	if (_IOC_NR(cmd) < ARRAY_SIZE(secshm_ioctl_ops))
		op = &secshm_ioctl_ops[_IOC_NR(cmd)];
	if (!op || !op->fn || op->cmd != cmd)
		return -ENOTTY;
	args = kmalloc(sizeof(*args), GFP_KERNEL);
	if (!args)
		return -ENOMEM;
	ret = secshm_args_in(args, op->size, uarg);
	if (!ret)
		ret = op->fn(file->private_data, args, &hn);
	if (ret >= 0 && (_IOC_DIR(cmd) & _IOC_READ) && copy_to_user(uarg, args, op->size))
		ret = -EFAULT;
	secshm_handle_finish(&hn, ret >= 0);
	kfree(args);
	return ret;
}

static int secshm_dev_open(struct inode *inode, struct file *file)
{
	struct secshm_client *cl = secshm_client_new();

	if (IS_ERR(cl))
		return PTR_ERR(cl);
	file->private_data = cl;
	return 0;
}

/* The client is gone: its tokens die; its handles may live on. */
static int secshm_dev_release(struct inode *inode, struct file *file)
{
	struct secshm_client *cl = file->private_data;

	secshm_tokens_drop(cl);
	secshm_client_close(cl);
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

int secshm_device_init(void)
{
	return misc_register(&secshm_misc);
}

void secshm_device_exit(void)
{
	misc_deregister(&secshm_misc);
}
