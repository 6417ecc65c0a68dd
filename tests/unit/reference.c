// SPDX-License-Identifier: MIT
/*
 * Unit tests: reference by handle (checked and trusted), the server's own
 * references, server-private and client-created sections, forced access
 * checks, reference resolution and capture. An in-process server; clients
 * are socketpairs whose credentials the tests set.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "../../src/server/internal.h"

struct fixture {
	struct secshm_server *srv;
	struct secshm_client *alice, *eve;
	int peer[2];
};

static struct secshm_client *new_client(struct fixture *f, int i, uid_t uid)
{
	struct secshm_client *c;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(client_new(f->srv, sv[0], &c), 0);
	f->peer[i] = sv[1];
	c->cred.who.uid = uid;
	c->cred.who.gid = uid;
	c->cred.ngroups = 0;
	return c;
}

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	assert_int_equal(secshm_server_new(NULL, &f.srv), 0);
	f.alice = new_client(&f, 0, 1000);
	f.eve = new_client(&f, 1, 1002);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	secshm_server_free(f->srv);
	close(f->peer[0]);
	close(f->peer[1]);
	return 0;
}

static uint32_t client_create(struct secshm_client *c, const char *name, uint32_t mode,
			      uint32_t access)
{
	struct secshm_sd sd = { SECSHM_ID_CALLER, SECSHM_ID_CALLER, mode, 0, { { 0 } } };
	struct secshm_object_attr attr = { .name = name, .client = c, .sd = &sd };
	uint32_t h = 0;

	assert_int_equal(secshm_section_create(c->srv, &attr, 8192, 0, access, -1, &h), 0);
	return h;
}

static uint32_t server_create(struct secshm_server *srv, const char *name, uint32_t attributes)
{
	struct secshm_sd sd = { SECSHM_ID_CALLER, SECSHM_ID_CALLER, 0666, 0, { { 0 } } };
	struct secshm_object_attr attr = { .name = name, .sd = &sd,
					   .attributes = SECSHM_OBJ_KERNEL_HANDLE | attributes };
	uint32_t h = 0;

	assert_int_equal(secshm_section_create(srv, &attr, 65536, 0, SECSHM_GENERIC_ALL, -1, &h), 0);
	return h;
}

/* SPEC: H6 — the flavour is explicit; a handle is reachable and closable only through its own. */
static void test_checked_and_trusted_flavours(void **state)
{
	struct fixture *f = *state;
	struct secshm_object *obj;
	uint32_t ch = client_create(f->alice, NULL, 0, SECSHM_GENERIC_ALL);
	uint32_t sh = server_create(f->srv, NULL, 0);

	assert_int_equal(secshm_reference_by_handle(f->srv, f->alice, sh, 0, SECSHM_TYPE_SECTION,
						    SECSHM_CHECKED, &obj), -EBADF);
	assert_int_equal(secshm_reference_by_handle(f->srv, NULL, ch, 0, SECSHM_TYPE_SECTION,
						    SECSHM_TRUSTED, &obj), -EBADF);
	assert_int_equal(secshm_reference_by_handle(f->srv, f->alice, ch, 0, SECSHM_TYPE_SECTION,
						    SECSHM_TRUSTED, &obj), -EINVAL);
	assert_int_equal(secshm_reference_by_handle(f->srv, NULL, ch, 0, SECSHM_TYPE_SECTION,
						    SECSHM_CHECKED, &obj), -EINVAL);
	assert_int_equal(secshm_handle_close(f->srv, f->alice, sh, SECSHM_CHECKED), -EBADF);
	assert_int_equal(secshm_handle_close(f->srv, NULL, ch, SECSHM_TRUSTED), -EBADF);
	/* Both still live, each in its own flavour. */
	assert_int_equal(secshm_handle_close(f->srv, NULL, sh, SECSHM_TRUSTED), 0);
	assert_int_equal(secshm_handle_close(f->srv, f->alice, ch, SECSHM_CHECKED), 0);
	assert_int_equal(f->srv->nsections, 0);
}

