// SPDX-License-Identifier: MIT
/*
 * The socket transport: AF_UNIX SOCK_SEQPACKET, one message per request and
 * per reply, non-blocking. A client whose socket will not take a reply gets
 * it queued, and one that leaves OUTQ_MAX bytes of replies unread is
 * dropped, so a slow client costs only itself. It is read on meanwhile: a
 * message in its queue may hold its own socket (SCM_RIGHTS), which would
 * never hang up until the server took it. Descriptors a client attaches are handed to its uid's
 * worker to close (offload.c): the last close of some descriptors blocks,
 * and the loop must not (R4, docs/daemon-rules.md). A descriptor a reply
 * carries is the server's own, made for that reply, and closed once sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "internal.h"

#define MSGS_PER_WAKEUP	32	/* fairness between busy clients */
#define OUTQ_MAX	(256 * 1024)	/* bytes of replies a client may leave unread */
#define FDS_MAX		8

static int listener_bind(int fd, const struct sockaddr_un *addr)
{
	int probe;

	if (!bind(fd, (const struct sockaddr *)addr, sizeof(*addr)))
		return 0;
	if (errno != EADDRINUSE)
		return -errno;
	/* A socket file nobody answers on is a dead server's: replace it. */
	probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return -errno;
	if (!connect(probe, (const struct sockaddr *)addr, sizeof(*addr)) || errno != ECONNREFUSED) {
		close(probe);
		return -EADDRINUSE;
	}
	close(probe);
	if (unlink(addr->sun_path) || bind(fd, (const struct sockaddr *)addr, sizeof(*addr)))
		return -errno;
	return 0;
}

int transport_listen(struct secshm_server *srv, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &srv->listen_watch };
	int fd, err;

	if (srv->listen_fd >= 0)
		return -EBUSY;
	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = listener_bind(fd, &addr);
	if (err)
		goto err_close;
	/* Who may do what is secshm's decision, not the socket file's. */
	if (chmod(path, 0666) || listen(fd, SOMAXCONN) ||
	    epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		err = -errno;
		goto err_unlink;
	}
	srv->path = strdup(path);
	if (!srv->path) {
		err = -ENOMEM;
		goto err_unlink;
	}
	srv->listen_fd = fd;
	return 0;

err_unlink:
	unlink(path);
err_close:
	close(fd);
	return err;
}

void transport_close(struct secshm_server *srv)
{
	if (srv->listen_fd < 0)
		return;
	close(srv->listen_fd);
	unlink(srv->path);
	free(srv->path);
	srv->path = NULL;
	srv->listen_fd = -1;
}

