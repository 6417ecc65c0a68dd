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

/* Descriptors the server keeps for itself: epoll, listener, wake, spare, stdio. */
#define FDS_RESERVED	64

static uint32_t fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur <= 2 * FDS_RESERVED)
		return FDS_RESERVED;
	return rl.rlim_cur > UINT32_MAX ? UINT32_MAX : (uint32_t)rl.rlim_cur - FDS_RESERVED;
}

/*
 * A uid's share is a fraction of each server-wide cap, so that one uid
 * cannot exhaust a cap alone, whatever number of connections it opens.
 */
void secshm_limits_default(struct secshm_limits *l)
{
	uint64_t ram = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
	uint32_t fds = fd_limit();

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
		.uid_clients = 256,
		.uid_sections = 16384,
		.uid_bytes = ram / 4,
		.uid_tokens = 1024,
		.uid_fds = fds / 8,
		.fds = fds,
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
	DEFAULT(uid_clients);
	DEFAULT(uid_sections);
	DEFAULT(uid_bytes);
	DEFAULT(uid_tokens);
	DEFAULT(uid_fds);
	DEFAULT(fds);
#undef DEFAULT
	if (l->fds > d.fds)
		l->fds = d.fds;	/* what the kernel lets us have */
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

/* Every section and connection holds descriptors: take all the kernel allows. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int copy_config(struct secshm_server *srv, const struct secshm_server_config *cfg)
{
	srv->trusted_uids = dup_array(cfg->trusted_uids, cfg->ntrusted_uids, sizeof(uid_t));
	srv->trusted_gids = dup_array(cfg->trusted_gids, cfg->ntrusted_gids, sizeof(gid_t));
	srv->global_uids = dup_array(cfg->global_uids, cfg->nglobal_uids, sizeof(uid_t));
	srv->global_gids = dup_array(cfg->global_gids, cfg->nglobal_gids, sizeof(gid_t));
	srv->file_fs = cfg->file_fs ? strdup(cfg->file_fs) : NULL;
	if ((cfg->ntrusted_uids && !srv->trusted_uids) ||
	    (cfg->ntrusted_gids && !srv->trusted_gids) ||
	    (cfg->nglobal_uids && !srv->global_uids) ||
	    (cfg->nglobal_gids && !srv->global_gids) || (cfg->file_fs && !srv->file_fs))
		return -ENOMEM;
	srv->ntrusted_uids = cfg->ntrusted_uids;
	srv->ntrusted_gids = cfg->ntrusted_gids;
	srv->nglobal_uids = cfg->nglobal_uids;
	srv->nglobal_gids = cfg->nglobal_gids;
	srv->ring_poll_ns = (uint64_t)cfg->ring_poll_us * 1000;
	if (cfg->check_fetch && !(srv->fetch = fetch_ledger_new()))
		return -ENOMEM;
	return 0;
}

int secshm_server_new(const struct secshm_server_config *cfg, struct secshm_server **out)
{
	struct secshm_server *srv = calloc(1, sizeof(*srv));
	int err = -ENOMEM;

	if (!srv)
		return -ENOMEM;
	srv->listen_fd = srv->epfd = srv->spare_fd = srv->wake_fd = -1;
	list_init(&srv->clients);
	list_init(&srv->zombies);
	list_init(&srv->tokens);
	list_init(&srv->active_rings);
	srv->listen_watch.kind = WATCH_LISTENER;
	srv->wake_watch.kind = WATCH_WAKE;
	raise_fd_limit();
	limits_fill(&srv->limits, cfg ? &cfg->limits : NULL);
	srv->euid = geteuid();
	if (cfg && copy_config(srv, cfg))
		goto err;
	handle_table_init(&srv->handles, HANDLE_INDEX_MAX, SECSHM_HANDLE_SERVER);
	srv->rxbuf = malloc(SERVER_RX_MAX);
	srv->txbuf = malloc(SERVER_TX_MAX);
	if (!srv->rxbuf || !srv->txbuf || name_table_init(&srv->names))
		goto err;
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	srv->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (srv->epfd < 0 || srv->spare_fd < 0 || srv->wake_fd < 0 ||
	    epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->wake_fd,
		      &(struct epoll_event){ .events = EPOLLIN, .data.ptr = &srv->wake_watch })) {
		err = -errno;
		goto err;
	}
	err = offload_init(srv);
	if (err)
		goto err;
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
	offload_fini(srv);
	loop_fini(srv);
	handle_table_release(&srv->handles);
	if (srv->names.buckets)
		unlink_all(srv);
	transport_close(srv);
	name_table_fini(&srv->names);
	accounts_free(srv);
	if (srv->epfd >= 0)
		close(srv->epfd);
	if (srv->spare_fd >= 0)
		close(srv->spare_fd);
	if (srv->wake_fd >= 0)
		close(srv->wake_fd);
	free(srv->opcodes.ops);
	free(srv->trusted_uids);
	free(srv->trusted_gids);
	free(srv->global_uids);
	free(srv->global_gids);
	free(srv->file_fs);
	free(srv->fetch);
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
	return loop_dispatch(srv, timeout_ms);
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
	if (write(srv->wake_fd, &one, sizeof(one)) < 0)
		return;	/* already pending */
}