/* SPEC: H5 — type, access and ownership are checked, in that order, on every use. */
static void test_checked_validation(void **state)
{
	struct fixture *f = *state;
	struct secshm_object *obj;
	struct cview *v;
	uint32_t h = client_create(f->alice, NULL, 0, SECSHM_GENERIC_READ), vh;

	assert_int_equal(cview_new(f->alice, to_section(handle_lookup(&f->alice->handles, h)->obj),
				   0, 4096, SECSHM_PROT_READ, &v), 0);
	assert_int_equal(handle_insert(&f->alice->handles, &v->obj, SECSHM_ACCESS_MAP_READ, &vh), 0);
	assert_int_equal(secshm_reference_by_handle(f->srv, f->alice, vh, 0, SECSHM_TYPE_SECTION,
						    SECSHM_CHECKED, &obj), -EMEDIUMTYPE);
	assert_int_equal(secshm_reference_by_handle(f->srv, f->alice, h, SECSHM_ACCESS_MAP_WRITE,
						    SECSHM_TYPE_SECTION, SECSHM_CHECKED, &obj),
			 -EACCES);
	assert_int_equal(secshm_reference_by_handle(f->srv, f->eve, h, 0, SECSHM_TYPE_SECTION,
						    SECSHM_CHECKED, &obj), -EBADF);
	assert_int_equal(secshm_reference_by_handle(f->srv, f->alice, h | SECSHM_HANDLE_SERVER, 0,
						    SECSHM_TYPE_SECTION, SECSHM_CHECKED, &obj),
			 -EBADF);
	assert_int_equal(secshm_reference_by_handle(f->srv, f->alice, h, SECSHM_GENERIC_READ,
						    SECSHM_TYPE_SECTION, SECSHM_CHECKED, &obj), 0);
	secshm_object_put(obj);
	assert_int_equal(secshm_handle_close(f->srv, f->alice, vh, SECSHM_CHECKED), 0);
	assert_int_equal(secshm_handle_close(f->srv, f->alice, h, SECSHM_CHECKED), 0);
	assert_int_equal(f->srv->nobjects, 0);
}

/* SPEC: P7 — the server's own reference outlives every client handle until it lets go. */
static void test_server_reference_outlives_clients(void **state)
{
	struct fixture *f = *state;
	struct secshm_object *sec;
	uint32_t sh = server_create(f->srv, "shared", 0), ch;

	assert_int_equal(secshm_reference_by_handle(f->srv, NULL, sh, 0, SECSHM_TYPE_SECTION,
						    SECSHM_TRUSTED, &sec), 0);
	assert_int_equal(secshm_client_grant(f->srv, f->eve, sec, SECSHM_GENERIC_WRITE, &ch), 0);
	assert_int_equal(secshm_handle_close(f->srv, NULL, sh, SECSHM_TRUSTED), 0);
	assert_int_equal(secshm_handle_close(f->srv, f->eve, ch, SECSHM_CHECKED), 0);
	assert_int_equal(f->srv->nsections, 1);	/* held by sec alone */
	secshm_object_put(sec);			/* ObDereferenceObject */
	assert_int_equal(f->srv->nsections, 0);
}

/* SPEC: P1 — a server-private section is reachable only through server handles. */
static void test_server_private(void **state)
{
	struct fixture *f = *state;
	struct secshm_object_attr open = { .name = "private", .client = f->alice };
	struct secshm_object *sec;
	uint32_t sh = server_create(f->srv, "private", SECSHM_OBJ_SERVER_PRIVATE), h;

	f->alice->cred.who.uid = 0;	/* not even root */
	assert_int_equal(secshm_section_open(f->srv, &open, SECSHM_ACCESS_QUERY, &h), -EACCES);
	assert_int_equal(secshm_reference_by_handle(f->srv, NULL, sh, 0, SECSHM_TYPE_SECTION,
						    SECSHM_TRUSTED, &sec), 0);
	assert_int_equal(secshm_client_grant(f->srv, f->alice, sec, SECSHM_ACCESS_QUERY, &h),
			 -EACCES);
	secshm_object_put(sec);
	for (uint32_t v = 1; v < 4096; v++)
		assert_int_equal(secshm_reference_by_handle(f->srv, f->alice, v, 0,
							    SECSHM_TYPE_SECTION,
							    SECSHM_CHECKED, &sec), -EBADF);
	f->alice->cred.who.uid = 1000;
	secshm_handle_close(f->srv, NULL, sh, SECSHM_TRUSTED);
}

