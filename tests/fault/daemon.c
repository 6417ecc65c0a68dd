// SPDX-License-Identifier: MIT
/*
 * SPEC: V2, S4 — the daemon's library under injected failures: for every
 * request type the API tests use, fail the 1st, 2nd, ... call the server
 * makes to malloc, calloc, realloc, strdup, memfd_create, mmap, open,
 * pipe2, eventfd, dup, fcntl(F_DUPFD), sendmsg or pthread_create while it
 * handles that one request (inject.h), until the request goes through with
 * nothing failed. After each: the client got success or a documented error
 * (-ENOMEM; -ENOSPC, which the server answers for EMFILE; a request's own
 * documented one, FLUSH's -EAGAIN with no worker thread to be had; the
 * connection closed only when the reply itself could not be sent), the
 * server still serves a fresh client, and once the client is gone every
 * counter of secshm_server_stats, descriptors included, is back at its
 * baseline.
 *
 * The shape: an in-process server (as tests/unit) and raw protocol clients
 * on one thread. The test decides when counting starts (after its request
 * is sent) and stops (when the reply is in), so the Nth call is the same
 * call on every run, and no client-library call is ever counted. Calls on
 * the daemon's worker threads (offload.c: closing client descriptors, the
 * msync of a FLUSH) are not counted; the descriptors they close are waited
 * for with the other counters.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "secshm-server.h"
#include "secshm-ring.h"
#include "inject.h"

#define HUNGUP		(-100000)	/* not a status: the server closed the connection */
#define NTH_MAX		500		/* a sweep longer than this is a runaway */
#define WAIT_NS		(10LL * 1000000000)
#define OP_ECHO		(SECSHM_CALL_USER + 1)
#define LEN		(4 * 4096)

struct conn {
	int sock;
	int fds[4];			/* descriptors the server sent */
	int nfds;
	void *map;			/* one view the client mapped */
	uint32_t handle, ring_handle;
	struct secshm_token token;
	struct secshm_ring_args ring;
	struct secshm_spsc sq, cq;
	int bell;
	char name[64];
};

static struct {
	struct secshm_server *srv;
	char dir[64], path[96], file[96];
	struct secshm_stats base;
	bool arm_next;			/* arm for the next request sent */
	unsigned long nth, calls;
	unsigned int seq;
} t;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The handler of OP_ECHO: the first 16 bytes of ref 0, then the input;
 * the same 16 bytes written to ref 1 if there is one. */
static int echo(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	unsigned char b[16];
	int err = secshm_capture(&req->refs[0], 0, b, sizeof(b));

	if (err)
		return err;
	if (req->nrefs > 1 && (err = secshm_copy_out(&req->refs[1], 0, b, sizeof(b))))
		return err;
	if (req->out_cap < sizeof(b) + req->in_len)
		return -E2BIG;
	memcpy(req->out, b, sizeof(b));
	memcpy((unsigned char *)req->out + sizeof(b), req->in, req->in_len);
	req->out_len = sizeof(b) + req->in_len;
	return 0;
}

