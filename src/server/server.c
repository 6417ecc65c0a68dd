// SPDX-License-Identifier: MIT
/* The server: configuration, lifetime and the loop that serves clients. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>
#include "internal.h"

void secshm_limits_default(struct secshm_limits *l)
{
	uint64_t ram = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);

	*l = (struct secshm_limits){
		.client_handles = 4096,
		.client_sections = 1024,
		.client_bytes = 4ULL << 30,
		.client_views = 4096,
		.owner_sections = 1024,
		.owner_bytes = 16ULL << 30,
		.client_pinned = 64ULL << 20,
		.clients = 4096,
		.sections = 262144,
		.bytes = ram,
		.pinned = 256ULL << 20,
	};
}

static void limits_fill(struct secshm_limits *l, const struct secshm_limits *in)
{
	struct secshm_limits d;

	secshm_limits_default(&d);
	*l = in ? *in : d;
#define DEFAULT(f) do { if (!l->f) l->f = d.f; } while (0)
	DEFAULT(client_handles);
	DEFAULT(client_sections);
	DEFAULT(client_bytes);
	DEFAULT(client_views);
	DEFAULT(owner_sections);
	DEFAULT(owner_bytes);
	DEFAULT(client_pinned);
	DEFAULT(clients);
	DEFAULT(sections);
	DEFAULT(bytes);
	DEFAULT(pinned);
#undef DEFAULT
}

static void *dup_array(const void *p, size_t n, size_t size)
{
	void *q;

	if (!n)
		return NULL;
	q = malloc(n * size);
	if (q)
		memcpy(q, p, n * size);
	return q;
}

/* Every section holds two descriptors: take all the kernel allows. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int secshm_server_new(const struct secshm_server_config *cfg, struct secshm_server **out)
{
	struct secshm_server *srv = calloc(1, sizeof(*srv));
	int err = -ENOMEM;

	if (!srv)
		return -ENOMEM;
	srv->listen_fd = srv->epfd = srv->spare_fd = srv->stop_fd = -1;
	list_init(&srv->clients);
	list_init(&srv->tokens);
	srv->listen_watch.kind = WATCH_LISTENER;
	srv->stop_watch.kind = WATCH_STOP;
	limits_fill(&srv->limits, cfg ? &cfg->limits : NULL);
	srv->ring_poll_ns = cfg ? (uint64_t)cfg->ring_poll_us * 1000 : 0;
	srv->euid = geteuid();
	if (cfg) {
		srv->trusted_uids = dup_array(cfg->trusted_uids, cfg->ntrusted_uids, sizeof(uid_t));
		srv->trusted_gids = dup_array(cfg->trusted_gids, cfg->ntrusted_gids, sizeof(gid_t));
		if ((cfg->ntrusted_uids && !srv->trusted_uids) ||
		    (cfg->ntrusted_gids && !srv->trusted_gids))
			goto err;
		srv->ntrusted_uids = cfg->ntrusted_uids;
		srv->ntrusted_gids = cfg->ntrusted_gids;
	}
	handle_table_init(&srv->handles, HANDLE_INDEX_MAX, SECSHM_HANDLE_SERVER);
	srv->rxbuf = malloc(SERVER_RX_MAX);
	srv->txbuf = malloc(SERVER_TX_MAX);
	if (!srv->rxbuf || !srv->txbuf || name_table_init(&srv->names))
		goto err;
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	srv->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (srv->epfd < 0 || srv->spare_fd < 0 || srv->stop_fd < 0 ||
	    epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->stop_fd,
		      &(struct epoll_event){ .events = EPOLLIN, .data.ptr = &srv->stop_watch })) {
		err = -errno;
		goto err;
	}
	raise_fd_limit();
	access_init();
	*out = srv;
	return 0;
err:
	secshm_server_free(srv);
	return err;
}

/* Permanent sections hold themselves through their name: let them go. */
static void unlink_all(struct secshm_server *srv)
{
	for (uint32_t b = 0; b < srv->names.nbuckets; b++) {
		while (srv->names.buckets[b]) {
			struct section *sec = container_of(srv->names.buckets[b], struct section, name);

			secshm_object_get(&sec->obj);
			section_unlink(sec);
			secshm_object_put(&sec->obj);
		}
	}
}

void secshm_server_free(struct secshm_server *srv)
{
	if (!srv)
		return;
	while (!list_empty(&srv->clients))
		client_disconnect(list_first_entry(&srv->clients, struct secshm_client, link));
	handle_table_release(&srv->handles);
	if (srv->names.buckets)
		unlink_all(srv);
	transport_close(srv);
	name_table_fini(&srv->names);
	if (srv->epfd >= 0)
		close(srv->epfd);
	if (srv->spare_fd >= 0)
		close(srv->spare_fd);
	if (srv->stop_fd >= 0)
		close(srv->stop_fd);
	free(srv->opcodes.ops);
	free(srv->owners);
	free(srv->trusted_uids);
	free(srv->trusted_gids);
	free(srv->rxbuf);
	free(srv->txbuf);
	free(srv);
}

int secshm_server_listen(struct secshm_server *srv, const char *path)
{
	return transport_listen(srv, path);
}

int secshm_server_fd(const struct secshm_server *srv)
{
	return srv->epfd;
}

int secshm_server_dispatch(struct secshm_server *srv, int timeout_ms)
{
	access_recheck();
	return transport_dispatch(srv, timeout_ms);
}

int secshm_server_run(struct secshm_server *srv)
{
	int err = 0;

	while (!srv->stop && err >= 0)
		err = secshm_server_dispatch(srv, -1);
	srv->stop = 0;
	return err < 0 ? err : 0;
}

/* Async-signal-safe: a flag and an eventfd the loop is watching. */
void secshm_server_stop(struct secshm_server *srv)
{
	uint64_t one = 1;

	srv->stop = 1;
	if (write(srv->stop_fd, &one, sizeof(one)) < 0)
		return;	/* already pending */
}
