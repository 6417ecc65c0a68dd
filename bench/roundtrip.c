// SPDX-License-Identifier: MIT
/*
 * B2, a validated request round trip with one reference: secshm_call of a
 * no-op opcode on the socket (the server resolves and checks the reference:
 * handle, type, access, overflow, bounds) against a raw AF_UNIX
 * SOCK_SEQPACKET ping-pong of the same message sizes, and against the
 * physical floor, two processes ping-ponging a shared word.
 *
 * Each is measured PINNED (both processes on CPU 0: every round trip is two
 * context switches on one CPU) and UNPINNED (the scheduler's choice; on a
 * VM a blocking wake-up of the other CPU goes through the hypervisor).
 * Spinning on one CPU cannot work, so the pinned atomic ping-pong yields
 * the CPU after each look at the word.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bulk.h"

#define REQ_LEN		(sizeof(struct secshm_msg) + sizeof(struct secshm_call_args) + \
			 sizeof(struct secshm_ref))
#define REPLY_LEN	(sizeof(struct secshm_msg) + sizeof(struct secshm_call_args))
#define STOP		UINT64_MAX
#define WARMUP		64

static struct bench_conn conn, conn_poll;
static struct secshm_ring *ring_sleep, *ring_poll;
static int echo_fd = -1;
static pid_t echo_pid = -1;
static uint64_t *word;		/* shared with the atomic ping-pong child, own cache line */

/* ---- raw SOCK_SEQPACKET: an echo child answering REPLY_LEN bytes ---- */

static int echo_main(void *arg)
{
	int *sv = arg, fd = sv[1];
	unsigned char buf[512] = { 0 };

	close(sv[0]);	/* the bench's end: its close must reach us as EOF */
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		if (send(fd, buf, REPLY_LEN, MSG_NOSIGNAL) != (ssize_t)REPLY_LEN)
			return 1;
	}
}

static int seqpacket_one(void *ctx, uint64_t i)
{
	unsigned char buf[512] = { 0 };

	if (send(echo_fd, buf, REQ_LEN, MSG_NOSIGNAL) != (ssize_t)REQ_LEN ||
	    recv(echo_fd, buf, sizeof(buf), 0) != (ssize_t)REPLY_LEN)
		return -EPIPE;
	return 0;
}

/* ---- secshm_call, one READ reference, no-op handler ---- */

static int call_one(void *ctx, uint64_t i)
{
	struct secshm_ref ref = { .handle = conn.handle, .flags = SECSHM_REF_READ,
				  .offset = BENCH_DATA, .length = 4096 };
	int err = secshm_call(conn.s, BENCH_OP_NOOP, NULL, 0, &ref, 1, NULL, 0, NULL);

	return err < 0 ? err : 0;
}

/* ---- the ring request path: the same request through the client's ring ---- */

#define RING_SPIN_NS	200000	/* the client's busy-poll before it sleeps */

struct ring_ctx {
	struct secshm_ring *ring;
	uint32_t handle;
	uint64_t spin_ns;
};

static int ring_one(void *ctx, uint64_t i)
{
	struct ring_ctx *rc = ctx;
	struct secshm_ref ref = { .handle = rc->handle, .flags = SECSHM_REF_READ,
				  .offset = BENCH_DATA, .length = 4096 };
	struct secshm_cqe cqe;
	int err = secshm_ring_submit(rc->ring, BENCH_OP_NOOP, NULL, 0, &ref, 1, i);

	if (!err)
		err = secshm_ring_wait(rc->ring, &cqe, rc->spin_ns, 10000);
	if (!err && (cqe.user_data != i || cqe.status < 0))
		err = cqe.status < 0 ? cqe.status : -EPROTO;
	return err;
}

/* ---- the shared word ---- */

/*
 * Spin on the word; yield the CPU at once when pinned (the peer needs this
 * very CPU), and after SPIN_MAX looks when not (the scheduler may have put
 * both on one CPU anyway, and spinning there would cost a time slice).
 */
#define SPIN_MAX	256	/* about 10 us of pause */

