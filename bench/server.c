// SPDX-License-Identifier: MIT
/*
 * The bench server process: libsecshm-server with the bench opcodes. It
 * creates BENCH_SECTION for itself (a server handle, its own reference and
 * view, mode 0666 so the bench's client can open it) and serves until the
 * bench sends SIGTERM. Two instances may run: one that sleeps until a
 * request's doorbell (the default) and one that busy-polls request rings for
 * BENCH_RING_POLL_US after each request (secshm_server_config.ring_poll_us).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "secshm-server.h"
#include "bench.h"
#include "server.h"

struct bench_server {
	struct secshm_object *section;	/* the server's own reference (P7) */
	struct secshm_view *view;	/* and view (P2) */
	uint32_t handle;
	unsigned char *buf;		/* private capture buffer, BENCH_CHUNK_MAX */
};

/* Instances: 0 sleeps on its doorbells, 1 busy-polls request rings. */
#define INSTANCES	2
static const uint32_t instance_poll_us[INSTANCES] = { 0, BENCH_RING_POLL_US };
static struct secshm_server *the_server;
static pid_t server_pid[INSTANCES] = { -1, -1 };
static char server_path[INSTANCES][256];

static void on_term(int sig)
{
	secshm_server_stop(the_server);
}

static int op_noop(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	return 0;
}

/* Capture or read in place every chunk of the reference, reps times round. */
static int op_loop(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	struct bench_server *bs = data;
	const struct secshm_span *span = &req->refs[0];
	struct bench_out out = { 0 };
	struct bench_loop in;
	uint64_t t0, len = span->length;
	int err = 0;

	if (req->in_len != sizeof(in) || req->out_cap < sizeof(out))
		return -EINVAL;
	memcpy(&in, req->in, sizeof(in));
	if (!in.chunk)
		in.chunk = (uint32_t)(len < BENCH_CHUNK_MAX ? len : BENCH_CHUNK_MAX);
	if (in.chunk > BENCH_CHUNK_MAX || len % in.chunk || !in.reps)
		return -EINVAL;
	t0 = bench_now_ns();
	for (uint32_t r = 0; r < in.reps && !err; r++) {
		for (uint64_t off = 0; off < len && !err; off += in.chunk) {
			if (req->opcode == BENCH_OP_CAPTURE) {
				err = secshm_capture(span, off, bs->buf, in.chunk);
				out.sum += bs->buf[0];
			} else {
				/*
				 * In place: no helper exists for it (the API reads
				 * shared memory through secshm_capture); the span's
				 * base is the server's own sealed mapping, read once.
				 */
				out.sum += bench_sum64(span->base + off, in.chunk);
			}
			bench_keep(bs->buf);
		}
	}
	out.ns = bench_now_ns() - t0;
	out.bytes = (uint64_t)in.reps * len;
	if (err)
		return err;
	memcpy(req->out, &out, sizeof(out));
	req->out_len = sizeof(out);
	return 0;
}

static int setup(struct secshm_server *srv, struct bench_server *bs)
{
	struct secshm_sd sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER,
				.mode = 0666 };
	struct secshm_object_attr attr = { .name = BENCH_SECTION,
					   .attributes = SECSHM_OBJ_KERNEL_HANDLE, .sd = &sd };
	const struct secshm_opcode ops[] = {
		{ BENCH_OP_NOOP, 0, 1, 0, 16, op_noop, bs },
		{ BENCH_OP_CAPTURE, 1, 1, sizeof(struct bench_loop), sizeof(struct bench_loop),
		  op_loop, bs },
		{ BENCH_OP_INPLACE, 1, 1, sizeof(struct bench_loop), sizeof(struct bench_loop),
		  op_loop, bs },
		{ BENCH_OP_STREAM, 1, 1, 8, 64, bench_op_stream, bs->buf },
	};
	int err;

	err = secshm_section_create(srv, &attr, BENCH_SECTION_SIZE, SECSHM_CREATE_NEW,
				    SECSHM_GENERIC_ALL, -1, &bs->handle);
	if (!err)
		err = secshm_reference_by_handle(srv, NULL, bs->handle, 0, SECSHM_TYPE_SECTION,
						 SECSHM_TRUSTED, &bs->section);
	if (!err)
		err = secshm_view_map(bs->section, 0, BENCH_SECTION_SIZE,
				      SECSHM_PROT_READ | SECSHM_PROT_WRITE, &bs->view);
	for (size_t i = 0; !err && i < sizeof(ops) / sizeof(ops[0]); i++)
		err = secshm_server_register(srv, &ops[i]);
	return err;
}

