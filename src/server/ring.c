// SPDX-License-Identifier: MIT
/*
 * The ring request path: a request ring the client produces and a
 * completion ring the server produces, in a sealed section the server made
 * for that client. Each request is copied once into private memory and runs
 * through call_run, exactly the checks a CALL on the socket gets; only the
 * transport differs. While both sides are busy no system call is made: the
 * client rings the doorbell (an eventfd in the server's epoll set) only when
 * the server has said it sleeps, and the server wakes a sleeping client
 * through a futex on the completion ring's tail.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

#define RING_DEFAULT	256
#define SQ_CTL		0
#define CQ_CTL		sizeof(struct secshm_ring_ctl)
#define SQES		(2 * sizeof(struct secshm_ring_ctl))
#define SPIN_CHECK	256	/* spins between clock reads */

struct ring {
	struct watch watch;
	struct secshm_client *client;
	struct section *sec;		/* referenced */
	struct secshm_spsc sq;		/* the server consumes requests */
	struct secshm_spsc cq;		/* and produces completions */
	int doorbell;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void ring_request(struct secshm_client *c, const struct secshm_sqe *sqe,
			 struct secshm_cqe *cqe)
{
	struct call call = {
		.opcode = sqe->opcode, .refs = sqe->refs, .nrefs = sqe->nrefs, .in = sqe->in,
		.in_len = sqe->in_len, .out = cqe->out, .out_cap = sizeof(cqe->out),
	};

	cqe->user_data = sqe->user_data;
	if (sqe->flags)
		cqe->status = -EINVAL;
	else if (sqe->nrefs > SECSHM_SQE_REFS || sqe->in_len > SECSHM_SQE_INLINE)
		cqe->status = -E2BIG;
	else
		cqe->status = call_run(c, &call);
	cqe->out_len = cqe->status >= 0 ? call.out_len : 0;
}

/* Run up to budget requests; *cq_full when completions have no room. */
static uint32_t ring_drain(struct ring *ring, uint32_t budget, bool *cq_full)
{
	uint32_t done = 0;

	*cq_full = false;
	while (done < budget) {
		const void *shared = secshm_spsc_peek(&ring->sq);
		struct secshm_sqe sqe;
		struct secshm_cqe cqe = { 0 };
		void *slot;

		if (!shared)
			break;
		slot = secshm_spsc_reserve(&ring->cq);
		if (!slot) {
			*cq_full = true;
			break;
		}
		memcpy(&sqe, shared, sizeof(sqe));	/* captured once */
		secshm_spsc_consume(&ring->sq, 1);	/* handed back once per batch */
		ring_request(ring->client, &sqe, &cqe);
		memcpy(slot, &cqe, sizeof(cqe));
		secshm_spsc_commit(&ring->cq, 1);
		done++;
	}
	if (done)
		secshm_spsc_publish(&ring->sq);
	if (done && secshm_spsc_needs_wakeup(&ring->cq))
		syscall(SYS_futex, &ring->cq.ctl->tail, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	return done;
}

static void kick(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0)
		return;	/* the counter is already non-zero: a wake-up is pending */
}

/* With the completion ring full, sleep until the client makes room and kicks. */
static bool sleep_on_full_cq(struct ring *ring)
{
	__atomic_store_n(&ring->sq.ctl->consumer_flags, SECSHM_RING_NEED_WAKEUP,
			 __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!secshm_spsc_reserve(&ring->cq))
		return true;
	secshm_spsc_awake(&ring->sq);
	return false;
}

/*
 * The doorbell rang: serve the ring, busy-polling for ring_poll_ns after the
 * last request, then ask for the doorbell again. A client cannot keep the
 * server here: after a budget of requests it yields to the others and comes
 * back through its own doorbell.
 */
void ring_service(struct watch *w)
{
	struct ring *ring = container_of(w, struct ring, watch);
	uint64_t poll = ring->client->srv->ring_poll_ns, deadline = 0, count;
	uint32_t budget = 4 * (ring->sq.mask + 1), spins = 0;
	bool cq_full;

	while (read(ring->doorbell, &count, sizeof(count)) > 0)
		;
	secshm_spsc_awake(&ring->sq);
	for (;;) {
		uint32_t n = ring_drain(ring, budget, &cq_full);

		budget -= n;
		if (!budget) {
			kick(ring->doorbell);
			return;
		}
		if (n) {
			deadline = 0;
			continue;
		}
		if (cq_full) {
			if (sleep_on_full_cq(ring))
				return;
			continue;
		}
		if (poll && (++spins % SPIN_CHECK || !deadline || now_ns() < deadline)) {
			if (!deadline)
				deadline = now_ns() + poll;
			__builtin_ia32_pause();
			continue;
		}
		if (secshm_spsc_prepare_sleep(&ring->sq))
			return;
	}
}

void ring_free(struct ring *ring)
{
	if (!ring)
		return;
	epoll_ctl(ring->client->srv->epfd, EPOLL_CTL_DEL, ring->doorbell, NULL);
	close(ring->doorbell);
	secshm_object_put(&ring->sec->obj);
	free(ring);
}

static int ring_section(struct secshm_client *c, uint64_t length, struct ring *ring,
			uint32_t *handle)
{
	const struct secshm_sd sd = { .owner = c->cred.uid, .group = c->cred.gid, .mode = 0600 };
	const struct section_params p = { .length = length, .sd = &sd, .creator = c, .file = -1 };
	struct section *sec;
	int err = section_new(c->srv, &p, &sec);

	if (err)
		return err;
	if (!section_map(sec)) {
		secshm_object_put(&sec->obj);
		return -ENOMEM;
	}
	err = handle_insert(&c->handles, &sec->obj, SECSHM_ACCESS_QUERY | SECSHM_ACCESS_MAP_READ |
			    SECSHM_ACCESS_MAP_WRITE, handle);
	if (err) {
		secshm_object_put(&sec->obj);
		return err;
	}
	ring->sec = to_section(secshm_object_get(&sec->obj));
	return 0;
}

/* RING: make the section, map it, wire the doorbell, answer with its layout. */
int op_ring(struct secshm_client *c, void *args, struct reply *r)
{
	struct secshm_ring_args *a = args;
	struct epoll_event ev = { .events = EPOLLIN };
	uint32_t n = a->entries ? a->entries : RING_DEFAULT;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), cqes;
	struct ring *ring;
	int err;

