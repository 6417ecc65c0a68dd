// SPDX-License-Identifier: MIT
/*
 * Socket backend: one SOCK_SEQPACKET message per request and one per reply
 * (docs/protocol.md). Header, argument struct and tail go out and come back
 * as scattered iovecs, so the reply lands in the caller's own struct and
 * buffers without an intermediate copy.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "client.h"

/*
 * Only MAP's reply carries a descriptor; room for a few more means a stray
 * one is received and closed here rather than truncated away.
 */
#define SOCKET_FDS_MAX	4

struct socket_reply {
	struct secshm_msg hdr;
	size_t len;
	int fds[SOCKET_FDS_MAX];
	unsigned int nfds;
};

static int socket_open(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	int fd, err;

	if (len >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, len + 1);

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static size_t request_iov(struct iovec *iov, struct secshm_msg *req, void *args,
			  size_t size, const struct secshm__tail *tail)
{
	size_t n = 0, total;
	unsigned int i;

	iov[n++] = (struct iovec){ req, sizeof(*req) };
	iov[n++] = (struct iovec){ args, size };
	total = sizeof(*req) + size;
	for (i = 0; tail && i < tail->nin; i++) {
		iov[n++] = tail->in[i];
		total += tail->in[i].iov_len;
	}
	req->size = (uint32_t)total;
	return n;
}

static size_t reply_iov(struct iovec *iov, struct secshm_msg *hdr, void *args, size_t size,
			const struct secshm__tail *tail)
{
	size_t n = 0;

	iov[n++] = (struct iovec){ hdr, sizeof(*hdr) };
	iov[n++] = (struct iovec){ args, size };
	if (tail && tail->out_cap)
		iov[n++] = (struct iovec){ tail->out, tail->out_cap };
	return n;
}

static int socket_send(int fd, struct iovec *iov, size_t niov, const struct secshm__tail *tail)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = niov };
	ssize_t n;

	if (tail && tail->send_fd) {
		struct cmsghdr *cm;

		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &tail->fd, sizeof(int));
	}

	do
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return 0;
	return errno == EPIPE ? -ECONNRESET : -errno;
}

static void take_fds(struct socket_reply *r, struct msghdr *msg)
{
	struct cmsghdr *c;
	size_t i, n;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n && r->nfds < SOCKET_FDS_MAX; i++)
			memcpy(&r->fds[r->nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	}
}

static void close_fds(struct socket_reply *r)
{
	while (r->nfds)
		close(r->fds[--r->nfds]);
}

static int socket_recv(int fd, struct iovec *iov, size_t niov, struct socket_reply *r)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(SOCKET_FDS_MAX * sizeof(int))];
	} cmsg;
	struct msghdr msg = {
		.msg_iov = iov, .msg_iovlen = niov,
		.msg_control = cmsg.buf, .msg_controllen = sizeof(cmsg.buf),
	};
	ssize_t n;

	do
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	take_fds(r, &msg);
	if (n == 0)
		return -ECONNRESET;
	if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		return -EPROTO;
	r->len = (size_t)n;
	return 0;
}

/*
 * A server that will not take this connection (too many of this uid's, or
 * a full server) says so once, unasked, with opcode 0 and cookie 0, and
 * hangs up (docs/quotas.md).
 */
static bool is_refusal(const struct socket_reply *r)
{
	return r->len == sizeof(r->hdr) && r->hdr.size == r->len && !r->hdr.opcode &&
	       !r->hdr.cookie && r->hdr.status < 0 && !r->nfds;
}

/*
 * The connection broke: a refusal may be waiting for us. A server that
 * closes with our request unread resets the connection, and the kernel
 * reports that once before the messages queued ahead of it.
 */
static int refusal_status(int fd, int err)
{
	struct socket_reply r = { .nfds = 0 };
	ssize_t n = recv(fd, &r.hdr, sizeof(r.hdr), MSG_DONTWAIT);

	if (n < 0 && errno == ECONNRESET)
		n = recv(fd, &r.hdr, sizeof(r.hdr), MSG_DONTWAIT);
	r.len = n > 0 ? (size_t)n : 0;
	return is_refusal(&r) ? r.hdr.status : err;
}

/*
 * The reply must answer this very request, be exactly as long as its parts,
 * and carry a descriptor only where one is expected.
 */
static int check_reply(const struct secshm_msg *req, const struct socket_reply *r,
		       const void *args, size_t size, struct secshm__tail *tail, bool want_fd)
{
	const size_t hdr = sizeof(r->hdr);
	uint32_t args_size;

	if (is_refusal(r))
		return r->hdr.status;
	if (r->len < hdr || r->hdr.size != r->len || r->hdr.version != req->version ||
	    r->hdr.opcode != req->opcode || r->hdr.cookie != req->cookie)
		return -EPROTO;
	if (r->hdr.status < 0)
		return r->len == hdr && !r->nfds ? r->hdr.status : -EPROTO;
	if (r->len < hdr + size || r->nfds != (want_fd ? 1U : 0U))
		return -EPROTO;
	memcpy(&args_size, args, sizeof(args_size));
	if (args_size != size)
		return -EPROTO;
	if (tail)
		tail->out_len = r->len - hdr - size;
	else if (r->len != hdr + size)
		return -EPROTO;
	return r->hdr.status;
}