static int send_msg(int sock, uint16_t op, const void *args, size_t len, const void *tail,
		    size_t tail_len, int pass_fd)
{
	static unsigned char buf[SECSHM_MSG_MAX];
	struct secshm_msg hdr = { .size = (uint32_t)(sizeof(hdr) + len + tail_len),
				  .version = SECSHM_ABI_VERSION, .opcode = op, .cookie = 1 };
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, hdr.size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), args, len);
	if (tail_len)
		memcpy(buf + sizeof(hdr) + len, tail, tail_len);
	if (pass_fd >= 0) {
		struct cmsghdr *cm;

		mh.msg_control = ctl.b;
		mh.msg_controllen = sizeof(ctl.b);
		cm = CMSG_FIRSTHDR(&mh);
		*cm = (struct cmsghdr){ .cmsg_len = CMSG_LEN(sizeof(int)),
					.cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS };
		memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* Counting starts here if the sweep asked for it. */
static void maybe_arm(void)
{
	if (t.arm_next) {
		t.arm_next = false;
		fi_arm(t.nth);
	}
}

static void maybe_disarm(void)
{
	t.calls = fi_disarm();
}

/*
 * Serve until the reply is in: its status (args and tail copied back on
 * success, a descriptor kept in c->fds), or HUNGUP. No reply in WAIT_NS
 * is a hang, and fails the test.
 */
static int wait_reply(struct conn *c, void *args, size_t len, void *tail, size_t tail_cap)
{
	static unsigned char buf[SECSHM_MSG_MAX + 65536];
	long long end = now_ns() + WAIT_NS;

	while (now_ns() < end) {
		union {
			char b[CMSG_SPACE(4 * sizeof(int))];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
		struct secshm_msg hdr;
		struct cmsghdr *cm;
		ssize_t n;

		assert_true(secshm_server_dispatch(t.srv, 1) >= 0);
		n = recvmsg(c->sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EAGAIN)
			continue;
		maybe_disarm();
		if (n <= 0)
			return HUNGUP;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			assert_int_equal(cm->cmsg_type, SCM_RIGHTS);
			assert_true(c->nfds < 4);
			memcpy(&c->fds[c->nfds++], CMSG_DATA(cm), sizeof(int));
		}
		assert_true((size_t)n >= sizeof(hdr));
		memcpy(&hdr, buf, sizeof(hdr));
		assert_int_equal(hdr.size, n);
		if (hdr.status < 0)
			return hdr.status;
		assert_true((size_t)n >= sizeof(hdr) + len);
		memcpy(args, buf + sizeof(hdr), len);
		if (tail)
			memcpy(tail, buf + sizeof(hdr) + len,
			       (size_t)n - sizeof(hdr) - len < tail_cap ?
			       (size_t)n - sizeof(hdr) - len : tail_cap);
		return hdr.status;
	}
	maybe_disarm();
	fail_msg("no reply in %lld s: the server hangs", WAIT_NS / 1000000000);
	return 0;
}

static int request(struct conn *c, uint16_t op, void *args, size_t len, const void *tail,
		   size_t tail_len, int pass_fd, void *out, size_t out_cap)
{
	assert_int_equal(send_msg(c->sock, op, args, len, tail, tail_len, pass_fd), 0);
	maybe_arm();
	return wait_reply(c, args, len, out, out_cap);
}

static struct conn *conn_new(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct conn *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->bell = -1;
	c->sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(c->sock >= 0);
	strcpy(sa.sun_path, t.path);
	assert_int_equal(connect(c->sock, (struct sockaddr *)&sa, sizeof(sa)), 0);
	snprintf(c->name, sizeof(c->name), "fault-%u", t.seq++);
	for (int i = 0; i < 8; i++)
		assert_true(secshm_server_dispatch(t.srv, 0) >= 0);
	return c;
}

static void conn_free(struct conn *c)
{
	if (c->map)
		munmap(c->map, c->ring.length ? c->ring.length : LEN);
	for (int i = 0; i < c->nfds; i++)
		close(c->fds[i]);
	close(c->sock);
	free(c);
}

static int create(struct conn *c, const char *name, int file_fd, uint32_t *handle)
{
	struct secshm_create_args a = { .size = sizeof(a), .length = LEN,
					.access = SECSHM_GENERIC_ALL };
	int err;

	if (name) {
		a.name_len = (uint32_t)strlen(name);
		memcpy(a.name, name, a.name_len);
	}
	if (file_fd >= 0)
		a.flags = SECSHM_CREATE_FILE;
	err = request(c, SECSHM_OP_CREATE, &a, sizeof(a), NULL, 0, file_fd, NULL, 0);
	if (err >= 0)
		*handle = a.handle;
	return err;
}

/* MAP handle read-write; the descriptor is mmap()ed into c->map. */
static int map(struct conn *c, uint32_t handle, uint64_t len, void **addr)
{
	struct secshm_map_args a = { .size = sizeof(a), .handle = handle,
				     .prot = SECSHM_PROT_READ | SECSHM_PROT_WRITE, .length = len };
	int err = request(c, SECSHM_OP_MAP, &a, sizeof(a), NULL, 0, -1, NULL, 0);

	if (err < 0 || !addr)
		return err;
	assert_true(c->nfds > 0);
	*addr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, c->fds[c->nfds - 1], 0);
	assert_true(*addr != MAP_FAILED);
	return err;
}