	if (a->flags)
		return -EINVAL;
	if ((n & (n - 1)) || n > SECSHM_RING_MAX)
		return -EINVAL;
	if (c->ring)
		return -EBUSY;
	cqes = SQES + (uint64_t)n * sizeof(struct secshm_sqe);
	ring = calloc(1, sizeof(*ring));
	if (!ring)
		return -ENOMEM;
	ring->watch.kind = WATCH_RING;
	ring->client = c;
	err = ring_section(c, (cqes + n * sizeof(struct secshm_cqe) + page - 1) & ~(page - 1),
			   ring, &a->handle);
	if (err) {
		free(ring);
		return err;
	}
	secshm_spsc_init(&ring->sq, ring->sec->map + SQ_CTL, ring->sec->map + SQES, n,
			 sizeof(struct secshm_sqe));
	secshm_spsc_init(&ring->cq, ring->sec->map + CQ_CTL, ring->sec->map + cqes, n,
			 sizeof(struct secshm_cqe));
	secshm_spsc_prepare_sleep(&ring->sq);	/* asleep until the first doorbell */
	ring->doorbell = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ev.data.ptr = &ring->watch;
	if (ring->doorbell < 0 || epoll_ctl(c->srv->epfd, EPOLL_CTL_ADD, ring->doorbell, &ev)) {
		err = -errno;
		if (ring->doorbell >= 0)
			close(ring->doorbell);
		secshm_handle_close(c->srv, c, a->handle, SECSHM_CHECKED);
		secshm_object_put(&ring->sec->obj);
		free(ring);
		return err;
	}
	c->ring = ring;
	*a = (struct secshm_ring_args){
		.size = sizeof(*a), .entries = n, .handle = a->handle, .length = ring->sec->length,
		.sq_ctl = SQ_CTL, .cq_ctl = CQ_CTL, .sqes = SQES, .cqes = (uint32_t)cqes,
	};
	r->fd = ring->doorbell;
	return 0;
}