/* Read and drop the replies to pipelined requests, which come first. */
static int drain_unread(struct secshm *s)
{
	while (s->unread) {
		struct secshm_handle_args args;
		struct socket_reply r = { .nfds = 0 };
		struct iovec iov[2] = { { &r.hdr, sizeof(r.hdr) }, { &args, sizeof(args) } };
		int ret = socket_recv(s->fd, iov, 2, &r);

		close_fds(&r);
		if (ret)
			return ret;
		s->unread--;
	}
	return 0;
}

/* One request and its reply; fd (MAP only) receives the reply's descriptor. */
static int socket_exchange(struct secshm *s, enum secshm_op op, void *args, size_t size,
			   struct secshm__tail *tail, int *fd)
{
	struct secshm_msg req = {
		.version = SECSHM_ABI_VERSION,
		.opcode = (uint16_t)op,
		.cookie = ++s->cookie,
	};
	struct iovec iov[2 + SECSHM__TAIL_IN_MAX];
	struct socket_reply r = { .nfds = 0 };
	size_t niov;
	int ret;

	niov = request_iov(iov, &req, args, size, tail);
	ret = socket_send(s->fd, iov, niov, tail);
	if (ret)
		return ret == -ECONNRESET ? refusal_status(s->fd, ret) : ret;

	ret = drain_unread(s);
	if (ret)
		return ret;
	niov = reply_iov(iov, &r.hdr, args, size, tail);
	ret = socket_recv(s->fd, iov, niov, &r);
	if (ret == -ECONNRESET)
		ret = refusal_status(s->fd, ret);
	else if (!ret)
		ret = check_reply(&req, &r, args, size, tail, fd != NULL);
	if (ret >= 0 && fd)
		*fd = r.fds[--r.nfds];
	close_fds(&r);
	return ret;
}

static int socket_transact(struct secshm *s, enum secshm_op op, void *args, size_t size,
			   struct secshm__tail *tail)
{
	return socket_exchange(s, op, args, size, tail, NULL);
}

static int socket_close(struct secshm *s, uint32_t handle)
{
	struct secshm_handle_args a = { .size = sizeof(a), .handle = handle };

	return socket_exchange(s, SECSHM_OP_CLOSE, &a, sizeof(a), NULL, NULL);
}

/*
 * After munmap the view record is bookkeeping only, and its answer can only
 * be success for a handle this library made: send CLOSE and read the reply
 * in front of the next one, saving a round trip per unmap.
 */
static int socket_close_view(struct secshm *s, uint32_t handle)
{
	struct secshm_handle_args a = { .size = sizeof(a), .handle = handle };
	struct secshm_msg req = {
		.version = SECSHM_ABI_VERSION,
		.opcode = SECSHM_OP_CLOSE,
		.cookie = ++s->cookie,
	};
	struct iovec iov[2];
	int ret = socket_send(s->fd, iov, request_iov(iov, &req, &a, sizeof(a), NULL), NULL);

	if (!ret)
		s->unread++;
	return ret;
}

/*
 * The server answers with a view handle and a descriptor opened to match the
 * access; the client maps it itself (P4) and needs the descriptor no longer.
 * Offset, length and prot are the ones asked for, not the reply's echo.
 */
static int socket_map(struct secshm *s, const struct secshm_map_args *args,
		      struct secshm__view *view)
{
	struct secshm_map_args a = *args;
	int prot = PROT_READ | (args->prot & SECSHM_PROT_WRITE ? PROT_WRITE : 0);
	void *addr;
	int ret, fd;

	ret = socket_exchange(s, SECSHM_OP_MAP, &a, sizeof(a), NULL, &fd);
	if (ret < 0)
		return ret;
	addr = mmap(NULL, args->length, prot, MAP_SHARED, fd, (off_t)args->offset);
	ret = addr == MAP_FAILED ? -errno : 0;
	close(fd);
	if (ret) {
		socket_close(s, a.view);
		return ret;
	}
	*view = (struct secshm__view){ addr, args->length, a.view };
	return 0;
}

static int socket_ring(struct secshm *s, struct secshm_ring_args *args, int *doorbell)
{
	return socket_exchange(s, SECSHM_OP_RING, args, sizeof(*args), NULL, doorbell);
}

const struct secshm__ops secshm__socket_ops = {
	.backend = SECSHM_BACKEND_SOCKET,
	.open = socket_open,
	.transact = socket_transact,
	.map = socket_map,
	.close = socket_close,
	.close_view = socket_close_view,
	.ring = socket_ring,
};
