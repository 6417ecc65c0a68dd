// SPDX-License-Identifier: MIT
/*
 * Unit tests of the event loop (docs/daemon-rules.md): an in-process
 * server on a private socket, clients speaking the raw protocol, and the
 * test deciding what lands in one epoll batch by what it does between two
 * dispatches. Under make check SANITIZE=1 a use after free is a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kcmp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>
#include "../../src/server/internal.h"

struct fixture {
	struct secshm_server *srv;
	char dir[64], path[96];
};

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	strcpy(f.dir, "/tmp/secshm-loop.XXXXXX");
	assert_non_null(mkdtemp(f.dir));
	snprintf(f.path, sizeof(f.path), "%s/sock", f.dir);
	assert_int_equal(secshm_server_new(NULL, &f.srv), 0);
	assert_int_equal(secshm_server_listen(f.srv, f.path), 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	secshm_server_free(f->srv);
	rmdir(f->dir);
	return 0;
}

/* Let the server run every batch it has ready. */
static void pump(struct secshm_server *srv)
{
	for (int i = 0; i < 8; i++)
		assert_true(secshm_server_dispatch(srv, 0) >= 0);
}

static int raw_connect(struct fixture *f)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	strcpy(sa.sun_path, f->path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	pump(f->srv);
	return fd;
}