static int file_fd(void)
{
	int fd = open(t.file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, LEN), 0);
	return fd;
}

/* ---- the requests: prep runs unarmed, run's first request is armed ---- */

static void prep_none(struct conn *c)
{
}

static void prep_section(struct conn *c)
{
	assert_int_equal(create(c, c->name, -1, &c->handle), 0);
}

static void prep_token(struct conn *c)
{
	struct secshm_dup_args a = { .size = sizeof(a), .flags = SECSHM_DUP_EXPORT |
				     SECSHM_DUP_SAME_ACCESS };

	prep_section(c);
	a.handle = c->handle;
	assert_int_equal(request(c, SECSHM_OP_DUPLICATE, &a, sizeof(a), NULL, 0, -1, NULL, 0), 0);
	c->token = a.token;
}

static void prep_file(struct conn *c)
{
	int fd = file_fd();

	assert_int_equal(create(c, NULL, fd, &c->handle), 0);
	close(fd);
	assert_int_equal(map(c, c->handle, LEN, &c->map), 0);
	memset(c->map, 0x5a, LEN);
}

static void prep_ring(struct conn *c)
{
	struct secshm_ring_args *a = &c->ring;
	unsigned char *m;

	prep_section(c);
	*a = (struct secshm_ring_args){ .size = sizeof(*a), .entries = 16 };
	assert_int_equal(request(c, SECSHM_OP_RING, a, sizeof(*a), NULL, 0, -1, NULL, 0), 0);
	c->bell = c->fds[c->nfds - 1];
	c->ring_handle = a->handle;
	assert_int_equal(map(c, a->handle, a->length, &c->map), 0);
	m = c->map;
	assert_int_equal(secshm_spsc_init(&c->sq, m + a->sq_ctl, m + a->sqes, a->entries,
					  sizeof(struct secshm_sqe)), 0);
	assert_int_equal(secshm_spsc_init(&c->cq, m + a->cq_ctl, m + a->cqes, a->entries,
					  sizeof(struct secshm_cqe)), 0);
}

static int run_create_unnamed(struct conn *c)
{
	return create(c, NULL, -1, &c->handle);
}

static int run_create_named(struct conn *c)
{
	return create(c, c->name, -1, &c->handle);
}

static int run_create_file(struct conn *c)
{
	int fd = file_fd(), err = create(c, NULL, fd, &c->handle);

	close(fd);
	return err;
}

static int run_open(struct conn *c)
{
	struct secshm_open_args a = { .size = sizeof(a), .access = SECSHM_GENERIC_READ,
				      .name_len = (uint32_t)strlen(c->name) };

	memcpy(a.name, c->name, a.name_len);
	return request(c, SECSHM_OP_OPEN, &a, sizeof(a), NULL, 0, -1, NULL, 0);
}

static int run_open_token(struct conn *c)
{
	struct secshm_open_args a = { .size = sizeof(a), .flags = SECSHM_OPEN_TOKEN,
				      .token = c->token };

	return request(c, SECSHM_OP_OPEN, &a, sizeof(a), NULL, 0, -1, NULL, 0);
}

static int run_handle_op(struct conn *c, uint16_t op)
{
	struct secshm_handle_args a = { .size = sizeof(a), .handle = c->handle };

	return request(c, op, &a, sizeof(a), NULL, 0, -1, NULL, 0);
}

static int run_close(struct conn *c)
{
	return run_handle_op(c, SECSHM_OP_CLOSE);
}

static int run_unlink(struct conn *c)
{
	return run_handle_op(c, SECSHM_OP_UNLINK);
}

static int run_query(struct conn *c)
{
	struct secshm_query_args a = { .size = sizeof(a), .handle = c->handle };
	int err = request(c, SECSHM_OP_QUERY, &a, sizeof(a), NULL, 0, -1, NULL, 0);

	if (err >= 0)
		assert_int_equal(a.info.length, LEN);
	return err;
}

