// SPDX-License-Identifier: MIT
/*
 * An example privileged server on libsecshm-server, written the way the
 * seeds' driver shares a section: it creates the section itself with a
 * server handle (OBJ_KERNEL_HANDLE), references it before any client can
 * reach it and keeps that reference and its own view for its lifetime
 * (ObReferenceObjectByHandle, ZwMapViewOfSection in the system process),
 * and serves requests that carry references into the section, reading them
 * only through the capture helpers.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "secshm-server.h"
#include "example.h"

#define CHUNK (64 * 1024)

struct example {
	struct secshm_object *shared;	/* the server's own reference (P7) */
	struct secshm_view *view;	/* the server's own view (P2) */
	uint32_t shared_handle, private_handle;
	unsigned char buf[CHUNK];	/* private capture buffer */
};

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * EXAMPLE_FNV_PRIME;
	return h;
}

/* Capture [off, off + len) of a reference chunk by chunk and checksum it. */
static int checksum_span(struct example *ex, const struct secshm_span *span, uint64_t off,
			 uint64_t len, uint64_t *sum)
{
	uint64_t h = EXAMPLE_FNV_OFFSET;

	while (len) {
		size_t n = len < CHUNK ? (size_t)len : CHUNK;
		int err = secshm_capture(span, off, ex->buf, n);

		if (err)
			return err;
		h = fnv1a(h, ex->buf, n);
		off += n;
		len -= n;
	}
	*sum = h;
	return 0;
}

static int op_checksum(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	uint64_t sum;
	int err;

	if (req->out_cap < sizeof(sum))
		return -EINVAL;
	err = checksum_span(data, &req->refs[0], 0, req->refs[0].length, &sum);
	if (err)
		return err;
	memcpy(req->out, &sum, sizeof(sum));
	req->out_len = sizeof(sum);
	return 0;
}

/* The header is read once; only the captured, validated length is used (P6). */
static int op_record(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	const struct secshm_span *ref = &req->refs[0];
	struct example_record hdr;
	struct example_record_reply reply = { 0 };
	uint64_t sum;
	int err;

	if (req->out_cap < sizeof(reply))
		return -EINVAL;
	err = secshm_capture(ref, 0, &hdr, sizeof(hdr));
	if (err)
		return err;
	if (hdr.len > ref->length - sizeof(hdr))
		return -EINVAL;
	err = checksum_span(data, ref, sizeof(hdr), hdr.len, &sum);
	if (err)
		return err;
	reply.len = hdr.len;
	reply.checksum = sum;
	memcpy(req->out, &reply, sizeof(reply));
	req->out_len = sizeof(reply);
	return 0;
}

/*
 * The handle is a value from the client's input, not a resolved reference:
 * reference it with the checked flavour (H6), then check the range as a
 * reference's and read it through the server's own view.
 */
static int op_checksum_handle(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	struct example_handle_ref in;
	struct secshm_object *sec;
	struct secshm_view *view;
	struct secshm_span span;
	uint64_t end, sum;
	int err;

	if (req->out_cap < sizeof(sum))
		return -EINVAL;
	memcpy(&in, req->in, sizeof(in));
	if (in.reserved)
		return -EINVAL;
	err = secshm_reference_by_handle(srv, req->client, in.handle, SECSHM_ACCESS_MAP_READ,
					 SECSHM_TYPE_SECTION, SECSHM_CHECKED, &sec);
	if (err)
		return err;
	if (!in.length)
		err = -EINVAL;
	else if (__builtin_add_overflow(in.offset, in.length, &end))
		err = -EOVERFLOW;
	else if (end > secshm_section_length(sec))
		err = -ERANGE;
	else
		err = secshm_view_map(sec, 0, secshm_section_length(sec), SECSHM_PROT_READ, &view);
	if (!err) {
		secshm_view_span(view, &span);
		err = checksum_span(data, &span, in.offset, in.length, &sum);
		secshm_view_unmap(view);
	}
	secshm_object_put(sec);
	if (err)
		return err;
	memcpy(req->out, &sum, sizeof(sum));
	req->out_len = sizeof(sum);
	return 0;
}

/*
 * Create a section of the name for the server itself and drop it again: a
 * name a client created first is never adopted (P3, -EEXIST); one the
 * server created already answers SECSHM_EXISTED.
 */
static int op_publish(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	char name[SECSHM_NAME_MAX + 1];
	struct secshm_object_attr attr = { .name = name, .attributes = SECSHM_OBJ_KERNEL_HANDLE };
	uint32_t h;
	int status;

	if (memchr(req->in, 0, req->in_len))
		return -EINVAL;
	memcpy(name, req->in, req->in_len);
	name[req->in_len] = 0;
	status = secshm_section_create(srv, &attr, EXAMPLE_PUBLISH_SIZE, 0, SECSHM_GENERIC_ALL, -1,
				       &h);
	if (status < 0)
		return status;
	secshm_handle_close(srv, NULL, h, SECSHM_TRUSTED);
	return status;
}

static int list_visit(void *ctx, const void *node, size_t len, uint32_t depth,
		      struct secshm_ref next[SECSHM_WALK_FANOUT])
{
	struct example_list_reply *sum = ctx;
	const struct example_node *n = node;	/* the walker's private copy */

