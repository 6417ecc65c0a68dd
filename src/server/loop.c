// SPDX-License-Identifier: MIT
/*
 * The event loop: one epoll batch at a time (docs/daemon-rules.md).
 *
 * Lifetime: one batch can carry several events for one client (its socket
 * hung up, its ring's doorbell rang). A client that dies while its events
 * are handled is only marked and taken out of epoll; it and its ring are
 * freed at the end of the batch, so an event later in the same batch still
 * finds them, sees them dead and does nothing. Wine's server and sd-event
 * defer the same way.
 *
 * Slices: a busy socket client gets MSGS_PER_WAKEUP requests per event, a
 * ring RING_BATCH requests per pass, and the rings together RING_SLICE_NS
 * per batch, busy-polling included; then epoll is asked again. While rings
 * still have work the wake eventfd is left readable, so epoll returns at
 * once, and an outside loop polling secshm_server_fd() comes back too.
 */
#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "internal.h"

#define EVENTS_MAX	64

static void wake_arm(struct secshm_server *srv)
{
	uint64_t one = 1;

	if (srv->wake_armed)
		return;
	srv->wake_armed = true;
	if (write(srv->wake_fd, &one, sizeof(one)) < 0)
		return;	/* the counter is non-zero: it is readable already */
}

static void wake_drain(struct secshm_server *srv)
{
	uint64_t count;

	srv->wake_armed = false;
	if (read(srv->wake_fd, &count, sizeof(count)) < 0)
		return;	/* nothing pending */
}

static void event(struct secshm_server *srv, const struct epoll_event *ev)
{
	struct watch *w = ev->data.ptr;

	switch (w->kind) {
	case WATCH_LISTENER:
		transport_accept(srv);
		return;
	case WATCH_WAKE:
		wake_drain(srv);
		offload_reap(srv);
		return;
	case WATCH_CLIENT:
		transport_event(container_of(w, struct secshm_client, watch), ev->events);
		return;
	case WATCH_RING:
		ring_doorbell(w);
		return;
	}
	/* Not a kind this loop knows: no code may guess what it is. */
}

/* A dead client's last: the replies it will never read, then the client. */
static void client_reap(struct secshm_client *c)
{
	transport_drop_outq(c);
	client_free(c);
}

/* Free the clients the batch saw die, but none a worker still works for. */
static void reap_zombies(struct secshm_server *srv)
{
	struct list_head *pos, *tmp;

	list_for_each_safe(pos, tmp, &srv->zombies) {
		struct secshm_client *c = list_entry(pos, struct secshm_client, link);

		if (!c->jobs)
			client_reap(c);
	}
}

int loop_dispatch(struct secshm_server *srv, int timeout_ms)
{
	struct epoll_event ev[EVENTS_MAX];
	int n;

	if (!list_empty(&srv->active_rings))
		timeout_ms = 0;
	n = epoll_wait(srv->epfd, ev, EVENTS_MAX, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++)
		event(srv, &ev[i]);
	rings_run(srv);
	reap_zombies(srv);
	if (!list_empty(&srv->active_rings))
		wake_arm(srv);
	return n;
}

/* Every client, dead or alive, at the server's end. */
void loop_fini(struct secshm_server *srv)
{
	while (!list_empty(&srv->clients))
		client_disconnect(list_first_entry(&srv->clients, struct secshm_client, link));
	while (!list_empty(&srv->zombies))
		client_reap(list_first_entry(&srv->zombies, struct secshm_client, link));
}
