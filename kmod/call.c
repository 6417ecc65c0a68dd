// SPDX-License-Identifier: GPL-2.0
/*
 * CALL, the DeviceIoControl analog (R1, R2): the opcode's entry and shape,
 * every reference resolved into a span, the input copied in, the handler
 * run, the output copied out. Handlers never see a raw client value.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "secshm_internal.h"

static int secshm_call_refs(struct secshm_request *req, const struct secshm_call_args *a)
{
	struct secshm_ref *refs;
	int ret = 0;
	u32 i;

	if (!a->nrefs)
		return 0;
	refs = memdup_user(u64_to_user_ptr(a->refs), array_size(a->nrefs, sizeof(*refs)));
	if (IS_ERR(refs))
		return PTR_ERR(refs);
	for (i = 0; i < a->nrefs && !ret; i++) {
		ret = secshm_span_resolve(req, &refs[i], &req->refs[i]);
		if (!ret)
			req->nrefs++;
	}
	kfree(refs);
	return ret;
}

static void secshm_request_free(struct secshm_request *req)
{
	u32 i;

	for (i = 0; i < req->nrefs; i++)
		if (req->refs[i].section)
			__secshm_section_put(req->refs[i].section);
	kvfree(req->in);
	kvfree(req->out);
	kfree(req->fetch);
	kfree(req);
}

static long secshm_request_run(struct secshm_request *req, struct secshm_call_args *a,
			       const struct secshm_opcode *op)
{
	long ret;

	if (READ_ONCE(secshm_check_fetch)) {
		req->fetch = kmalloc(sizeof(*req->fetch), GFP_KERNEL);
		if (!req->fetch)
			return -ENOMEM;
		secshm_fetch_begin(req->fetch);
	}
	ret = secshm_call_refs(req, a);
	if (ret)
		return ret;
	if (a->in_len) {
		req->in = vmemdup_user(u64_to_user_ptr(a->in), a->in_len);
		if (IS_ERR(req->in)) {
			ret = PTR_ERR(req->in);
			req->in = NULL;
			return ret;
		}
	}
	req->in_len = a->in_len;
	req->out_cap = a->out_len;
	req->out = kvzalloc(req->out_cap, GFP_KERNEL);
	if (!req->out)
		return -ENOMEM;

	ret = op->handler(req, op->data);
	if (ret < 0)
		return ret;
	if (req->out_len > req->out_cap)
		return -EIO;	/* a handler bug must not leak kernel memory */
	if (copy_to_user(u64_to_user_ptr(a->out), req->out, req->out_len))
		return -EFAULT;
	a->out_len = req->out_len;
	return ret;
}

long secshm_op_call(struct secshm_client *cl, struct secshm_call_args *a,
		    struct secshm_handle_new *hn)
{
	const struct secshm_opcode *op;
	struct secshm_request *req;
	long ret = secshm_check_call(a, true);

	if (ret)
		return ret;
	op = secshm_opcode_get(a->opcode);
	if (!op)
		return -EOPNOTSUPP;
	ret = secshm_call_fits(a->nrefs, a->in_len, op->min_refs, op->max_refs, op->min_in,
			       op->max_in);
	if (ret)
		goto out;
	req = kzalloc(sizeof(*req), GFP_KERNEL);
	ret = -ENOMEM;
	if (req) {
		req->opcode = a->opcode;
		req->client = cl;
		ret = secshm_request_run(req, a, op);
		secshm_request_free(req);
	}
out:
	secshm_opcode_put(op);
	return ret;
}
