// SPDX-License-Identifier: MIT
/*
 * The socket transport: AF_UNIX SOCK_SEQPACKET, one message per request and
 * per reply, non-blocking, one epoll loop. A client whose socket will not
 * take a reply gets it queued and is not read again until the queue drains,
 * so a slow client costs only itself. Descriptors a client attaches are
 * closed unread (R4).
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

static void watch(struct secshm_client *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = &c->watch };

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

static void enqueue(struct secshm_client *c, void *data, size_t len, int fd)
{
	struct outmsg *m = malloc(sizeof(*m) + len);

	if (!m) {
		c->dead = true;
		return;
	}
	m->len = len;
	m->fd = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
	if (fd >= 0 && m->fd < 0) {
		free(m);
		c->dead = true;
		return;
	}
	memcpy(m->data, data, len);
	if (list_empty(&c->outq))
		watch(c, EPOLLOUT);
	list_add_tail(&m->link, &c->outq);
}

static void send_reply(struct secshm_client *c, void *data, size_t len, int fd)
{
	int err;

	if (!list_empty(&c->outq)) {
		enqueue(c, data, len, fd);
		return;
	}
	err = send_one(c->fd, data, len, fd);
	if (err == -EAGAIN)
		enqueue(c, data, len, fd);
	else if (err)
		c->dead = true;
}

static void flush(struct secshm_client *c)
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
		if (m->fd >= 0)
			close(m->fd);
		free(m);
	}
	watch(c, EPOLLIN);
}

/*
 * Collect the descriptors that came with a message. Returns how many came;
 * more than FDS_MAX (the kernel already dropped the excess) counts as
 * FDS_MAX + 1 so the request is malformed.
 */
static int take_fds(struct msghdr *mh, int fds[FDS_MAX])
{
	int n = 0;

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
			if (n < FDS_MAX)
				memcpy(&fds[n++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
	}
	return n + !!(mh->msg_flags & MSG_CTRUNC);
}

static void close_fds(const int *fds, int n)
{
	for (int i = 0; i < n && i < FDS_MAX; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static void serve(struct secshm_client *c)
{
	struct secshm_server *srv = c->srv;

	for (int i = 0; i < MSGS_PER_WAKEUP && !c->dead && list_empty(&c->outq); i++) {
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
		size_t len;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			c->dead = true;
			return;
		}
		nfds = take_fds(&mh, fds);
		len = dispatch_request(c, srv->rxbuf, (size_t)n, fds, nfds,
				       mh.msg_flags & MSG_TRUNC, srv->txbuf, SERVER_TX_MAX, &fd);
		close_fds(fds, nfds);
		send_reply(c, srv->txbuf, len, fd);
	}
}

static void accept_clients(struct secshm_server *srv)
{
	for (;;) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct secshm_client *c;
		int fd = accept4(srv->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				/* Out of descriptors: refuse one so the listener stops firing. */
				close(srv->spare_fd);
				close(accept(srv->listen_fd, NULL, NULL));
				srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
			}
			return;
		}
		if (srv->nclients >= srv->limits.clients || client_new(srv, fd, &c)) {
			close(fd);
			continue;
		}
		ev.data.ptr = &c->watch;
		if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev))
			client_free(c);
	}
}

void client_disconnect(struct secshm_client *c)
{
	epoll_ctl(c->srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	client_free(c);
}

static void drain(int fd)
{
	uint64_t count;

	while (read(fd, &count, sizeof(count)) > 0)
		;
}

int transport_dispatch(struct secshm_server *srv, int timeout_ms)
{
	struct epoll_event ev[64];
	int n = epoll_wait(srv->epfd, ev, 64, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		struct watch *w = ev[i].data.ptr;
		struct secshm_client *c;

		switch (w->kind) {
		case WATCH_LISTENER:
			accept_clients(srv);
			continue;
		case WATCH_STOP:
			drain(srv->stop_fd);
			continue;
		case WATCH_RING:
			ring_service(w);
			continue;
		case WATCH_CLIENT:
			break;
		}
		c = container_of(w, struct secshm_client, watch);
		if (ev[i].events & EPOLLOUT)
			flush(c);
		if (ev[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			serve(c);
		if (c->dead)
			client_disconnect(c);
	}
	return n;
}