static int run_dup(struct conn *c, uint32_t flags)
{
	struct secshm_dup_args a = { .size = sizeof(a), .flags = flags, .handle = c->handle,
				     .access = SECSHM_GENERIC_READ };

	return request(c, SECSHM_OP_DUPLICATE, &a, sizeof(a), NULL, 0, -1, NULL, 0);
}

static int run_duplicate(struct conn *c)
{
	return run_dup(c, 0);
}

static int run_export(struct conn *c)
{
	return run_dup(c, SECSHM_DUP_EXPORT);
}

static int run_map(struct conn *c)
{
	return map(c, c->handle, LEN, &c->map);
}

static int run_list(struct conn *c)
{
	static struct secshm_section_info out[SECSHM_LIST_MAX];
	struct secshm_list_args a = { .size = sizeof(a), .max = SECSHM_LIST_MAX };
	int err = request(c, SECSHM_OP_LIST, &a, sizeof(a), NULL, 0, -1, out, sizeof(out));

	if (err >= 0)
		assert_true(a.count >= 1);
	return err;
}

static int call(struct conn *c, uint32_t opcode, const struct secshm_ref *refs, uint32_t nrefs,
		const void *in, uint32_t in_len, void *out, uint32_t out_cap)
{
	unsigned char tail[SECSHM_REFS_MAX * sizeof(struct secshm_ref) + 64];
	struct secshm_call_args a = { .size = sizeof(a), .opcode = opcode, .nrefs = nrefs,
				      .in_len = in_len, .out_len = out_cap };

	memcpy(tail, refs, nrefs * sizeof(*refs));
	if (in_len)
		memcpy(tail + nrefs * sizeof(*refs), in, in_len);
	return request(c, SECSHM_OP_CALL, &a, sizeof(a), tail, nrefs * sizeof(*refs) + in_len,
		       -1, out, out_cap);
}

static int run_call(struct conn *c)
{
	struct secshm_ref refs[2] = {
		{ .handle = c->handle, .flags = SECSHM_REF_READ, .offset = 0, .length = 16 },
		{ .handle = c->handle, .flags = SECSHM_REF_WRITE, .offset = 4096, .length = 16 },
	};
	unsigned char out[32];

	return call(c, OP_ECHO, refs, 2, "sixteen bytes in", 16, out, sizeof(out));
}

static int run_ring_setup(struct conn *c)
{
	struct secshm_ring_args a = { .size = sizeof(a), .entries = 16 };

	return request(c, SECSHM_OP_RING, &a, sizeof(a), NULL, 0, -1, NULL, 0);
}

/* One request through the ring: the doorbell rings, the loop serves it. */
static int run_ring_request(struct conn *c)
{
	struct secshm_sqe sqe = {
		.user_data = 42, .opcode = OP_ECHO, .nrefs = 1,
		.refs[0] = { .handle = c->handle, .flags = SECSHM_REF_READ, .length = 16 },
	};
	void *slot = secshm_spsc_reserve(&c->sq);
	struct secshm_cqe cqe;
	long long end = now_ns() + WAIT_NS;
	uint64_t one = 1;

	assert_non_null(slot);
	memcpy(slot, &sqe, sizeof(sqe));
	secshm_spsc_commit(&c->sq, 1);
	assert_int_equal(write(c->bell, &one, sizeof(one)), sizeof(one));
	maybe_arm();
	while (!secshm_spsc_peek(&c->cq) && now_ns() < end)
		assert_true(secshm_server_dispatch(t.srv, 1) >= 0);
	maybe_disarm();
	if (!secshm_spsc_peek(&c->cq))
		fail_msg("no completion in %lld s: the server hangs", WAIT_NS / 1000000000);
	memcpy(&cqe, secshm_spsc_peek(&c->cq), sizeof(cqe));
	secshm_spsc_release(&c->cq, 1);
	assert_int_equal(cqe.user_data, 42);
	return cqe.status;
}