static inline int wait_word(uint64_t want, bool pinned)
{
	for (unsigned int spins = 0;; spins++) {
		uint64_t v = __atomic_load_n(word, __ATOMIC_ACQUIRE);

		if (v == want)
			return 0;
		if (v == STOP)
			return -1;
		if (pinned || spins >= SPIN_MAX)
			sched_yield();
		else
			__builtin_ia32_pause();
	}
}

static int atomic_main(void *arg)
{
	bool yield = *(bool *)arg;

	for (uint64_t i = 0;; i++) {
		if (wait_word(2 * i + 1, yield))
			return 0;
		__atomic_store_n(word, 2 * i + 2, __ATOMIC_RELEASE);
	}
}

struct atomic_ctx {
	bool yield;
	uint64_t n;		/* round trips so far, warm-up included */
};

static int atomic_one(void *ctx, uint64_t i)
{
	struct atomic_ctx *a = ctx;
	uint64_t n = a->n++;

	__atomic_store_n(word, 2 * n + 1, __ATOMIC_RELEASE);
	return wait_word(2 * n + 2, a->yield) ? -EPIPE : 0;
}

/* ---- rows ---- */

static int measure(double *value, int (*fn)(void *, uint64_t), void *ctx)
{
	uint64_t iters, ns;
	int err = 0;

	for (uint64_t i = 0; i < WARMUP && !err; i++)
		err = fn(ctx, i);
	if (err)
		return err;
	ns = bench_timed(bench_seconds(0.04), fn, ctx, &iters, &err);
	if (!err)
		*value = (double)ns / (double)iters;
	return err;
}

/* SPEC: B2 — baseline: raw AF_UNIX SOCK_SEQPACKET ping-pong, secshm's message sizes. */
static int seqpacket(const struct bench_row *row, double *value)
{
	int err = bench_pin_pair(echo_pid, row->arg);

	if (!err)
		err = measure(value, seqpacket_one, NULL);
	bench_pin_pair(echo_pid, false);
	return err;
}

/* SPEC: B2 — secshm_call with one reference to a no-op opcode (socket path). */
static int secshm_socket(const struct bench_row *row, double *value)
{
	int err = bench_pin_pair(bench_server_pid(), row->arg);

	if (!err)
		err = measure(value, call_one, NULL);
	bench_pin_pair(bench_server_pid(), false);
	return err;
}

/*
 * SPEC: B2 — the ring request path, one reference, no-op: doorbells (server
 * and client sleep between requests; arg bit 0 pinned) or busy-poll (arg 2:
 * the polling server instance, the client spinning).
 */
static int secshm_ring(const struct bench_row *row, double *value)
{
	bool poll = row->arg & 2, pinned = row->arg & 1;
	struct ring_ctx rc = {
		.ring = poll ? ring_poll : ring_sleep,
		.handle = poll ? conn_poll.handle : conn.handle,
		.spin_ns = poll ? RING_SPIN_NS : 0,
	};
	pid_t server = bench_server_instance_pid(poll ? 1 : 0);
	int err;

	if (!rc.ring) {
		bench_skip_reason("secshm_ring_setup failed");
		return -EOPNOTSUPP;
	}
	err = bench_pin_pair(server, pinned);
	if (!err)
		err = measure(value, ring_one, &rc);
	bench_pin_pair(server, false);
	return err;
}

/* SPEC: B2 — baseline: raw shared-memory atomic ping-pong (the physical floor). */
static int atomic_pingpong(const struct bench_row *row, double *value)
{
	struct atomic_ctx a = { .yield = row->arg };
	pid_t pid;
	int err;

	__atomic_store_n(word, 0, __ATOMIC_RELEASE);
	pid = bench_fork(atomic_main, &a.yield);
	if (pid < 0)
		return -errno;
	err = bench_pin_pair(pid, row->arg);
	if (!err)
		err = measure(value, atomic_one, &a);
	__atomic_store_n(word, STOP, __ATOMIC_RELEASE);
	bench_reap(pid, false);
	bench_pin_pair(0, false);
	return err;
}

