// SPDX-License-Identifier: MIT
/* CALL: a server-registered request with references and inline bytes (R1). */
#include <errno.h>
#include "client.h"

int secshm_flush(struct secshm *s, uint32_t handle, uint64_t offset, uint64_t length)
{
	struct secshm_ref ref = { .handle = handle, .flags = SECSHM_REF_READ,
				  .offset = offset, .length = length };

	return secshm_call(s, SECSHM_CALL_FLUSH, NULL, 0, &ref, 1, NULL, 0, NULL);
}

int secshm_call(struct secshm *s, uint32_t opcode, const void *in, size_t in_len,
		const struct secshm_ref *refs, uint32_t nrefs,
		void *out, size_t out_cap, size_t *out_len)
{
	struct secshm_call_args a = {
		.size = sizeof(a),
		.opcode = opcode,
		.nrefs = nrefs,
	};
	/* iovecs are not const-correct; the request side is only read. */
	const struct iovec in_iov[SECSHM__TAIL_IN_MAX] = {
		{ (void *)(uintptr_t)refs, (size_t)nrefs * sizeof(*refs) },
		{ (void *)(uintptr_t)in, in_len },
	};
	struct secshm__tail tail = { .in = in_iov, .nin = SECSHM__TAIL_IN_MAX, .out = out };
	int ret;

	if (out_len)
		*out_len = 0;
	/* Larger would not fit one message, and no server takes it. */
	if (nrefs > SECSHM_REFS_MAX || in_len > SECSHM_INLINE_MAX)
		return -E2BIG;
	a.in_len = (uint32_t)in_len;
	a.out_len = (uint32_t)(out_cap < SECSHM_INLINE_MAX ? out_cap : SECSHM_INLINE_MAX);
	tail.out_cap = a.out_len;
	if (secshm__by_address(s)) {
		a.refs = secshm__addr(refs);
		a.in = secshm__addr(in);
		a.out = secshm__addr(out);
	}

	ret = secshm__call(s, &a, &tail);
	if (ret < 0)
		return ret;
	if (a.out_len > tail.out_cap)
		return -EPROTO;
	if (!secshm__by_address(s) && tail.out_len != a.out_len)
		return -EPROTO;
	if (out_len)
		*out_len = a.out_len;
	return ret;
}
