/* SPDX-License-Identifier: MIT */
/*
 * A raw client of the daemon's socket protocol (docs/protocol.md), for the
 * *_socket.c attacks: it sends any bytes, with any descriptors attached,
 * and reads one reply with a bounded wait. Header-only for the same reason
 * as attack.h.
 */
#ifndef SECSHM_TEST_RAW_H
#define SECSHM_TEST_RAW_H

#include <sys/socket.h>
#include "attack.h"

/* Results that are not a status from the server. */
#define RAW_EOF		(-100000)	/* the server closed the connection */
#define RAW_TIMEOUT	(-100001)	/* no reply within the bounded wait */
#define RAW_SHORT	(-100002)	/* a reply shorter than its header */
#define RAW_BADREPLY	(-100003)	/* a reply header that breaks the protocol */
#define RAW_SENDFAIL	(-100004)	/* sendmsg failed (errno kept) */

#define RAW_WAIT_MS	5000
#define RAW_BODY_MAX	65536
#define RAW_FDS_MAX	16

struct raw_reply {
	struct secshm_msg hdr;
	size_t len;			/* bytes received, header included */
	size_t body_len;		/* bytes after the header */
	int fds[RAW_FDS_MAX];		/* descriptors received (closed by raw_reply_done) */
	int nfds;
	unsigned char body[RAW_BODY_MAX];
};

static inline const char *raw_strerror(int r)
{
	switch (r) {
	case RAW_EOF: return "connection closed by the server";
	case RAW_TIMEOUT: return "no reply";
	case RAW_SHORT: return "short reply";
	case RAW_BADREPLY: return "malformed reply";
	case RAW_SENDFAIL: return "send failed";
	}
	return secshm_strerror(r);
}

/* In a child: a raw exchange ends with exactly this result. */
#define CHILD_RAW(call, expected) do {						\
		int _cr_r = (call), _cr_e = (expected);				\
		if (_cr_r != _cr_e) {						\
			fprintf(stderr, "%s:%d: child: %s gave %d (%s), expected %d (%s)\n", \
				__FILE__, __LINE__, #call, _cr_r, raw_strerror(_cr_r), \
				_cr_e, raw_strerror(_cr_e));			\
			return 1;						\
		}								\
	} while (0)

static inline int raw_connect(void)
{
	return harness_raw_connect();
}

static inline void raw_reply_done(struct raw_reply *r)
{
	for (int i = 0; i < r->nfds; i++)
		close(r->fds[i]);
	r->nfds = 0;
}

/* Send one message of len bytes with nfds descriptors attached. 0 or -errno. */
static inline int raw_send(int sock, const void *buf, size_t len, const int *fds, int nfds)
{
	union {
		char b[CMSG_SPACE(64 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds > 64)
		return -EINVAL;
	if (nfds > 0) {
		struct cmsghdr *cm;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, (size_t)nfds * sizeof(int));
	}
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) != (ssize_t)len)
		return -errno;
	return 0;
}

/*
 * Receive one reply (bounded wait). Returns the reply's status, or one of
 * the RAW_* results. Descriptors that came with it are kept in r->fds.
 */