/* What the loop should tell us about c: replies to push, or requests to read. */
void transport_interest(struct secshm_client *c)
{
	struct epoll_event ev = {
		.events = (c->busy ? 0 : EPOLLIN) | (list_empty(&c->outq) ? 0 : EPOLLOUT),
		.data.ptr = &c->watch,
	};

	epoll_ctl(c->srv->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static int send_one(int sock, void *data, size_t len, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = data, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *cm;

		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	if (sendmsg(sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

/* A descriptor made for a reply is gone once sent (or once it never will be). */
static void reply_fd_done(struct secshm_client *c, int fd)
{
	if (fd < 0)
		return;
	close(fd);
	fds_uncharge(c->srv, c->acct, 1);
}

static void enqueue(struct secshm_client *c, void *data, size_t len, int fd)
{
	struct outmsg *m = NULL;

	if (c->outq_bytes + len <= OUTQ_MAX)
		m = malloc(sizeof(*m) + len);
	if (!m) {
		reply_fd_done(c, fd);
		c->dead = true;
		return;
	}
	c->outq_bytes += len;
	m->len = len;
	m->fd = fd;
	memcpy(m->data, data, len);
	list_add_tail(&m->link, &c->outq);
	if (m->link.prev == &c->outq)
		transport_interest(c);
}

/* Send a reply, or queue it behind the ones the socket has not taken. fd is given up. */
void transport_reply(struct secshm_client *c, void *data, size_t len, int fd)
{
	int err;

	if (!list_empty(&c->outq)) {
		enqueue(c, data, len, fd);
		return;
	}
	err = send_one(c->fd, data, len, fd);
	if (err == -EAGAIN) {
		enqueue(c, data, len, fd);
		return;
	}
	reply_fd_done(c, fd);
	if (err)
		c->dead = true;
}

static void push(struct secshm_client *c)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &c->outq) {
		struct outmsg *m = list_entry(pos, struct outmsg, link);
		int err = send_one(c->fd, m->data, m->len, m->fd);

		if (err == -EAGAIN)
			return;
		if (err) {
			c->dead = true;
			return;
		}
		list_del_init(&m->link);
		c->outq_bytes -= m->len;
		reply_fd_done(c, m->fd);
		free(m);
	}
	transport_interest(c);
}

void transport_drop_outq(struct secshm_client *c)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &c->outq) {
		struct outmsg *m = list_entry(pos, struct outmsg, link);

		list_del_init(&m->link);
		reply_fd_done(c, m->fd);
		free(m);
	}
}

/*
 * Collect the descriptors that came with a message. Returns how many came;
 * more than FDS_MAX (the kernel already dropped the excess) counts as
 * FDS_MAX + 1 so the request is malformed.
 */
static int take_fds(struct msghdr *mh, int fds[FDS_MAX], unsigned int *kept)
{
	int n = 0;

	*kept = 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
			if (n < FDS_MAX)
				memcpy(&fds[n++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
	}
	*kept = (unsigned int)n;
	return n + !!(mh->msg_flags & MSG_CTRUNC);
}

static void serve(struct secshm_client *c)
{
	struct secshm_server *srv = c->srv;

	for (int i = 0; i < MSGS_PER_WAKEUP && !c->dead && !c->busy; i++) {
		union {
			char buf[CMSG_SPACE(FDS_MAX * sizeof(int))];
			struct cmsghdr align;
		} ctl;
		struct iovec iov = { .iov_base = srv->rxbuf, .iov_len = SERVER_RX_MAX };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
		};
		ssize_t n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		int fds[FDS_MAX], nfds, fd = -1;
		unsigned int kept;
		size_t len;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			c->dead = true;	/* the control buffer is not the kernel's to read */
			return;
		}
		nfds = take_fds(&mh, fds, &kept);
		if (n == 0) {	/* the end, or a zero-length message: the same to us */
			offload_close(c, fds, kept);
			c->dead = true;
			return;
		}
		len = dispatch_request(c, srv->rxbuf, (size_t)n, fds, nfds,
				       mh.msg_flags & MSG_TRUNC, srv->txbuf, SERVER_TX_MAX, &fd);
		offload_close(c, fds, kept);
		if (c->flush)
			flush_start(c, srv->txbuf, len);
		else
			transport_reply(c, srv->txbuf, len, fd);
	}
	if (c->busy && !c->dead)
		transport_interest(c);
}

/* The loop saw events on c's socket. */
void transport_event(struct secshm_client *c, uint32_t events)
{
	if (events & EPOLLOUT)
		push(c);
	if (events & (EPOLLHUP | EPOLLERR))
		c->dead = true;	/* nobody to answer: what it still sent is moot */
	else if (events & EPOLLIN)
		serve(c);
	if (c->dead)
		client_disconnect(c);
}

/*
 * Told once, unasked, why a connection is refused (docs/quotas.md). If even
 * that does not fit, the client sees the connection end instead.
 */
static void refuse(int fd, int status)
{
	struct secshm_msg hdr = { .size = sizeof(hdr), .version = SECSHM_ABI_VERSION,
				  .status = status };

	send(fd, &hdr, sizeof(hdr), MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

void transport_accept(struct secshm_server *srv)
{
	for (;;) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct secshm_client *c;
		int fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), err;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				/* Out of descriptors: refuse one so the listener stops firing. */
				close(srv->spare_fd);
				fd = accept(srv->listen_fd, NULL, NULL);
				if (fd >= 0)
					refuse(fd, -ENOSPC);
				srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			}
			return;
		}
		err = client_new(srv, fd, &c);
		if (err) {
			refuse(fd, err);
			continue;
		}
		ev.data.ptr = &c->watch;
		if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev)) {
			c->dead = true;
			client_disconnect(c);
		}
	}
}