	if (len != sizeof(*n))
		return -EINVAL;
	sum->count++;
	sum->sum += n->value;
	if (!n->next_handle)
		return 0;
	next[0] = (struct secshm_ref){ .handle = n->next_handle, .offset = n->next_offset,
				       .length = sizeof(*n) };
	return 1;
}

static int op_list_sum(struct secshm_server *srv, struct secshm_request *req, void *data)
{
	struct example_list_reply reply = { 0 };
	const struct secshm_walk walk = {
		.max_depth = EXAMPLE_LIST_MAX - 1, .max_nodes = EXAMPLE_LIST_MAX,
		.max_bytes = EXAMPLE_LIST_MAX * sizeof(struct example_node),
		.max_node = sizeof(struct example_node), .visit = list_visit, .ctx = &reply,
	};
	int err;

	if (req->out_cap < sizeof(reply))
		return -EINVAL;
	err = secshm_walk(req->client, &req->refs[0], &walk);
	if (err)
		return err;
	memcpy(req->out, &reply, sizeof(reply));
	req->out_len = sizeof(reply);
	return 0;
}

static int example_setup(struct secshm_server *srv, struct example *ex)
{
	struct secshm_sd sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER,
				.mode = 0666 };
	struct secshm_object_attr shared = { .name = EXAMPLE_SHARED,
					     .attributes = SECSHM_OBJ_KERNEL_HANDLE, .sd = &sd };
	struct secshm_object_attr priv = { .name = EXAMPLE_PRIVATE,
					   .attributes = SECSHM_OBJ_KERNEL_HANDLE |
							 SECSHM_OBJ_SERVER_PRIVATE };
	const struct secshm_opcode ops[] = {
		{ EXAMPLE_OP_CHECKSUM, 1, 1, 0, 0, op_checksum, ex },
		{ EXAMPLE_OP_RECORD, 1, 1, 0, 0, op_record, ex },
		{ EXAMPLE_OP_LIST_SUM, 1, 1, 0, 0, op_list_sum, ex },
		{ EXAMPLE_OP_CHECKSUM_HANDLE, 0, 0, sizeof(struct example_handle_ref),
		  sizeof(struct example_handle_ref), op_checksum_handle, ex },
		{ EXAMPLE_OP_PUBLISH, 0, 0, 1, SECSHM_NAME_MAX, op_publish, ex },
	};
	int err;

	err = secshm_section_create(srv, &shared, EXAMPLE_SHARED_SIZE, SECSHM_CREATE_NEW,
				    SECSHM_GENERIC_ALL, -1, &ex->shared_handle);
	if (!err)
		err = secshm_reference_by_handle(srv, NULL, ex->shared_handle, 0,
						 SECSHM_TYPE_SECTION, SECSHM_TRUSTED, &ex->shared);
	if (!err)
		err = secshm_view_map(ex->shared, 0, EXAMPLE_SHARED_SIZE,
				      SECSHM_PROT_READ | SECSHM_PROT_WRITE, &ex->view);
	if (!err)
		err = secshm_section_create(srv, &priv, EXAMPLE_PRIVATE_SIZE, SECSHM_CREATE_NEW,
					    SECSHM_GENERIC_ALL, -1, &ex->private_handle);
	for (size_t i = 0; !err && i < sizeof(ops) / sizeof(ops[0]); i++)
		err = secshm_server_register(srv, &ops[i]);
	return err;
}

static void example_teardown(struct secshm_server *srv, struct example *ex)
{
	secshm_view_unmap(ex->view);
	secshm_object_put(ex->shared);	/* ObDereferenceObject */
	if (ex->shared_handle)
		secshm_handle_close(srv, NULL, ex->shared_handle, SECSHM_TRUSTED);
	if (ex->private_handle)
		secshm_handle_close(srv, NULL, ex->private_handle, SECSHM_TRUSTED);
}

static struct secshm_server *the_server;

static void on_signal(int sig)
{
	secshm_server_stop(the_server);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "address", required_argument, NULL, 'a' },
		{ "check-fetch", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *address = getenv("SECSHM_ADDRESS");
	struct secshm_server_config cfg = { .check_fetch = 0 };
	struct example *ex = calloc(1, sizeof(*ex));
	struct sigaction sa = { .sa_handler = on_signal };
	int opt, err;

	while ((opt = getopt_long(argc, argv, "a:fh", longopts, NULL)) != -1) {
		if (opt == 'a') {
			address = optarg;
		} else if (opt == 'f') {
			cfg.check_fetch = 1;
		} else {
			printf("usage: %s --address PATH [--check-fetch]\n"
			       "Serve the example sections %s and %s and the checksum opcodes.\n"
			       "--check-fetch fails a handler that captures the same bytes twice.\n",
			       argv[0], EXAMPLE_SHARED, EXAMPLE_PRIVATE);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (!address || !ex) {
		fprintf(stderr, "%s: --address is required\n", argv[0]);
		return 2;
	}
	err = secshm_server_new(&cfg, &the_server);
	if (!err)
		err = example_setup(the_server, ex);
	if (!err)
		err = secshm_server_listen(the_server, address);
	if (err) {
		fprintf(stderr, "%s: %s\n", argv[0], strerror(-err));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	err = secshm_server_run(the_server);
	example_teardown(the_server, ex);
	secshm_server_free(the_server);
	free(ex);
	return err ? 1 : 0;
}
