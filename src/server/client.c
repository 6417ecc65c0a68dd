// SPDX-License-Identifier: MIT
/*
 * Clients: one per connection, with the credentials the kernel reports for
 * the peer, its own handle table and its quota counters, and the account
 * of its uid. Freeing a client closes every handle it held (Q2); only the
 * loop frees one, at the end of a batch (loop.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include "internal.h"

static int peer_cred(int fd, struct secshm_cred *cred)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);
	gid_t groups[SECSHM_NGROUPS_MAX];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len))
		return -errno;
	cred->who.uid = uc.uid;
	cred->who.gid = uc.gid;
	cred->pid = uc.pid;
	/* More groups than fit only ever lose the caller access. */
	len = sizeof(groups);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0) {
		cred->ngroups = len / sizeof(gid_t);
		memcpy(cred->groups, groups, len);
	} else if (errno != ERANGE) {
		return -errno;
	}
	return 0;
}

/* A connection of a uid over its quota or of a full server: the error. */
int client_new(struct secshm_server *srv, int fd, struct secshm_client **out)
{
	struct secshm_client *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	cred_init(&c->cred, srv);
	err = peer_cred(fd, &c->cred);
	if (!err)
		err = quota_connect(srv, c->cred.who.uid, &c->acct);
	if (err) {
		free(c);
		return err;
	}
	c->watch.kind = WATCH_CLIENT;
	c->srv = srv;
	c->fd = fd;
	c->id = ++srv->next_id;
	handle_table_init(&c->handles, srv->limits.client_handles, 0);
	list_init(&c->created);
	list_init(&c->outq);
	list_add_tail(&c->link, &srv->clients);
	*out = c;
	return 0;
}

/* Out of epoll now; loop.c frees it at the end of the batch. */
void client_disconnect(struct secshm_client *c)
{
	if (c->zombie)
		return;
	c->zombie = true;
	c->dead = true;
	epoll_ctl(c->srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	ring_silence(c->ring);
	list_del_init(&c->link);
	list_add_tail(&c->link, &c->srv->zombies);
}

void client_free(struct secshm_client *c)
{
	struct list_head *pos, *tmp;

	ring_free(c->ring);
	token_drop_client(c);
	handle_table_release(&c->handles);
	list_for_each_safe(pos, tmp, &c->created) {
		struct section *sec = list_entry(pos, struct section, creator_link);

		list_del_init(&sec->creator_link);
		sec->creator = NULL;
	}
	list_del_init(&c->link);
	close(c->fd);
	quota_disconnect(c->srv, c->acct);
	free(c);
}

uid_t secshm_client_uid(const struct secshm_client *c)
{
	return c->cred.who.uid;
}

gid_t secshm_client_gid(const struct secshm_client *c)
{
	return c->cred.who.gid;
}

pid_t secshm_client_pid(const struct secshm_client *c)
{
	return c->cred.pid;
}