static inline int raw_recv(int sock, struct raw_reply *r, int timeout_ms)
{
	union {
		char b[CMSG_SPACE(RAW_FDS_MAX * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov[2] = {
		{ .iov_base = &r->hdr, .iov_len = sizeof(r->hdr) },
		{ .iov_base = r->body, .iov_len = sizeof(r->body) },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2,
			     .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct pollfd p = { .fd = sock, .events = POLLIN };
	ssize_t n;

	r->nfds = 0;
	r->len = r->body_len = 0;
	memset(&r->hdr, 0, sizeof(r->hdr));
	if (poll(&p, 1, timeout_ms) != 1)
		return RAW_TIMEOUT;
	n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0)
		return errno == ECONNRESET ? RAW_EOF : -errno;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
			if (r->nfds < RAW_FDS_MAX)
				memcpy(&r->fds[r->nfds++], CMSG_DATA(cm) + i * sizeof(int),
				       sizeof(int));
	}
	if (n == 0)
		return RAW_EOF;
	r->len = (size_t)n;
	if (r->len < sizeof(r->hdr))
		return RAW_SHORT;
	r->body_len = r->len - sizeof(r->hdr);
	if (r->hdr.size != r->len || r->hdr.version != SECSHM_ABI_VERSION || r->hdr.flags ||
	    (mh.msg_flags & MSG_TRUNC))
		return RAW_BADREPLY;
	/* A failed request's reply is the header alone, with no descriptor. */
	if (r->hdr.status < 0 && (r->body_len || r->nfds))
		return RAW_BADREPLY;
	return r->hdr.status;
}

/* Send bytes (and descriptors), receive the reply: its status or RAW_*. */
static inline int raw_xfer(int sock, const void *msg, size_t len, const int *fds, int nfds,
			   struct raw_reply *r)
{
	int err = raw_send(sock, msg, len, fds, nfds);

	if (err == -EPIPE || err == -ECONNRESET)
		return RAW_EOF;
	if (err) {
		errno = -err;
		return RAW_SENDFAIL;
	}
	return raw_recv(sock, r, RAW_WAIT_MS);
}

/*
 * Build a well-formed request in buf (cap bytes): header, args, tail.
 * Returns its length; the caller may corrupt any of it before sending.
 */
static inline size_t raw_build(void *buf, size_t cap, uint16_t opcode, uint64_t cookie,
			       const void *args, size_t args_len, const void *tail,
			       size_t tail_len)
{
	struct secshm_msg hdr = {
		.size = (uint32_t)(sizeof(hdr) + args_len + tail_len),
		.version = SECSHM_ABI_VERSION,
		.opcode = opcode,
		.cookie = cookie,
	};
	unsigned char *p = buf;

	if (sizeof(hdr) + args_len + tail_len > cap)
		abort();
	memcpy(p, &hdr, sizeof(hdr));
	if (args_len)
		memcpy(p + sizeof(hdr), args, args_len);
	if (tail_len)
		memcpy(p + sizeof(hdr) + args_len, tail, tail_len);
	return sizeof(hdr) + args_len + tail_len;
}

/*
 * One well-formed request. The reply must echo opcode and cookie; on
 * success its struct is copied back into args. Returns the status or RAW_*.
 */
static inline int raw_op(int sock, uint16_t opcode, void *args, size_t args_len,
			 const void *tail, size_t tail_len, struct raw_reply *r)
{
	static uint64_t cookie = 0x5ec5a000;
	static unsigned char buf[SECSHM_MSG_MAX + 4096];
	size_t len = raw_build(buf, sizeof(buf), opcode, ++cookie, args, args_len, tail, tail_len);
	int st = raw_xfer(sock, buf, len, NULL, 0, r);

	if (st <= RAW_EOF)
		return st;
	if (r->hdr.cookie != cookie || r->hdr.opcode != opcode)
		return RAW_BADREPLY;
	if (st >= 0) {
		if (r->body_len < args_len)
			return RAW_BADREPLY;
		memcpy(args, r->body, args_len);
	}
	return st;
}

/* CREATE an unnamed section; *h gets the handle. */
static inline int raw_create(int sock, uint64_t len, uint32_t access, uint32_t *h)
{
	struct secshm_create_args a = { .size = sizeof(a), .length = len, .access = access };
	struct raw_reply r;
	int st = raw_op(sock, SECSHM_OP_CREATE, &a, sizeof(a), NULL, 0, &r);

	raw_reply_done(&r);
	if (st >= 0)
		*h = a.handle;
	return st;
}

/* OPEN a named section. */
static inline int raw_open(int sock, const char *name, uint32_t access, uint32_t *h)
{
	struct secshm_open_args a = { .size = sizeof(a), .access = access,
				      .name_len = (uint32_t)strlen(name) };
	struct raw_reply r;
	int st;

	memcpy(a.name, name, a.name_len);
	st = raw_op(sock, SECSHM_OP_OPEN, &a, sizeof(a), NULL, 0, &r);
	raw_reply_done(&r);
	if (st >= 0)
		*h = a.handle;
	return st;
}

/*
 * MAP: the view handle in *view and the descriptor the server sent in *fd
 * (-1 if none; the caller closes it). Exactly one descriptor must come with
 * a successful reply and none with a failure.
 */
static inline int raw_map(int sock, uint32_t h, uint64_t off, uint64_t len, uint32_t prot,
			  uint32_t *view, int *fd)
{
	struct secshm_map_args a = { .size = sizeof(a), .handle = h, .prot = prot,
				     .offset = off, .length = len };
	struct raw_reply r;
	int st = raw_op(sock, SECSHM_OP_MAP, &a, sizeof(a), NULL, 0, &r);

	*fd = -1;
	if (st >= 0 && r.nfds != 1) {
		raw_reply_done(&r);
		return RAW_BADREPLY;
	}
	if (st >= 0) {
		*fd = r.fds[0];
		r.nfds = 0;
		*view = a.view;
	}
	raw_reply_done(&r);
	return st;
}

/* CLOSE (opcode SECSHM_OP_CLOSE) or UNLINK a handle. */
static inline int raw_handle_op(int sock, uint16_t opcode, uint32_t h)
{
	struct secshm_handle_args a = { .size = sizeof(a), .handle = h };
	struct raw_reply r;
	int st = raw_op(sock, opcode, &a, sizeof(a), NULL, 0, &r);

	raw_reply_done(&r);
	return st;
}

static inline int raw_close(int sock, uint32_t h)
{
	return raw_handle_op(sock, SECSHM_OP_CLOSE, h);
}

/* QUERY; info and access may be NULL. */
static inline int raw_query(int sock, uint32_t h, struct secshm_section_info *info,
			    uint32_t *access)
{
	struct secshm_query_args a = { .size = sizeof(a), .handle = h };
	struct raw_reply r;
	int st = raw_op(sock, SECSHM_OP_QUERY, &a, sizeof(a), NULL, 0, &r);

	raw_reply_done(&r);
	if (st >= 0 && info)
		*info = a.info;
	if (st >= 0 && access)
		*access = a.access;
	return st;
}

/* DUPLICATE with access (flags 0). */
static inline int raw_duplicate(int sock, uint32_t h, uint32_t access, uint32_t *nh)
{
	struct secshm_dup_args a = { .size = sizeof(a), .handle = h, .access = access };
	struct raw_reply r;
	int st = raw_op(sock, SECSHM_OP_DUPLICATE, &a, sizeof(a), NULL, 0, &r);

	raw_reply_done(&r);
	if (st >= 0)
		*nh = a.new_handle;
	return st;
}

/*
 * CALL with nrefs references and in_len input bytes inline; up to out_cap
 * bytes come back in r->body after the struct (returned in *a).
 */
static inline int raw_call(int sock, struct secshm_call_args *a, const struct secshm_ref *refs,
			   const void *in, struct raw_reply *r)
{
	static unsigned char tail[SECSHM_REFS_MAX * sizeof(struct secshm_ref) + SECSHM_INLINE_MAX];
	size_t rl = (size_t)a->nrefs * sizeof(*refs);

	if (rl + a->in_len > sizeof(tail))
		abort();
	if (rl && refs)
		memcpy(tail, refs, rl);
	if (a->in_len && in)
		memcpy(tail + rl, in, a->in_len);
	return raw_op(sock, SECSHM_OP_CALL, a, sizeof(*a), tail, rl + a->in_len, r);
}

#endif /* SECSHM_TEST_RAW_H */
