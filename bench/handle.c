// SPDX-License-Identifier: MIT
/*
 * B3, handle reference + unreference: secshm_reference_by_handle and
 * secshm_object_put on an in-process server, single thread. There is no
 * lock at all on this path: the server is single-threaded by design, and a
 * lookup is a slot index and a generation compare in the caller's own
 * table (CHECKED: the client's; TRUSTED: the server's). The client is a
 * socketpair, as in tests/unit/reference.c.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bench.h"
#include "../src/server/internal.h"

static struct secshm_server *srv;
static struct secshm_client *client;
static uint32_t client_handle, server_handle;
static int peer = -1;

#define BATCH	(1U << 20)

static int loop(const struct bench_row *row, double *value, struct secshm_client *c,
		uint32_t handle, uint32_t access, enum secshm_mode mode)
{
	uint64_t t0 = bench_now_ns(), limit = (uint64_t)(bench_seconds(0.1) * 1e9), n = 0, ns;
	struct secshm_object *obj;

	do {
		for (uint32_t i = 0; i < BATCH; i++) {
			int err = secshm_reference_by_handle(srv, c, handle, access,
							     SECSHM_TYPE_SECTION, mode, &obj);

			if (err)
				return err;
			secshm_object_put(obj);
		}
		n += BATCH;
		ns = bench_now_ns() - t0;
	} while (ns < limit);
	*value = (double)ns / (double)n;
	return 0;
}

/* SPEC: B3 — CHECKED: a client's value, full validation (table, type, access), then put. */
static int checked(const struct bench_row *row, double *value)
{
	return loop(row, value, client, client_handle, SECSHM_ACCESS_MAP_READ, SECSHM_CHECKED);
}

/* SPEC: B3 — TRUSTED: the server's own handle, then put. */
static int trusted(const struct bench_row *row, double *value)
{
	return loop(row, value, NULL, server_handle, 0, SECSHM_TRUSTED);
}

static int h_setup(void)
{
	struct secshm_sd sd = { SECSHM_ID_CALLER, SECSHM_ID_CALLER, 0600, 0, { { 0 } } };
	struct secshm_object_attr cattr = { .client = NULL, .sd = &sd };
	struct secshm_object_attr sattr = { .attributes = SECSHM_OBJ_KERNEL_HANDLE, .sd = &sd };
	int sv[2], err;

	err = secshm_server_new(NULL, &srv);
	if (err)
		return err;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	err = client_new(srv, sv[0], &client);
	if (err) {
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	peer = sv[1];
	cattr.client = client;
	err = secshm_section_create(srv, &cattr, 4096, 0, SECSHM_GENERIC_ALL, -1, &client_handle);
	if (!err)
		err = secshm_section_create(srv, &sattr, 4096, 0, SECSHM_GENERIC_ALL, -1,
					    &server_handle);
	return err;
}

static void h_teardown(void)
{
	if (srv)
		secshm_server_free(srv);	/* closes the client's socket too */
	srv = NULL;
	if (peer >= 0)
		close(peer);
	peer = -1;
}

/* SPEC: B3 — rows; the baseline is the SPEC's absolute 10 ns. */
static const struct bench_row rows[] = {
	{ "b3.checked", "B3", "reference_by_handle(CHECKED) + object_put", NULL, 10, 1.0,
	  BENCH_NS, checked, 0, false,
	  "B3: single thread, in-process server; no lock on the path (the server is "
	  "single-threaded; the lookup is slot + generation in the caller's own table)" },
	{ "b3.trusted", "B3", "reference_by_handle(TRUSTED) + object_put", NULL, 10, 1.0,
	  BENCH_NS, trusted, 0, false, NULL },
};

static const struct bench_group b3 = {
	"B3 handle reference + unreference", 30, h_setup, h_teardown, rows, BENCH_NROWS(rows),
};
BENCH_GROUP(b3)
