// SPDX-License-Identifier: MIT
/*
 * The ring request path: a request ring the client produces and a
 * completion ring the server produces, in a sealed section the server made
 * for that client. Each request is copied once into private memory and runs
 * through call_run, exactly the checks a CALL on the socket gets; only the
 * transport differs. While both sides are busy no system call is made: the
 * client rings the doorbell only when the server has said it sleeps, and
 * the server wakes a sleeping client through a futex on the completion
 * ring's tail.
 *
 * The doorbell is a pipe: the server keeps the read end, non-blocking, and
 * gives the client the write end, a description of its own, so nothing the
 * client does to its end (clearing O_NONBLOCK, filling it, closing it) can
 * make the server's reads block.
 *
 * A ring with work, or one being busy-polled, is on the server's active
 * list; the loop serves active rings RING_BATCH requests at a time, round
 * robin, for at most RING_SLICE_NS per batch, then asks epoll again
 * (loop.c), so no ring holds the server however its requests are timed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "internal.h"

#define SQ_CTL		0
#define CQ_CTL		sizeof(struct secshm_ring_ctl)
#define SQES		(2 * sizeof(struct secshm_ring_ctl))
#define RING_BATCH	64		/* requests per ring per pass */
#define RING_SLICE_NS	50000		/* all rings, per loop batch */
#define DOORBELL_READS	8		/* reads per doorbell event: a pipe's worth */

struct ring {
	struct watch watch;
	struct secshm_client *client;
	struct section *sec;		/* referenced */
	struct secshm_spsc sq;		/* the server consumes requests */
	struct secshm_spsc cq;		/* and produces completions */
	int doorbell;			/* read end; -1 once the client closed its end */
	struct list_head active;	/* srv->active_rings, or empty */
	uint64_t poll_until;		/* busy-poll until then, while active */
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
		.flags = SECSHM_REQ_RING,
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

/*
 * With the completion ring full, sleep until the client makes room: it
 * rings the doorbell after taking a completion while requests wait.
 */
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

static void ring_activate(struct ring *ring)
{
	if (!list_empty(&ring->active))
		return;
	secshm_spsc_awake(&ring->sq);
	ring->poll_until = 0;
	list_add_tail(&ring->active, &ring->client->srv->active_rings);
}

/* The client closed every copy of its end: nothing can ring this bell again. */
static void doorbell_close(struct ring *ring)
{
	struct secshm_server *srv = ring->client->srv;

	epoll_ctl(srv->epfd, EPOLL_CTL_DEL, ring->doorbell, NULL);
	close(ring->doorbell);
	ring->doorbell = -1;
	fds_uncharge(srv, ring->client->acct, 1);
}

/* The loop saw the doorbell: empty it (a pipe's worth at most) and serve the ring. */
void ring_doorbell(struct watch *w)
{
	struct ring *ring = container_of(w, struct ring, watch);
	char buf[512];

	if (ring->client->dead)
		return;
	for (int i = 0; i < DOORBELL_READS; i++) {
		ssize_t n = read(ring->doorbell, buf, sizeof(buf));

		if (n == 0) {
			doorbell_close(ring);
			break;
		}
		if (n < (ssize_t)sizeof(buf))
			break;
	}
	ring_activate(ring);
}

/*
 * One pass over a ring: serve a batch; then keep it active while it has
 * work or is being polled, else let it sleep until its doorbell.
 */
static void ring_pass(struct ring *ring, uint64_t now, uint64_t poll)
{
	bool cq_full;
	uint32_t n = ring_drain(ring, RING_BATCH, &cq_full);

	if (n) {
		ring->poll_until = now + poll;
		return;
	}
	if (cq_full) {
		if (sleep_on_full_cq(ring))
			list_del_init(&ring->active);
		return;
	}
	if (now < ring->poll_until)
		return;
	if (secshm_spsc_prepare_sleep(&ring->sq))
		list_del_init(&ring->active);
}

void rings_run(struct secshm_server *srv)
{
	uint64_t now = now_ns(), end = now + RING_SLICE_NS;

	while (!list_empty(&srv->active_rings)) {
		struct list_head *pos, *tmp;

		list_for_each_safe(pos, tmp, &srv->active_rings)
			ring_pass(list_entry(pos, struct ring, active), now, srv->ring_poll_ns);
		now = now_ns();
		if (now >= end)
			return;
		__builtin_ia32_pause();
	}
}

/* The client is going: nothing of its ring may be served or woken again. */
void ring_silence(struct ring *ring)
{
	if (!ring)
		return;
	list_del_init(&ring->active);
	if (ring->doorbell >= 0)
		doorbell_close(ring);
}

void ring_free(struct ring *ring)
{
	if (!ring)
		return;
	ring_silence(ring);
	secshm_object_put(&ring->sec->obj);
	free(ring);
}

static int ring_section(struct secshm_client *c, uint64_t length, struct ring *ring,
			uint32_t *handle)
{
	const struct secshm_sd sd = { .owner = c->cred.who.uid, .group = c->cred.who.gid, .mode = 0600 };
	const struct section_params p = { .length = length, .sd = &sd, .creator = c,
					  .uid = c->cred.who.uid, .file = -1 };
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

/*
 * The doorbell pipe: the read end in epoll, the write end for the reply.
 * Two descriptors charged to the client's uid, one until the reply is sent.
 */
static int ring_doorbell_new(struct secshm_client *c, struct ring *ring, int *client_end)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &ring->watch };
	int p[2], err = fds_charge(c->srv, c->acct, 2);

	if (err)
		return err;
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC)) {
		err = fd_errno(errno);
		fds_uncharge(c->srv, c->acct, 2);
		return err;
	}
	fcntl(p[0], F_SETPIPE_SZ, 4096);	/* a bell, not a buffer */
	if (epoll_ctl(c->srv->epfd, EPOLL_CTL_ADD, p[0], &ev)) {
		err = fd_errno(errno);
		close(p[0]);
		close(p[1]);
		fds_uncharge(c->srv, c->acct, 2);
		return err;
	}
	ring->doorbell = p[0];
	*client_end = p[1];
	return 0;
}

/* RING: make the section, map it, wire the doorbell, answer with its layout. */
int op_ring(struct secshm_client *c, void *args, struct request *r)
{
	struct secshm_ring_args *a = args;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), cqes;
	struct ring *ring;
	uint32_t n;
	int err = secshm_check_ring(a, &n);

	if (err)
		return err;
	if (c->ring)
		return -EBUSY;
	cqes = SQES + (uint64_t)n * sizeof(struct secshm_sqe);
	ring = calloc(1, sizeof(*ring));
	if (!ring)
		return -ENOMEM;
	ring->watch.kind = WATCH_RING;
	ring->client = c;
	ring->doorbell = -1;
	list_init(&ring->active);
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
	err = ring_doorbell_new(c, ring, &r->fd);
	if (err) {
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
	return 0;
}
