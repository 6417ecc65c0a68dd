// SPDX-License-Identifier: MIT
/*
 * CALL: registered opcodes (the DeviceIoControl analog, R1). Before a
 * handler runs, the request's shape is checked against its registration
 * and every reference is resolved (R2): live handle of this client, section
 * type, access for the direction of use, arithmetic overflow, bounds. The
 * built-in calls (SECSHM_CALLS) register at server creation through the
 * same table as a server's own, so they get the same checks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

int ref_resolve(struct secshm_client *c, const struct secshm_ref *ref, struct secshm_span *span)
{
	struct secshm_object *obj;
	struct section *sec;
	uint32_t need;
	int err = secshm_ref_flags(ref->flags, false, &need);

	if (err)
		return err;	/* SECSHM_REF_USER_PTR is the device's alone */
	err = secshm_reference_by_handle(c->srv, c, ref->handle, need, SECSHM_TYPE_SECTION,
					 SECSHM_CHECKED, &obj);
	if (err)
		return err;
	sec = to_section(obj);
	err = secshm_range_check(ref->offset, ref->length, sec->length);
	if (!err && !section_map(sec))
		err = -ENOMEM;
	if (err) {
		secshm_object_put(obj);
		return err;
	}
	*span = (struct secshm_span){
		.section = obj, .offset = ref->offset, .length = ref->length,
		.flags = ref->flags, .base = sec->map + ref->offset,
	};
	return 0;
}

static int by_opcode(const void *key, const void *elem)
{
	uint32_t k = *(const uint32_t *)key, e = ((const struct secshm_opcode *)elem)->opcode;

	return k < e ? -1 : k > e;
}

static const struct secshm_opcode *opcode_find(const struct opcode_table *t, uint32_t opcode)
{
	if (!t->count)
		return NULL;	/* bsearch may not see a NULL array */
	return bsearch(&opcode, t->ops, t->count, sizeof(*t->ops), by_opcode);
}

static int opcode_add(struct opcode_table *t, const struct secshm_opcode *op, bool builtin)
{
	struct secshm_opcode *ops;
	uint32_t i;
	int err = secshm_opcode_check(op->opcode, builtin, op->min_refs, op->max_refs, op->min_in,
				      op->max_in);

	if (err || !op->handler)
		return -EINVAL;
	if (opcode_find(t, op->opcode))
		return -EEXIST;
	ops = realloc(t->ops, (t->count + 1) * sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	t->ops = ops;
	for (i = t->count; i > 0 && ops[i - 1].opcode > op->opcode; i--)
		ops[i] = ops[i - 1];
	ops[i] = *op;
	t->count++;
	return 0;
}

int secshm_server_register(struct secshm_server *srv, const struct secshm_opcode *op)
{
	return opcode_add(&srv->opcodes, op, false);
}

/* The built-in calls, each with its object: call_stats in observe.c, ... */
int calls_init(struct secshm_server *srv)
{
	static const struct secshm_opcode builtins[] = {
#define CALL_ENTRY(NAME, name, nr, refs, in) \
		{ .opcode = nr, .min_refs = refs, .max_refs = refs, .min_in = in, .max_in = in, \
		  .handler = call_##name },
		SECSHM_CALLS(CALL_ENTRY)
#undef CALL_ENTRY
	};
	int err = 0;

	for (size_t i = 0; !err && i < sizeof(builtins) / sizeof(builtins[0]); i++)
		err = opcode_add(&srv->opcodes, &builtins[i], true);
	return err;
}

/* The checks and the handler every CALL gets, whichever path it came by. */
int call_run(struct secshm_client *c, struct call *call)
{
	struct secshm_span spans[SECSHM_REFS_MAX];
	const struct secshm_opcode *op;
	struct secshm_request req;
	uint32_t n;
	int status = 0;

	call->out_len = 0;
	op = opcode_find(&c->srv->opcodes, call->opcode);
	if (!op)
		return -EOPNOTSUPP;
	status = secshm_call_fits(call->nrefs, call->in_len, op->min_refs, op->max_refs,
				  op->min_in, op->max_in);
	if (status)
		return status;
	for (n = 0; n < call->nrefs && !status; n++)
		status = ref_resolve(c, &call->refs[n], &spans[n]);
	if (!status) {
		req = (struct secshm_request){
			.client = c, .opcode = call->opcode, .in = call->in,
			.in_len = call->in_len, .refs = spans, .nrefs = call->nrefs,
			.out = call->out, .out_cap = call->out_cap, .flags = call->flags,
		};
		fetch_begin(c->srv, call->opcode);
		status = op->handler(c->srv, &req, op->data);
		fetch_end(c->srv);
		if (status >= 0 && req.out_len > req.out_cap)
			status = -EIO;	/* a handler bug must not leak memory */
		if (status >= 0)
			call->out_len = (uint32_t)req.out_len;
	} else {
		n--;	/* the failed one holds nothing */
	}
	while (n--)
		secshm_object_put(spans[n].section);
	return status;
}

/* CALL on the socket: the struct's own rules, the tail it announces, then call_run. */
int op_call(struct secshm_client *c, void *args, struct request *r)
{
	struct secshm_call_args *a = args;
	struct secshm_ref refs[SECSHM_REFS_MAX];
	size_t refs_len = (size_t)a->nrefs * sizeof(struct secshm_ref);
	struct call call = {
		.opcode = a->opcode, .refs = refs, .nrefs = a->nrefs, .in_len = a->in_len,
		.out = r->tail, .out_cap = a->out_len,
	};
	int status = secshm_check_call(a, false);

	if (status)
		return status;
	if (r->in_tail_len != refs_len + a->in_len)
		return -EBADMSG;
	memcpy(refs, r->in_tail, refs_len);
	call.in = r->in_tail + refs_len;
	status = call_run(c, &call);
	if (status >= 0)
		r->tail_len = a->out_len = call.out_len;
	return status;
}