/* SPEC: P3 — client-created sections are marked and never adopted by name by the server. */
static void test_client_created_not_trusted(void **state)
{
	struct fixture *f = *state;
	struct secshm_object_attr sopen = { .name = "user/1000/squat",
					    .attributes = SECSHM_OBJ_KERNEL_HANDLE };
	struct secshm_object_attr screate = sopen;
	uint32_t ch = client_create(f->alice, "squat", 0666, SECSHM_GENERIC_ALL), sh;
	struct section *sec = to_section(handle_lookup(&f->alice->handles, ch)->obj);

	assert_true(sec->flags & SECSHM_SECTION_CLIENT_CREATED);
	assert_int_equal(secshm_section_open(f->srv, &sopen, SECSHM_GENERIC_ALL, &sh), -EACCES);
	assert_int_equal(secshm_section_create(f->srv, &screate, 4096, 0, SECSHM_GENERIC_ALL, -1, &sh),
			 -EEXIST);
	sopen.attributes |= SECSHM_OBJ_OPENIF_CLIENT;
	assert_int_equal(secshm_section_open(f->srv, &sopen, SECSHM_GENERIC_ALL, &sh), 0);
	secshm_handle_close(f->srv, NULL, sh, SECSHM_TRUSTED);
	sh = server_create(f->srv, "mine", 0);
	assert_false(to_section(handle_lookup(&f->srv->handles, sh)->obj)->flags &
		     SECSHM_SECTION_CLIENT_CREATED);
	secshm_handle_close(f->srv, NULL, sh, SECSHM_TRUSTED);
	secshm_handle_close(f->srv, f->alice, ch, SECSHM_CHECKED);
}

/* SPEC: H4 — acting for a client, the server checks the client's credentials, not its own. */
static void test_forced_access_check(void **state)
{
	struct fixture *f = *state;
	struct secshm_object_attr attr = { .name = "user/1000/alice-only", .client = f->eve,
					   .attributes = SECSHM_OBJ_KERNEL_HANDLE |
							 SECSHM_OBJ_FORCE_ACCESS_CHECK };
	uint32_t ch = client_create(f->alice, "alice-only", 0600, SECSHM_GENERIC_ALL), h;

	attr.attributes |= SECSHM_OBJ_OPENIF_CLIENT;
	assert_int_equal(secshm_section_open(f->srv, &attr, SECSHM_GENERIC_READ, &h), -EACCES);
	attr.attributes &= ~SECSHM_OBJ_FORCE_ACCESS_CHECK;	/* the server's own open */
	assert_int_equal(secshm_section_open(f->srv, &attr, SECSHM_GENERIC_READ, &h), 0);
	secshm_handle_close(f->srv, NULL, h, SECSHM_TRUSTED);
	attr.attributes = 0;				/* into eve's table: always checked */
	assert_int_equal(secshm_section_open(f->srv, &attr, SECSHM_GENERIC_READ, &h), -EACCES);
	secshm_handle_close(f->srv, f->alice, ch, SECSHM_CHECKED);
}