static int run_flush(struct conn *c)
{
	struct secshm_ref ref = { .handle = c->handle, .flags = SECSHM_REF_WRITE, .length = LEN };

	return call(c, SECSHM_CALL_FLUSH, &ref, 1, NULL, 0, NULL, 0);
}

/* ---- the sweep ---- */

static bool stats_equal(const struct secshm_stats *a, const struct secshm_stats *b)
{
	return a->clients == b->clients && a->objects == b->objects &&
	       a->sections == b->sections && a->views == b->views &&
	       a->handles == b->handles && a->fds == b->fds && a->bytes == b->bytes &&
	       a->pinned == b->pinned;
}

/* Serve until the counters are back at the baseline, or fail saying which. */
static void assert_baseline(const char *what, unsigned long nth)
{
	struct secshm_stats st;
	long long end = now_ns() + WAIT_NS;

	do {
		assert_true(secshm_server_dispatch(t.srv, 1) >= 0);
		secshm_server_stats(t.srv, &st);
	} while (!stats_equal(&st, &t.base) && now_ns() < end);
	if (!stats_equal(&st, &t.base))
		fail_msg("%s, call %lu injected: counters not back: clients %u/%u objects %u/%u "
			 "sections %u/%u views %u/%u handles %u/%u fds %u/%u bytes %llu/%llu",
			 what, nth, st.clients, t.base.clients, st.objects, t.base.objects,
			 st.sections, t.base.sections, st.views, t.base.views, st.handles,
			 t.base.handles, st.fds, t.base.fds, (unsigned long long)st.bytes,
			 (unsigned long long)t.base.bytes);
}

/*
 * Wait until the daemon's worker threads are gone (they end when their
 * uid has no more work), so that whether the request under test has to
 * start one does not depend on timing.
 */
static void quiesce(void)
{
	long long end = now_ns() + WAIT_NS;
	struct stat st;

	while (stat("/proc/self/task", &st) == 0 && st.st_nlink > 3 && now_ns() < end)
		assert_true(secshm_server_dispatch(t.srv, 1) >= 0);
	assert_int_equal(st.st_nlink, 3);	/* ., .. and the one thread */
}

/* A fresh client creates, maps, writes, has the server read it, and closes. */
static void assert_serves(const char *what, unsigned long nth)
{
	struct conn *c = conn_new();
	struct secshm_ref ref;
	unsigned char out[16];
	uint32_t h;

	if (create(c, NULL, -1, &h) != 0 || map(c, h, LEN, &c->map) != 0)
		fail_msg("%s, call %lu injected: the server no longer serves", what, nth);
	memcpy(c->map, "still serving...", 16);
	ref = (struct secshm_ref){ .handle = h, .flags = SECSHM_REF_READ, .length = 16 };
	assert_int_equal(call(c, OP_ECHO, &ref, 1, NULL, 0, out, sizeof(out)), 0);
	assert_memory_equal(out, "still serving...", 16);
	conn_free(c);
}

struct request_type {
	const char *name;
	void (*prep)(struct conn *c);
	int (*run)(struct conn *c);
	int own_error;			/* a documented error of this request, or 0 */
};

static bool documented(const struct request_type *rt, int status, int failed)
{
	if (status >= 0 || status == -ENOMEM || status == -ENOSPC)
		return true;
	if (rt->own_error && status == rt->own_error)
		return true;
	return status == HUNGUP && failed == FI_SENDMSG;	/* no way left to answer */
}

static unsigned long total_points;

