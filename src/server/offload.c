// SPDX-License-Identifier: MIT
/*
 * Work the event loop must never do itself, because something a client
 * controls can make it block (docs/daemon-rules.md): closing a descriptor a
 * client sent (the last close of a socket with SO_LINGER waits for its
 * peer) and writing a file-backed section back to disk (msync waits for
 * the device).
 *
 * Each uid with such work gets a thread of its own, which runs that uid's
 * jobs in order and exits when it has none, so a close that never returns
 * stalls only the uid whose descriptor it was. A job's run() is all the
 * worker does and touches no server state; its done() runs afterwards on
 * the loop's thread, which alone owns the server. Finished jobs reach the
 * loop through a list and the server's wake eventfd, which no client ever
 * holds.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "internal.h"

#define WORKER_STACK	(64 * 1024)

struct worker {
	struct list_head link;		/* off->workers */
	struct offload *off;
	uid_t uid;
	struct list_head queue;		/* jobs not started yet */
};

/* Shared with the workers, under lock; it outlives the server if a worker does. */
struct offload {
	pthread_mutex_t lock;
	struct list_head workers;
	struct list_head done;
	int wake_fd;			/* the loop's; -1 once the server is gone */
	unsigned int refs;		/* the server's and one per worker */
};

/* Called locked; unlocks, and frees off if that was the last reference. */
static void offload_unref(struct offload *off)
{
	bool last = !--off->refs;

	pthread_mutex_unlock(&off->lock);
	if (!last)
		return;
	pthread_mutex_destroy(&off->lock);
	free(off);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct offload *off = w->off;
	uint64_t one = 1;

	pthread_mutex_lock(&off->lock);
	while (!list_empty(&w->queue)) {
		struct job *job = list_first_entry(&w->queue, struct job, link);

		list_del_init(&job->link);
		pthread_mutex_unlock(&off->lock);
		job->run(job);
		pthread_mutex_lock(&off->lock);
		if (off->wake_fd < 0) {
			free(job);	/* the server is gone: nobody to tell */
			continue;
		}
		list_add_tail(&job->link, &off->done);
		if (write(off->wake_fd, &one, sizeof(one)) < 0)
			continue;	/* the counter is non-zero: the loop will look */
	}
	list_del_init(&w->link);
	free(w);
	offload_unref(off);
	return NULL;
}

int offload_init(struct secshm_server *srv)
{
	struct offload *off = calloc(1, sizeof(*off));

	if (!off)
		return -ENOMEM;
	pthread_mutex_init(&off->lock, NULL);
	list_init(&off->workers);
	list_init(&off->done);
	off->wake_fd = srv->wake_fd;
	off->refs = 1;
	srv->offload = off;
	return 0;
}

static struct worker *worker_start(struct offload *off, uid_t uid)
{
	struct worker *w = calloc(1, sizeof(*w));
	pthread_attr_t attr;
	pthread_t thread;
	int err;

	if (!w)
		return NULL;
	w->off = off;
	w->uid = uid;
	list_init(&w->queue);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, WORKER_STACK);
	err = pthread_create(&thread, &attr, worker_main, w);
	pthread_attr_destroy(&attr);
	if (err) {
		free(w);
		return NULL;
	}
	off->refs++;
	list_add_tail(&w->link, &off->workers);
	return w;
}

/*
 * Queue job for uid's worker, starting one if it has none. The worker runs
 * it on the same lock it checks before exiting, so a job never lands on a
 * worker that has already looked for its last one. -EAGAIN if no thread
 * could be started.
 */
int offload_submit(struct secshm_server *srv, uid_t uid, struct job *job)
{
	struct offload *off = srv->offload;
	struct list_head *pos, *tmp;
	struct worker *w = NULL;

	pthread_mutex_lock(&off->lock);
	list_for_each_safe(pos, tmp, &off->workers) {
		struct worker *x = list_entry(pos, struct worker, link);

		if (x->uid == uid)
			w = x;
	}
	if (w || (w = worker_start(off, uid)))
		list_add_tail(&job->link, &w->queue);
	pthread_mutex_unlock(&off->lock);
	return w ? 0 : -EAGAIN;
}

/* Loop: finish every job the workers are done with. */
void offload_reap(struct secshm_server *srv)
{
	struct offload *off = srv->offload;
	struct list_head done, *pos, *tmp;

	list_init(&done);
	pthread_mutex_lock(&off->lock);
	if (!list_empty(&off->done)) {
		done = off->done;
		done.next->prev = &done;
		done.prev->next = &done;
		list_init(&off->done);
	}
	pthread_mutex_unlock(&off->lock);
	list_for_each_safe(pos, tmp, &done) {
		struct job *job = list_entry(pos, struct job, link);

		list_del_init(&job->link);
		job->done(srv, job);
	}
}

/*
 * The server goes: finish what is finished; a worker still running (a close
 * that does not return) is left to end on its own, and frees its jobs then.
 */
void offload_fini(struct secshm_server *srv)
{
	struct offload *off = srv->offload;

	if (!off)
		return;
	offload_reap(srv);
	pthread_mutex_lock(&off->lock);
	off->wake_fd = -1;
	offload_unref(off);
	srv->offload = NULL;
}

/* ---- closing what clients sent ---- */

struct close_job {
	struct job job;
	struct uid_account *acct;	/* charged for the descriptors */
	unsigned int n;
	int fds[];
};

static void close_run(struct job *job)
{
	struct close_job *cj = container_of(job, struct close_job, job);

	for (unsigned int i = 0; i < cj->n; i++)
		close(cj->fds[i]);
}

static void close_done(struct secshm_server *srv, struct job *job)
{
	struct close_job *cj = container_of(job, struct close_job, job);

	fds_uncharge(srv, cj->acct, cj->n);
	free(cj);
}

/*
 * Close n descriptors client c sent, off the loop. They are charged to its
 * uid until closed; a uid past its descriptor quota is disconnected, since
 * nothing stops it sending more but the connection. Returns 0, or -EDQUOT
 * when c had to go.
 */
int offload_close(struct secshm_client *c, const int *fds, unsigned int n)
{
	struct secshm_server *srv = c->srv;
	struct close_job *cj;
	int err = 0;

	if (!n)
		return 0;
	if (fds_charge(srv, c->acct, n)) {
		fds_force(srv, c->acct, n);
		c->dead = true;
		err = -EDQUOT;
	}
	cj = malloc(sizeof(*cj) + n * sizeof(int));
	if (cj) {
		*cj = (struct close_job){ .job = { .run = close_run, .done = close_done },
					  .acct = c->acct, .n = n };
		memcpy(cj->fds, fds, n * sizeof(int));
		if (!offload_submit(srv, c->cred.who.uid, &cj->job))
			return err;
	}
	/* No memory or no thread: closing here is all that is left. */
	for (unsigned int i = 0; i < n; i++)
		close(fds[i]);
	fds_uncharge(srv, c->acct, n);
	free(cj);
	return err;
}