/* SPEC: R2 — a reference resolves only after handle, type, access, overflow and bounds. */
static void test_ref_resolve(void **state)
{
	struct fixture *f = *state;
	uint32_t ro = client_create(f->alice, NULL, 0, SECSHM_GENERIC_READ);
	struct secshm_span span;
	struct secshm_ref ref = { .handle = ro, .flags = SECSHM_REF_READ, .offset = 0, .length = 8192 };

	assert_int_equal(ref_resolve(f->alice, &ref, &span), 0);
	assert_int_equal(span.length, 8192);
	secshm_object_put(span.section);
	ref.flags = SECSHM_REF_WRITE;
	assert_int_equal(ref_resolve(f->alice, &ref, &span), -EACCES);
	ref.flags = SECSHM_REF_READ | SECSHM_REF_USER_PTR;
	assert_int_equal(ref_resolve(f->alice, &ref, &span), -EINVAL);
	ref.flags = 0;
	assert_int_equal(ref_resolve(f->alice, &ref, &span), -EINVAL);
	ref.flags = SECSHM_REF_READ;
	ref.offset = 4096;
	assert_int_equal(ref_resolve(f->alice, &ref, &span), -ERANGE);
	ref.offset = UINT64_MAX - 100;
	assert_int_equal(ref_resolve(f->alice, &ref, &span), -EOVERFLOW);
	ref.offset = 0;
	ref.length = 0;
	assert_int_equal(ref_resolve(f->alice, &ref, &span), -EINVAL);
	ref.length = 1;
	ref.handle = ro + 1;
	assert_int_equal(ref_resolve(f->alice, &ref, &span), -EBADF);
	ref.handle = ro;
	assert_int_equal(ref_resolve(f->eve, &ref, &span), -EBADF);
	secshm_handle_close(f->srv, f->alice, ro, SECSHM_CHECKED);
}

/* SPEC: P6 — capture copies a checked range once into private memory; writes need WRITE. */
static void test_capture(void **state)
{
	struct fixture *f = *state;
	uint32_t h = client_create(f->alice, NULL, 0, SECSHM_GENERIC_WRITE);
	struct secshm_ref ref = { .handle = h, .flags = SECSHM_REF_READ, .offset = 4096, .length = 16 };
	struct secshm_span span;
	char buf[32] = "0123456789abcdef";

	assert_int_equal(ref_resolve(f->alice, &ref, &span), 0);
	assert_int_equal(secshm_copy_out(&span, 0, buf, 16), -EACCES);
	memcpy(span.base, "secshm-captured!", 16);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(secshm_capture(&span, 0, buf, 16), 0);
	assert_memory_equal(buf, "secshm-captured!", 16);
	assert_int_equal(secshm_capture(&span, 8, buf, 9), -ERANGE);
	assert_int_equal(secshm_capture(&span, UINT64_MAX, buf, 1), -ERANGE);
	secshm_object_put(span.section);
	ref.flags = SECSHM_REF_WRITE;
	assert_int_equal(ref_resolve(f->alice, &ref, &span), 0);
	assert_int_equal(secshm_copy_out(&span, 0, "0123456789abcdef", 16), 0);
	assert_int_equal(secshm_copy_out(&span, 1, "0123456789abcdef", 16), -ERANGE);
	secshm_object_put(span.section);
	secshm_handle_close(f->srv, f->alice, h, SECSHM_CHECKED);
}

/* SPEC: Q2, S4 — a client going away frees everything it held. */
static void test_disconnect_frees_everything(void **state)
{
	struct fixture *f = *state;
	struct secshm_client *c = new_client(f, 0, 1003);
	uint32_t h;
	struct cview *v;

	for (int i = 0; i < 10; i++) {
		h = client_create(c, NULL, 0, SECSHM_GENERIC_ALL);
		assert_int_equal(cview_new(c, to_section(handle_lookup(&c->handles, h)->obj), 0,
					   4096, SECSHM_PROT_READ, &v), 0);
		assert_int_equal(handle_insert(&c->handles, &v->obj, 0, &h), 0);
	}
	assert_int_equal(f->srv->nsections, 10);
	assert_int_equal(f->srv->nviews, 10);
	close(f->peer[0]);
	client_disconnect(c);
	assert_int_equal(f->srv->nsections, 10);	/* until the end of the batch */
	assert_true(secshm_server_dispatch(f->srv, 0) >= 0);
	assert_int_equal(f->srv->nsections, 0);
	assert_int_equal(f->srv->nviews, 0);
	assert_int_equal(f->srv->nobjects, 0);
	assert_int_equal(f->srv->bytes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_checked_and_trusted_flavours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checked_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_reference_outlives_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_created_not_trusted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forced_access_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ref_resolve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capture, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disconnect_frees_everything, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