static int server_main(void *arg)
{
	int instance = *(int *)arg;
	struct secshm_server_config cfg = { .ring_poll_us = instance_poll_us[instance] };
	struct sigaction sa = { .sa_handler = on_term };
	struct bench_server bs = { 0 };
	int err;

	/* Nothing of the bench's (its connections, its children's pipes) stays open here. */
	close_range(3, ~0U, 0);
	bs.buf = mmap(NULL, BENCH_CHUNK_MAX, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (bs.buf == MAP_FAILED)
		return 1;
	err = secshm_server_new(&cfg, &the_server);
	if (!err)
		err = setup(the_server, &bs);
	if (!err)
		err = secshm_server_listen(the_server, server_path[instance]);
	if (err) {
		fprintf(stderr, "bench server: %s\n", strerror(-err));
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	err = secshm_server_run(the_server);
	secshm_view_unmap(bs.view);
	secshm_object_put(bs.section);
	secshm_handle_close(the_server, NULL, bs.handle, SECSHM_TRUSTED);
	secshm_server_free(the_server);
	return err ? 1 : 0;
}

int bench_server_start_instance(int instance)
{
	int err;

	if (server_pid[instance] > 0)
		return 0;
	snprintf(server_path[instance], sizeof(server_path[instance]), "%s/bench-server-%d.sock",
		 bench_cfg.run_dir, instance);
	server_pid[instance] = bench_fork(server_main, &instance);
	if (server_pid[instance] < 0)
		return -errno;
	err = bench_wait_socket(server_path[instance], 10000, server_pid[instance]);
	if (err) {
		bench_skip_reason("the bench server did not start: %s", strerror(-err));
		bench_reap(server_pid[instance], true);
		server_pid[instance] = -1;
	}
	return err;
}

int bench_server_start(void)
{
	return bench_server_start_instance(0);
}

void bench_server_stop(void)
{
	for (int i = 0; i < INSTANCES; i++) {
		if (server_pid[i] > 0 && bench_reap(server_pid[i], true))
			fprintf(stderr, "bench: the bench server did not exit cleanly\n");
		server_pid[i] = -1;
	}
}

pid_t bench_server_pid(void)
{
	return server_pid[0];
}

pid_t bench_server_instance_pid(int instance)
{
	return server_pid[instance];
}

int bench_conn_open(struct bench_conn *c)
{
	return bench_conn_open_instance(c, 0);
}

int bench_conn_open_instance(struct bench_conn *c, int instance)
{
	void *p;
	int err;

	memset(c, 0, sizeof(*c));
	err = bench_server_start_instance(instance);
	if (!err)
		err = secshm_connect(server_path[instance], &c->s);
	if (!err)
		err = secshm_open(c->s, BENCH_SECTION, SECSHM_GENERIC_WRITE, &c->handle);
	if (!err)
		err = secshm_map(c->s, c->handle, 0, BENCH_SECTION_SIZE,
				 SECSHM_PROT_READ | SECSHM_PROT_WRITE, &p);
	if (err) {
		bench_skip_reason("bench server: %s", secshm_strerror(err));
		bench_conn_close(c);
		return err;
	}
	c->map = p;
	/* Fault the whole view in, outside every measurement. */
	memset(c->map, 0x5a, BENCH_SECTION_SIZE);
	return 0;
}

void bench_conn_close(struct bench_conn *c)
{
	if (c->map)
		secshm_unmap(c->s, c->map);
	if (c->s)
		secshm_disconnect(c->s);
	memset(c, 0, sizeof(*c));
}