static void sweep(const struct request_type *rt)
{
	unsigned int by_fn[FI_NR] = { 0 };
	char line[512];
	size_t off;

	for (t.nth = 1;; t.nth++) {
		struct conn *c;
		int status, failed;

		assert_true(t.nth <= NTH_MAX);
		c = conn_new();
		rt->prep(c);
		quiesce();
		t.arm_next = true;
		status = rt->run(c);
		failed = fi_failed();
		if (failed < 0) {
			if (status < 0)
				fail_msg("%s: %d (%s) with nothing failed", rt->name, status,
					 strerror(-status));
			assert_true(t.calls < t.nth);
			conn_free(c);
			assert_baseline(rt->name, t.nth);
			break;
		}
		by_fn[failed]++;
		printf("fault: %s, call %lu (%s) injected: client got %s\n", rt->name, t.nth,
		       fi_name(failed),
		       status == HUNGUP ? "connection closed" : status >= 0 ? "success" :
		       strerror(-status));
		if (!documented(rt, status, failed))
			fail_msg("%s, call %lu (%s) injected: the client got %d (%s)", rt->name,
				 t.nth, fi_name(failed), status,
				 status == HUNGUP ? "connection closed" : strerror(-status));
		conn_free(c);
		assert_baseline(rt->name, t.nth);
		assert_serves(rt->name, t.nth);
		assert_baseline(rt->name, t.nth);
	}
	off = (size_t)snprintf(line, sizeof(line), "fault: %-16s %3lu injection points:",
			       rt->name, t.nth - 1);
	for (int i = 0; i < FI_NR; i++)
		if (by_fn[i] && off < sizeof(line))
			off += (size_t)snprintf(line + off, sizeof(line) - off, " %s %u",
						fi_name(i), by_fn[i]);
	printf("%s\n", line);
	total_points += t.nth - 1;
}

#define REQUEST(name, prep, run, own) \
	static void test_##run(void **state) \
	{ \
		static const struct request_type rt = { name, prep, run, own }; \
		sweep(&rt); \
	}

REQUEST("create unnamed", prep_none, run_create_unnamed, 0)
REQUEST("create named", prep_none, run_create_named, 0)
REQUEST("create file", prep_none, run_create_file, 0)
REQUEST("open", prep_section, run_open, 0)
REQUEST("open token", prep_token, run_open_token, 0)
REQUEST("close", prep_section, run_close, 0)
REQUEST("query", prep_section, run_query, 0)
REQUEST("duplicate", prep_section, run_duplicate, 0)
REQUEST("export", prep_section, run_export, 0)
REQUEST("map", prep_section, run_map, 0)
REQUEST("unlink", prep_section, run_unlink, 0)
REQUEST("list", prep_section, run_list, 0)
REQUEST("call with refs", prep_section, run_call, 0)
REQUEST("ring setup", prep_none, run_ring_setup, 0)
REQUEST("ring request", prep_ring, run_ring_request, 0)
REQUEST("flush", prep_file, run_flush, -EAGAIN)

static int setup(void **state)
{
	static const struct secshm_opcode op = {
		.opcode = OP_ECHO, .min_refs = 1, .max_refs = 2, .max_in = 64, .handler = echo,
	};

	strcpy(t.dir, "/tmp/secshm-fault.XXXXXX");
	assert_non_null(mkdtemp(t.dir));
	snprintf(t.path, sizeof(t.path), "%s/sock", t.dir);
	snprintf(t.file, sizeof(t.file), "%s/file", t.dir);
	assert_int_equal(secshm_server_new(NULL, &t.srv), 0);
	assert_int_equal(secshm_server_listen(t.srv, t.path), 0);
	assert_int_equal(secshm_server_register(t.srv, &op), 0);
	secshm_server_stats(t.srv, &t.base);
	return 0;
}

static int teardown(void **state)
{
	printf("fault: %lu injection points in all\n", total_points);
	secshm_server_free(t.srv);
	unlink(t.file);
	rmdir(t.dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_create_unnamed),
		cmocka_unit_test(test_run_create_named),
		cmocka_unit_test(test_run_create_file),
		cmocka_unit_test(test_run_open),
		cmocka_unit_test(test_run_open_token),
		cmocka_unit_test(test_run_close),
		cmocka_unit_test(test_run_query),
		cmocka_unit_test(test_run_duplicate),
		cmocka_unit_test(test_run_export),
		cmocka_unit_test(test_run_map),
		cmocka_unit_test(test_run_unlink),
		cmocka_unit_test(test_run_list),
		cmocka_unit_test(test_run_call),
		cmocka_unit_test(test_run_ring_setup),
		cmocka_unit_test(test_run_ring_request),
		cmocka_unit_test(test_run_flush),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