static int rt_setup(void)
{
	int sv[2], err;

	/* Both server instances first: nothing forked later may hold the echo socket. */
	err = bench_conn_open(&conn);
	if (!err)
		err = bench_conn_open_instance(&conn_poll, 1);
	if (err)
		return err;
	if (secshm_ring_setup(conn.s, 0, &ring_sleep))
		ring_sleep = NULL;
	if (secshm_ring_setup(conn_poll.s, 0, &ring_poll))
		ring_poll = NULL;
	word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (word == MAP_FAILED) {
		word = NULL;
		return -ENOMEM;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	echo_pid = bench_fork(echo_main, sv);
	close(sv[1]);
	echo_fd = sv[0];
	return echo_pid < 0 ? -errno : 0;
}

static void rt_teardown(void)
{
	if (echo_fd >= 0)
		close(echo_fd);	/* the echo child sees EOF and exits */
	echo_fd = -1;
	bench_reap(echo_pid, false);
	echo_pid = -1;
	if (word)
		munmap(word, 4096);
	word = NULL;
	if (ring_sleep)
		secshm_ring_free(ring_sleep);
	if (ring_poll)
		secshm_ring_free(ring_poll);
	ring_sleep = ring_poll = NULL;
	bench_conn_close(&conn);
	bench_conn_close(&conn_poll);
}

/*
 * SPEC: B2 — rows. The socket path against SOCK_SEQPACKET; the ring path
 * against the shared word: PINNED with doorbells (one CPU: nobody may spin),
 * UNPINNED busy-polling (server --ring-poll-us, client spinning), and
 * UNPINNED with doorbells for reference.
 */
static const struct bench_row rows[] = {
	{ "b2.seqpacket.pinned", "B2", "PINNED   raw SOCK_SEQPACKET ping-pong (baseline)", NULL,
	  0, 0, BENCH_NS, seqpacket, 1, false, NULL },
	{ "b2.socket.pinned", "B2", "PINNED   secshm_call, 1 ref, no-op (socket)",
	  "b2.seqpacket.pinned", 0, 1.2, BENCH_NS, secshm_socket, 1, false, NULL },
	{ "b2.atomic.pinned", "B2", "PINNED   raw shared-word ping-pong, yielding (baseline)",
	  NULL, 0, 0, BENCH_NS, atomic_pingpong, 1, false, NULL },
	{ "b2.ringbell.pinned", "B2", "PINNED   ring request, 1 ref, no-op, doorbells",
	  "b2.atomic.pinned", 0, 1.5, BENCH_NS, secshm_ring, 1, false, NULL },
	{ "b2.seqpacket.unpinned", "B2", "UNPINNED raw SOCK_SEQPACKET ping-pong (baseline)", NULL,
	  0, 0, BENCH_NS, seqpacket, 0, false, NULL },
	{ "b2.socket.unpinned", "B2", "UNPINNED secshm_call, 1 ref, no-op (socket)",
	  "b2.seqpacket.unpinned", 0, 1.2, BENCH_NS, secshm_socket, 0, false, NULL },
	{ "b2.atomic.unpinned", "B2", "UNPINNED raw shared-word ping-pong, spinning (baseline)",
	  NULL, 0, 0, BENCH_NS, atomic_pingpong, 0, false, NULL },
	{ "b2.ringpoll.unpinned", "B2", "UNPINNED ring request, 1 ref, no-op, busy-poll",
	  "b2.atomic.unpinned", 0, 1.5, BENCH_NS, secshm_ring, 2, false, NULL },
	{ "b2.ringbell.unpinned", "B2", "UNPINNED ring request, 1 ref, no-op, doorbells",
	  "b2.seqpacket.unpinned", 0, 0, BENCH_NS, secshm_ring, 0, false,
	  "B2: PINNED = both processes on CPU 0 (sched_setaffinity); UNPINNED = the "
	  "scheduler's choice of the 2 CPUs, where a blocking wake-up of the other CPU "
	  "goes through the hypervisor" },
};

static const struct bench_group b2 = {
	"B2 validated request round trip, one reference", 20, rt_setup, rt_teardown,
	rows, BENCH_NROWS(rows),
};
BENCH_GROUP(b2)
