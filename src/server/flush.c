// SPDX-License-Identifier: MIT
/*
 * FLUSH (SECSHM_CALL_FLUSH, S1): write a referenced range of a file-backed
 * section back to its file. msync waits for the disk for as long as the
 * range is dirty, which the client decides, so it runs on the client's
 * uid's worker (offload.c), never in the loop. The connection is not read
 * meanwhile, so its requests are still answered in order, and the reply
 * goes out when the write is done. The ring path refuses FLUSH
 * (-EOPNOTSUPP): a ring's completions are produced by the loop alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "internal.h"

#define FLUSH_REPLY_MAX	(sizeof(struct secshm_msg) + sizeof(struct secshm_call_args))

struct flush_job {
	struct job job;
	struct deferred_reply deferred;
	struct secshm_client *client;	/* holds c->jobs */
	struct secshm_object *section;	/* referenced */
	void *addr;
	size_t len;
	int status;
	size_t reply_len;
	unsigned char reply[FLUSH_REPLY_MAX];
};

static void flush_run(struct job *job)
{
	struct flush_job *fj = container_of(job, struct flush_job, job);

	fj->status = msync(fj->addr, fj->len, MS_SYNC) ? -errno : 0;
}

/* The request's reply, its status now known; a failure is the header alone. */
static void flush_reply(struct flush_job *fj)
{
	struct secshm_msg hdr;

	memcpy(&hdr, fj->reply, sizeof(hdr));
	hdr.status = fj->status;
	if (fj->status < 0)
		fj->reply_len = sizeof(hdr);
	hdr.size = (uint32_t)fj->reply_len;
	memcpy(fj->reply, &hdr, sizeof(hdr));
	transport_reply(fj->client, fj->reply, fj->reply_len, -1);
}

static void flush_done(struct secshm_server *srv, struct job *job)
{
	struct flush_job *fj = container_of(job, struct flush_job, job);
	struct secshm_client *c = fj->client;

	c->jobs--;
	c->busy = false;
	if (!c->dead) {
		flush_reply(fj);
		transport_interest(c);
	}
	if (c->dead)
		client_disconnect(c);
	secshm_object_put(fj->section);
	free(fj);
}

/*
 * The loop built the reply to the FLUSH call_flush() took on; hand the
 * write to the worker and hold the connection until it is done. With no
 * worker to be had, the client hears -EAGAIN at once.
 */
static void flush_start(struct deferred_reply *d, struct secshm_client *c, const void *reply,
			size_t len)
{
	struct flush_job *fj = container_of(d, struct flush_job, deferred);

	memcpy(fj->reply, reply, len < FLUSH_REPLY_MAX ? len : FLUSH_REPLY_MAX);
	fj->reply_len = len < FLUSH_REPLY_MAX ? len : FLUSH_REPLY_MAX;
	c->jobs++;
	c->busy = true;
	if (offload_submit(c->srv, c->cred.who.uid, &fj->job)) {
		fj->status = -EAGAIN;
		flush_done(c->srv, &fj->job);
	}
}

/* A file section's range: take it to the worker once the reply is built. */
int call_flush(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	const struct secshm_span *span = &req->refs[0];
	struct flush_job *fj;
	uintptr_t start;

	if (req->flags & SECSHM_REQ_RING)
		return -EOPNOTSUPP;
	if (!(to_section(span->section)->flags & SECSHM_SECTION_FILE))
		return 0;	/* memory has no file to reach */
	fj = calloc(1, sizeof(*fj));
	if (!fj)
		return -ENOMEM;
	start = (uintptr_t)span->base & ~(page - 1);
	*fj = (struct flush_job){
		.job = { .run = flush_run, .done = flush_done },
		.deferred = { .start = flush_start },
		.client = req->client, .section = secshm_object_get(span->section),
		.addr = (void *)start, .len = (uintptr_t)span->base + span->length - start,
	};
	req->client->deferred = &fj->deferred;
	return CALL_DEFERRED;
}
