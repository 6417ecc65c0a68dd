// SPDX-License-Identifier: MIT
/*
 * Request dispatch: decode -> validate -> run -> encode. Messages arrive in
 * the server's private receive buffer, so everything decoded from them is
 * already captured; handlers see argument structs, resolved references and
 * private input, never raw client bytes (R1, R2, R4).
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

static int decode_header(const struct secshm_msg *hdr, size_t len, bool truncated)
{
	if (len < sizeof(*hdr) || len > SECSHM_MSG_MAX || truncated || hdr->size != len)
		return -EBADMSG;
	if (hdr->version != SECSHM_ABI_VERSION)
		return -EPROTO;
	if (hdr->status || hdr->flags)
		return -EINVAL;
	if (!hdr->opcode || hdr->opcode > SECSHM_OP_MAX_BUILTIN)
		return -EOPNOTSUPP;
	return 0;
}

/*
 * Extensible structs, as copy_struct_from_user: the size field must cover
 * the struct this server knows; a longer one is accepted only if the bytes
 * it does not know are zero. *used is where the struct ends in the payload.
 */
static int decode_args(const unsigned char *payload, size_t len, size_t known, bool has_tail,
		       void *args, size_t *used)
{
	uint32_t size;

	if (len < sizeof(size))
		return -EBADMSG;
	memcpy(&size, payload, sizeof(size));
	if (size < known || size > len || (!has_tail && size != len))
		return -EBADMSG;
	if (!all_zero(payload + known, size - known))
		return -E2BIG;
	memcpy(args, payload, known);
	*used = size;
	return 0;
}

/* Only a file-backed CREATE carries a descriptor (R4). */
static bool expects_fd(uint16_t opcode, const void *args)
{
	const struct secshm_create_args *a = args;

	return opcode == SECSHM_OP_CREATE && (a->flags & SECSHM_CREATE_FILE);
}

static int run(struct secshm_client *c, uint16_t opcode, const unsigned char *payload,
	       size_t len, int nfds, void *args, struct reply *r)
{
	const struct builtin *b = &builtins[opcode];
	struct secshm_ref refs[SECSHM_REFS_MAX];
	struct secshm_call_args *a = args;
	uint64_t tail;
	size_t used;
	int err;

	err = decode_args(payload, len, b->args_size, opcode == SECSHM_OP_CALL, args, &used);
	if (err)
		return err;
	if (nfds != (expects_fd(opcode, args) ? 1 : 0))
		return -EBADMSG;
	if (opcode != SECSHM_OP_CALL)
		return b->fn(c, args, r);

	if (a->nrefs > SECSHM_REFS_MAX || a->in_len > SECSHM_INLINE_MAX ||
	    a->out_len > SECSHM_INLINE_MAX)
		return -E2BIG;
	tail = (uint64_t)a->nrefs * sizeof(struct secshm_ref) + a->in_len;
	if (used + tail != len)
		return -EBADMSG;
	memcpy(refs, payload + used, a->nrefs * sizeof(struct secshm_ref));
	return op_call(c, a, refs, payload + used + a->nrefs * sizeof(struct secshm_ref), r);
}

size_t dispatch_request(struct secshm_client *c, const void *msg, size_t len, const int *fds,
			int nfds, bool truncated, void *reply, size_t reply_cap, int *reply_fd)
{
	unsigned char args[ARGS_MAX] __attribute__((aligned(8)));	/* filled by decode_args */
	struct secshm_msg hdr = { 0 }, *rh = reply;
	size_t args_size = 0, out = sizeof(*rh);
	struct reply r = { .in_fd = nfds ? fds[0] : -1, .args = args, .fd = -1 };
	int status;

	memcpy(&hdr, msg, len < sizeof(hdr) ? len : sizeof(hdr));
	status = decode_header(&hdr, len, truncated);
	if (!status) {
		args_size = builtins[hdr.opcode].args_size;
		r.tail = (unsigned char *)reply + sizeof(*rh) + args_size;
		r.tail_cap = reply_cap - sizeof(*rh) - args_size;
		status = run(c, hdr.opcode, (const unsigned char *)msg + sizeof(hdr),
			     len - sizeof(hdr), nfds, args, &r);
	}
	if (status >= 0) {
		memcpy(rh + 1, args, args_size);
		out += args_size + r.tail_len;
		*reply_fd = r.fd;
	}
	*rh = (struct secshm_msg){
		.size = (uint32_t)out, .version = SECSHM_ABI_VERSION,
		.opcode = hdr.opcode, .status = status, .cookie = hdr.cookie,
	};
	return out;
}
