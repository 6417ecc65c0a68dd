// SPDX-License-Identifier: MIT
/*
 * Request dispatch: decode -> validate -> run -> encode. Messages arrive in
 * the server's private receive buffer, so everything decoded from them is
 * already captured; handlers see argument structs, resolved references and
 * private input, never raw client bytes (R1, R2, R4). The table of
 * handlers is made from the ABI's operation table (SECSHM_OPS); each
 * handler sits with the object it works on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define ARGS_MAX 512
_Static_assert(sizeof(struct secshm_create_args) <= ARGS_MAX, "ARGS_MAX too small");
/* Every reply fits the transmit buffer: the largest CALL output and LIST page. */
_Static_assert(sizeof(struct secshm_msg) + sizeof(struct secshm_call_args) + SECSHM_INLINE_MAX <=
	       SERVER_TX_MAX, "SERVER_TX_MAX too small for CALL");
_Static_assert(sizeof(struct secshm_msg) + sizeof(struct secshm_list_args) +
	       SECSHM_LIST_MAX * sizeof(struct secshm_section_info) <= SERVER_TX_MAX,
	       "SERVER_TX_MAX too small for LIST");

static const struct {
	size_t args_size;
	int (*fn)(struct secshm_client *c, void *args, struct request *r);
} ops[SECSHM_OP_MAX_BUILTIN + 1] = {
#define OP_ENTRY(NAME, name, nr, args, dir, where) \
	[SECSHM_OP_##NAME] = { sizeof(struct args), op_##name },
	SECSHM_OPS(OP_ENTRY)
#undef OP_ENTRY
};

/*
 * Extensible structs, as copy_struct_from_user: the size field must cover
 * the struct this server knows; a longer one is accepted only if the bytes
 * it does not know are zero. What follows the struct is the request's tail
 * (CALL's references and input), exactly as long as the struct says.
 */
static int decode_args(const unsigned char *payload, size_t len, size_t known, void *args,
		       struct request *r)
{
	uint32_t size;

	if (len < sizeof(size))
		return -EBADMSG;
	memcpy(&size, payload, sizeof(size));
	if (size < known || size > len)
		return -EBADMSG;
	if (!all_zero(payload + known, size - known))
		return -E2BIG;
	memcpy(args, payload, known);
	r->in_tail = payload + size;
	r->in_tail_len = len - size;
	return 0;
}

/* Only a file-backed CREATE carries a descriptor (R4). */
static bool expects_fd(uint16_t opcode, const void *args)
{
	const struct secshm_create_args *a = args;

	return opcode == SECSHM_OP_CREATE && (a->flags & SECSHM_CREATE_FILE);
}

size_t dispatch_request(struct secshm_client *c, const void *msg, size_t len, const int *fds,
			int nfds, bool truncated, void *reply, size_t reply_cap, int *reply_fd)
{
	unsigned char args[ARGS_MAX] __attribute__((aligned(8)));	/* filled by decode_args */
	struct secshm_msg hdr = { 0 }, *rh = reply;
	size_t args_size = 0, out = sizeof(*rh);
	struct request r = { .in_fd = nfds ? fds[0] : -1, .fd = -1 };
	int status;

	memcpy(&hdr, msg, len < sizeof(hdr) ? len : sizeof(hdr));
	status = secshm_check_header(&hdr, len, truncated);
	if (!status) {
		args_size = ops[hdr.opcode].args_size;
		r.tail = (unsigned char *)reply + sizeof(*rh) + args_size;
		r.tail_cap = reply_cap - sizeof(*rh) - args_size;
		status = decode_args((const unsigned char *)msg + sizeof(hdr), len - sizeof(hdr),
				     args_size, args, &r);
	}
	if (!status && nfds != (expects_fd(hdr.opcode, args) ? 1 : 0))
		status = -EBADMSG;
	if (!status && r.in_tail_len && hdr.opcode != SECSHM_OP_CALL)
		status = -EBADMSG;	/* only CALL has a tail */
	if (!status)
		status = ops[hdr.opcode].fn(c, args, &r);
	if (status >= 0) {
		memcpy(rh + 1, args, args_size);
		out += args_size + r.tail_len;
		*reply_fd = r.fd;
	}
	trace_request(c, &hdr, args, status);
	*rh = (struct secshm_msg){
		.size = (uint32_t)out, .version = SECSHM_ABI_VERSION,
		.opcode = hdr.opcode, .status = status, .cookie = hdr.cookie,
	};
	return out;
}
