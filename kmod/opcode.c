// SPDX-License-Identifier: GPL-2.0
/*
 * The CALL opcodes (R1): one table, by number, of what serves each and
 * its shape. The built-in calls (SECSHM_CALLS: observe.c, flush.c) enter
 * it as any driver's do, through the same checks; a driver's opcodes are
 * SECSHM_CALL_USER and up. A lookup holds the owner's module while the
 * handler runs, so a driver unloads only between calls.
 */
#include <linux/module.h>
#include <linux/xarray.h>

#include "secshm_internal.h"

static DEFINE_XARRAY(secshm_opcodes);

static int secshm_opcode_add(const struct secshm_opcode *op, bool builtin)
{
	int ret = secshm_opcode_check(op->opcode, builtin, op->min_refs, op->max_refs,
				      op->min_in, op->max_in);

	if (ret || !op->handler)
		return -EINVAL;
	ret = xa_insert(&secshm_opcodes, op->opcode, (void *)op, GFP_KERNEL);
	return ret == -EBUSY ? -EEXIST : ret;
}

int secshm_opcode_register(const struct secshm_opcode *op)
{
	return secshm_opcode_add(op, false);
}
EXPORT_SYMBOL_GPL(secshm_opcode_register);

void secshm_opcode_unregister(const struct secshm_opcode *op)
{
	xa_cmpxchg(&secshm_opcodes, op->opcode, (void *)op, NULL, GFP_KERNEL);
}
EXPORT_SYMBOL_GPL(secshm_opcode_unregister);

const struct secshm_opcode *secshm_opcode_get(u32 opcode)
{
	const struct secshm_opcode *op;

	xa_lock(&secshm_opcodes);
	op = xa_load(&secshm_opcodes, opcode);
	if (op && !try_module_get(op->owner))
		op = NULL;
	xa_unlock(&secshm_opcodes);
	return op;
}

void secshm_opcode_put(const struct secshm_opcode *op)
{
	module_put(op->owner);
}

#define SECSHM__CALL_ENTRY(NAME, name, nr, refs, in)					\
	{ .opcode = nr, .min_refs = refs, .max_refs = refs, .min_in = in, .max_in = in,	\
	  .handler = secshm_call_##name, .owner = THIS_MODULE },
static const struct secshm_opcode secshm_builtin_calls[] = {
	SECSHM_CALLS(SECSHM__CALL_ENTRY)
};

int secshm_opcodes_init(void)
{
	int i, ret = 0;

	for (i = 0; i < ARRAY_SIZE(secshm_builtin_calls) && !ret; i++)
		ret = secshm_opcode_add(&secshm_builtin_calls[i], true);
	if (ret)
		secshm_opcodes_exit();
	return ret;
}

void secshm_opcodes_exit(void)
{
	xa_destroy(&secshm_opcodes);
}
