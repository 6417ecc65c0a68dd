// SPDX-License-Identifier: MIT
/*
 * The client end of the ring request path: the client produces requests
 * and consumes completions in a section the server made for it. No system
 * call per request while the server is awake; the doorbell is rung only
 * when the server has said it sleeps, and a waiting client sleeps on a futex
 * the server wakes.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "client.h"
#include "secshm-ring.h"

#define SPIN_CHECK 256

struct secshm_ring {
	struct secshm *s;
	uint32_t handle;
	void *map;
	struct secshm_spsc sq;		/* the client produces requests */
	struct secshm_spsc cq;		/* and consumes completions */
	int doorbell;
};

static bool layout_ok(const struct secshm_ring_args *a)
{
	uint64_t n = a->entries;

	return n && !(n & (n - 1)) && n <= SECSHM_RING_MAX &&
	       a->sq_ctl + sizeof(struct secshm_ring_ctl) <= a->length &&
	       a->cq_ctl + sizeof(struct secshm_ring_ctl) <= a->length &&
	       a->sqes + n * sizeof(struct secshm_sqe) <= a->length &&
	       a->cqes + n * sizeof(struct secshm_cqe) <= a->length;
}

int secshm_ring_setup(struct secshm *s, uint32_t entries, struct secshm_ring **out)
{
	struct secshm_ring_args a = { .size = sizeof(a), .entries = entries };
	struct secshm_ring *r = calloc(1, sizeof(*r));
	unsigned char *m;
	int ret;

	if (!r)
		return -ENOMEM;
	r->doorbell = -1;
	ret = s->ops->ring(s, &a, &r->doorbell);
	if (ret < 0)
		goto err;
	ret = layout_ok(&a) ? secshm_map(s, a.handle, 0, a.length, SECSHM_PROT_READ |
					 SECSHM_PROT_WRITE, &r->map) : -EPROTO;
	if (ret < 0) {
		secshm_close(s, a.handle);
		goto err;
	}
	m = r->map;
	r->s = s;
	r->handle = a.handle;
	secshm_spsc_init(&r->sq, m + a.sq_ctl, m + a.sqes, a.entries, sizeof(struct secshm_sqe));
	secshm_spsc_init(&r->cq, m + a.cq_ctl, m + a.cqes, a.entries, sizeof(struct secshm_cqe));
	*out = r;
	return 0;
err:
	if (r->doorbell >= 0)
		close(r->doorbell);
	free(r);
	return ret;
}

void secshm_ring_free(struct secshm_ring *r)
{
	if (!r)
		return;
	secshm_unmap(r->s, r->map);
	secshm_close(r->s, r->handle);
	close(r->doorbell);
	free(r);
}

static void ring_doorbell(struct secshm_ring *r)
{
	uint64_t one = 1;

	if (write(r->doorbell, &one, sizeof(one)) < 0)
		return;	/* the counter is full: a wake-up is pending anyway */
}

int secshm_ring_submit(struct secshm_ring *r, uint32_t opcode, const void *in, size_t in_len,
		       const struct secshm_ref *refs, uint32_t nrefs, uint64_t user_data)
{
	struct secshm_sqe *sqe;

	if (nrefs > SECSHM_SQE_REFS || in_len > SECSHM_SQE_INLINE)
		return -E2BIG;
	sqe = secshm_spsc_reserve(&r->sq);
	if (!sqe)
		return -EBUSY;
	sqe->user_data = user_data;
	sqe->opcode = opcode;
	sqe->flags = 0;
	sqe->nrefs = nrefs;
	sqe->in_len = (uint32_t)in_len;
	if (nrefs)
		memcpy(sqe->refs, refs, nrefs * sizeof(*refs));
	if (in_len)
		memcpy(sqe->in, in, in_len);
	secshm_spsc_commit(&r->sq, 1);
	if (secshm_spsc_needs_wakeup(&r->sq))
		ring_doorbell(r);
	return 0;
}

static int take(struct secshm_ring *r, struct secshm_cqe *cqe)
{
	const void *slot = secshm_spsc_peek(&r->cq);

	if (!slot)
		return -EAGAIN;
	memcpy(cqe, slot, sizeof(*cqe));
	secshm_spsc_release(&r->cq, 1);
	/* A server that stopped on a full completion ring waits for this. */
	if (secshm_spsc_pending(&r->sq) && secshm_spsc_needs_wakeup(&r->sq))
		ring_doorbell(r);
	if (cqe->out_len > sizeof(cqe->out))
		cqe->out_len = sizeof(cqe->out);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int futex_sleep(struct secshm_ring *r, int timeout_ms)
{
	struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000 };
	uint32_t seen = r->cq.peer;	/* the tail as last read: nothing new since */

	if (syscall(SYS_futex, &r->cq.ctl->tail, FUTEX_WAIT, seen,
		    timeout_ms < 0 ? NULL : &ts, NULL, 0) && errno == ETIMEDOUT)
		return -ETIMEDOUT;
	return 0;
}

int secshm_ring_wait(struct secshm_ring *r, struct secshm_cqe *cqe, uint64_t spin_ns,
		     int timeout_ms)
{
	uint64_t deadline = 0;
	uint32_t spins = 0;
	int err;

	for (;;) {
		if (!take(r, cqe))
			return 0;
		/* The clock is read once per SPIN_CHECK turns, not on each. */
		if (spin_ns && (++spins % SPIN_CHECK || !deadline || now_ns() < deadline)) {
			if (!deadline)
				deadline = now_ns() + spin_ns;
			__builtin_ia32_pause();
			continue;
		}
		if (!timeout_ms)
			return -EAGAIN;
		if (!secshm_spsc_prepare_sleep(&r->cq))
			continue;
		err = futex_sleep(r, timeout_ms);
		secshm_spsc_awake(&r->cq);
		if (err)
			return take(r, cqe) ? err : 0;
	}
}