/* One request, not waiting for its reply; -errno if the socket refused it. */
static int send_req(int fd, uint16_t op, const void *args, size_t len, int pass_fd)
{
	unsigned char buf[sizeof(struct secshm_msg) + 1024];
	struct secshm_msg hdr = { .size = (uint32_t)(sizeof(hdr) + len),
				  .version = SECSHM_ABI_VERSION, .opcode = op, .cookie = 7 };
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, sizeof(hdr) + len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	memcpy(buf, &hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), args, len);
	if (pass_fd >= 0) {
		struct cmsghdr *cm;

		mh.msg_control = ctl.b;
		mh.msg_controllen = sizeof(ctl.b);
		cm = CMSG_FIRSTHDR(&mh);
		*cm = (struct cmsghdr){ .cmsg_len = CMSG_LEN(sizeof(int)),
					.cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS };
		memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* A reply if one is there: its status, args into out, a descriptor into *rfd. */
static int recv_reply(int fd, void *out, size_t len, int *rfd)
{
	unsigned char buf[sizeof(struct secshm_msg) + 1024];
	union {
		char b[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct secshm_msg hdr;
	ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	if (n < 0)
		return -errno;
	if (rfd)
		*rfd = -1;
	if (cm && cm->cmsg_type == SCM_RIGHTS) {
		assert_non_null(rfd);
		memcpy(rfd, CMSG_DATA(cm), sizeof(int));
	}
	assert_true((size_t)n >= sizeof(hdr));
	memcpy(&hdr, buf, sizeof(hdr));
	if (hdr.status >= 0 && out)
		memcpy(out, buf + sizeof(hdr), len);
	return hdr.status;
}

static int request(struct fixture *f, int fd, uint16_t op, void *args, size_t len, int *rfd)
{
	assert_int_equal(send_req(fd, op, args, len, -1), 0);
	pump(f->srv);
	return recv_reply(fd, args, len, rfd);
}

static void ring_setup(struct fixture *f, int sock, int *doorbell)
{
	struct secshm_ring_args a = { .size = sizeof(a), .entries = 16 };

	assert_int_equal(request(f, sock, SECSHM_OP_RING, &a, sizeof(a), doorbell), 0);
	assert_true(*doorbell >= 0);
}

static void ring_bell(int doorbell)
{
	uint64_t one = 1;

	assert_int_equal(write(doorbell, &one, sizeof(one)), sizeof(one));
}

static void assert_quiet(struct fixture *f)
{
	for (int i = 0; i < 100 && (f->srv->nclients || f->srv->fds); i++) {
		pump(f->srv);
		usleep(1000);	/* workers close what clients sent */
	}
	assert_int_equal(f->srv->nclients, 0);
	assert_int_equal(f->srv->nobjects, 0);
	assert_int_equal(f->srv->nsections, 0);
	assert_int_equal(f->srv->fds, 0);
	assert_true(list_empty(&f->srv->active_rings));
}

/*
 * SPEC: Q2, V3 — the independent attack's crash: a ring's client hangs up
 * and then rings the doorbell, so one epoll batch carries the hang-up and
 * the doorbell; the hang-up must not free the ring the doorbell's event
 * still names (under ASan, a use after free). The other order too.
 */
static void test_ring_hangup_same_batch(void **state)
{
	struct fixture *f = *state;

	for (int order = 0; order < 2; order++) {
		int sock = raw_connect(f), bell;

		ring_setup(f, sock, &bell);
		if (order) {
			ring_bell(bell);
			close(sock);
		} else {
			close(sock);
			ring_bell(bell);
		}
		assert_true(secshm_server_dispatch(f->srv, 0) >= 2);	/* one batch */
		close(bell);
		assert_quiet(f);
	}
}

/*
 * SPEC: Q2, S4, V3 — hang-ups interleaved at random with every other kind
 * of event in the same batches: requests, garbage, doorbells, closed
 * doorbells, descriptors attached, new connections. Nothing is used after
 * it is freed (ASan), the server keeps serving, and everything comes back.
 */
static void test_hangup_interleavings(void **state)
{
	struct fixture *f = *state;
	struct conn {
		int sock, bell;
	} c[6];
	unsigned int seed = 0x5ec5u;

	for (int i = 0; i < 6; i++)
		c[i] = (struct conn){ -1, -1 };
	for (int step = 0; step < 3000; step++) {
		struct conn *x = &c[rand_r(&seed) % 6];
		struct secshm_handle_args q = { .size = sizeof(q), .handle = 12345 };
		int pipefd[2];

		if (x->sock < 0) {
			x->sock = raw_connect(f);
			if (rand_r(&seed) % 2)
				ring_setup(f, x->sock, &x->bell);
			continue;
		}
		switch (rand_r(&seed) % 7) {
		case 0:
			send_req(x->sock, SECSHM_OP_CLOSE, &q, sizeof(q), -1);
			break;
		case 1:
			send_req(x->sock, 0xbeef, "garbage", 7, -1);
			break;
		case 2:
			if (x->bell >= 0)
				ring_bell(x->bell);
			break;
		case 3:
			if (x->bell >= 0)
				close(x->bell);
			x->bell = -1;
			break;
		case 4:
			assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
			send_req(x->sock, SECSHM_OP_CLOSE, &q, sizeof(q), pipefd[0]);
			close(pipefd[0]);
			close(pipefd[1]);
			break;
		default:	/* hang up, with whatever is still in flight */
			close(x->sock);
			if (x->bell >= 0 && rand_r(&seed) % 2)
				ring_bell(x->bell);
			x->sock = -1;
			break;
		}
		while (x->sock >= 0 && recv_reply(x->sock, NULL, 0, NULL) != -EAGAIN)
			;
		if (rand_r(&seed) % 4 == 0)
			assert_true(secshm_server_dispatch(f->srv, 0) >= 0);
		if (x->sock < 0 && x->bell >= 0) {
			assert_true(secshm_server_dispatch(f->srv, 0) >= 0);
			close(x->bell);
			x->bell = -1;
		}
	}
	for (int i = 0; i < 6; i++) {
		if (c[i].sock >= 0)
			close(c[i].sock);
		if (c[i].bell >= 0)
			close(c[i].bell);
	}
	assert_quiet(f);
}

/*
 * SPEC: Q5 — the doorbell is the client's own description: a client that
 * makes its end blocking, fills it and closes it leaves the server's read
 * end non-blocking and the server serving; the server never shares a
 * description with a client (a view's descriptor is a fresh open).
 */
static void test_no_shared_descriptions(void **state)
{
	struct fixture *f = *state;
	struct secshm_create_args cr = { .size = sizeof(cr), .length = 8192,
					 .access = SECSHM_GENERIC_WRITE };
	struct secshm_map_args m = { .size = sizeof(m), .prot = SECSHM_PROT_READ, .length = 4096 };
	struct secshm_client *c;
	int sock = raw_connect(f), bell, v1, v2;
	char junk[4096] = { 0 };
	pid_t pid = getpid();

	ring_setup(f, sock, &bell);
	c = list_first_entry(&f->srv->clients, struct secshm_client, link);
	/* A shared description would now make the server's drain block. */
	assert_int_equal(fcntl(bell, F_SETFL, 0), 0);
	ring_bell(bell);
	pump(f->srv);
	assert_int_equal(fcntl(bell, F_SETFL, O_NONBLOCK), 0);
	while (write(bell, junk, sizeof(junk)) > 0)
		;
	pump(f->srv);
	close(bell);	/* every copy of the write end: the bell is gone */
	pump(f->srv);
	assert_int_equal(request(f, sock, SECSHM_OP_CREATE, &cr, sizeof(cr), NULL), 0);
	m.handle = cr.handle;
	assert_int_equal(request(f, sock, SECSHM_OP_MAP, &m, sizeof(m), &v1), 0);
	assert_int_equal(request(f, sock, SECSHM_OP_MAP, &m, sizeof(m), &v2), 0);
	assert_int_not_equal(syscall(SYS_kcmp, pid, pid, KCMP_FILE, v1, v2), 0);
	{
		struct handle_entry *e = handle_lookup(&c->handles, cr.handle);

		assert_non_null(e);
		assert_int_not_equal(syscall(SYS_kcmp, pid, pid, KCMP_FILE, v1,
					     to_section(e->obj)->fd), 0);
	}
	assert_int_equal(fcntl(v1, F_SETFL, O_APPEND | O_NONBLOCK), 0);
	assert_false(fcntl(v2, F_GETFL) & O_APPEND);
	close(v1);
	close(v2);
	close(sock);
	assert_quiet(f);
}

/* A job that waits until the test lets it go. */
struct gate_job {
	struct job job;
	int fd;
	bool done;
};

static void gate_run(struct job *job)
{
	char ch;

	if (read(container_of(job, struct gate_job, job)->fd, &ch, 1) < 0)
		return;
}

static void gate_done(struct secshm_server *srv, struct job *job)
{
	container_of(job, struct gate_job, job)->done = true;
}

static int make_file(char *path, size_t len)
{
	int fd;

	snprintf(path, 64, "/tmp/secshm-loop-file.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)len), 0);
	return fd;
}

/*
 * SPEC: S1, Q5 — FLUSH waits for the disk on the client's uid's worker,
 * never in the loop: with that worker held up, the FLUSH is not answered,
 * its connection is not read, and other clients are served meanwhile; once
 * the worker runs it, the answer comes, in order.
 */
static void test_flush_off_loop(void **state)
{
	struct fixture *f = *state;
	struct gate_job gate = { .job = { .run = gate_run, .done = gate_done } };
	struct secshm_create_args cr = { .size = sizeof(cr), .length = 65536,
					 .flags = SECSHM_CREATE_FILE,
					 .access = SECSHM_GENERIC_WRITE };
	struct {
		struct secshm_call_args a;
		struct secshm_ref ref;
	} call = { .a = { .size = sizeof(call.a), .opcode = SECSHM_CALL_FLUSH, .nrefs = 1 },
		   .ref = { .flags = SECSHM_REF_WRITE, .offset = 0, .length = 65536 } };
	struct secshm_handle_args q = { .size = sizeof(q), .handle = 4242 };
	int sock = raw_connect(f), other = raw_connect(f), file, p[2];
	char path[64];

	file = make_file(path, 65536);
	assert_int_equal(send_req(sock, SECSHM_OP_CREATE, &cr, sizeof(cr), file), 0);
	pump(f->srv);
	assert_int_equal(recv_reply(sock, &cr, sizeof(cr), NULL), 0);
	call.ref.handle = cr.handle;

	assert_int_equal(pipe(p), 0);
	gate.fd = p[0];
	assert_int_equal(offload_submit(f->srv, geteuid(), &gate.job), 0);
	assert_int_equal(send_req(sock, SECSHM_OP_CALL, &call, sizeof(call), -1), 0);
	assert_int_equal(send_req(sock, SECSHM_OP_CLOSE, &q, sizeof(q), -1), 0);
	pump(f->srv);
	assert_int_equal(recv_reply(sock, NULL, 0, NULL), -EAGAIN);	/* not yet */
	assert_int_equal(request(f, other, SECSHM_OP_CLOSE, &q, sizeof(q), NULL), -EBADF);
	assert_int_equal(write(p[1], "g", 1), 1);
	for (int i = 0; i < 1000 && !gate.done; i++) {
		usleep(1000);
		pump(f->srv);
	}
	assert_true(gate.done);
	for (int i = 0; i < 1000; i++) {
		int r = recv_reply(sock, &call, sizeof(call.a), NULL);

		if (r != -EAGAIN) {
			assert_int_equal(r, 0);	/* the FLUSH, first */
			break;
		}
		usleep(1000);
		pump(f->srv);
	}
	pump(f->srv);
	assert_int_equal(recv_reply(sock, NULL, 0, NULL), -EBADF);	/* then the CLOSE */
	close(p[0]);
	close(p[1]);
	close(sock);
	close(other);
	close(file);
	unlink(path);
	assert_quiet(f);
}

/*
 * SPEC: Q5 — descriptors the server spends are charged to the uid they
 * serve and to the server: a uid at its share gets -EDQUOT, a server at
 * its cap -ENOSPC, and a descriptor table the kernel says is full is
 * -ENOSPC too, never -EMFILE.
 */
static void test_descriptor_quotas(void **state)
{
	struct fixture *f = *state;
	struct secshm_server *srv = f->srv;
	int sock = raw_connect(f);
	struct secshm_client *c = list_first_entry(&srv->clients, struct secshm_client, link);
	struct secshm_object_attr attr = { .client = c };
	uint32_t h[8], n = 0, save_uid = srv->limits.uid_fds, save_all = srv->limits.fds;
	struct rlimit rl, low;
	int err;

	srv->limits.uid_fds = c->acct->fds + 3;
	while ((err = secshm_section_create(srv, &attr, 4096, 0, SECSHM_GENERIC_ALL, -1,
					    &h[n])) == 0)
		n++;
	assert_int_equal(err, -EDQUOT);
	assert_int_equal(n, 3);
	srv->limits.uid_fds = save_uid;
	srv->limits.fds = srv->fds;
	assert_int_equal(secshm_section_create(srv, &attr, 4096, 0, SECSHM_GENERIC_ALL, -1, &h[n]),
			 -ENOSPC);
	srv->limits.fds = save_all;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low = rl;
	low.rlim_cur = (rlim_t)dup(0);
	close((int)low.rlim_cur);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	err = secshm_section_create(srv, &attr, 4096, 0, SECSHM_GENERIC_ALL, -1, &h[n]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
	assert_int_equal(err, -ENOSPC);

	while (n--)
		assert_int_equal(secshm_handle_close(srv, c, h[n], SECSHM_CHECKED), 0);
	close(sock);
	assert_quiet(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_hangup_same_batch),
		cmocka_unit_test(test_hangup_interleavings),
		cmocka_unit_test(test_no_shared_descriptions),
		cmocka_unit_test(test_flush_off_loop),
		cmocka_unit_test(test_descriptor_quotas),
	};

	alarm(120);	/* a loop that blocks fails rather than hangs */
	return cmocka_run_group_tests(tests, setup, teardown);
}
