// SPDX-License-Identifier: MIT
/*
 * Unit tests: a file-backed section from the server's side (P9). A read-only
 * descriptor makes a read-only section, and the server's own views and
 * references of it obey that as clients' do.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "../../src/server/internal.h"

#define LEN 8192

/*
 * SPEC: P9 — a server handle over a file its caller could only read: the
 * section is read-only, the server's own writable view of it is -EACCES
 * and a read-only one works; asking for MAP_WRITE at create is -EACCES.
 */
static void test_server_view_readonly(void **state)
{
	struct secshm_object_attr attr = { .attributes = SECSHM_OBJ_KERNEL_HANDLE };
	char path[] = "/tmp/secshm-unit-file.XXXXXX";
	struct secshm_server *srv;
	struct secshm_object *obj;
	struct secshm_view *v;
	uint32_t h;
	int fd = mkstemp(path), ro;

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, LEN), 0);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(ro >= 0);
	assert_int_equal(secshm_server_new(NULL, &srv), 0);
	assert_int_equal(secshm_section_create(srv, &attr, LEN, SECSHM_CREATE_FILE,
					       SECSHM_GENERIC_ALL, ro, &h), -EACCES);
	assert_int_equal(secshm_section_create(srv, &attr, LEN, SECSHM_CREATE_FILE,
					       SECSHM_GENERIC_READ, ro, &h), 0);
	assert_int_equal(secshm_reference_by_handle(srv, NULL, h, 0, SECSHM_TYPE_SECTION,
						    SECSHM_TRUSTED, &obj), 0);
	assert_true(secshm_section_flags(obj) & SECSHM_SECTION_READONLY);
	assert_int_equal(secshm_view_map(obj, 0, LEN, SECSHM_PROT_READ | SECSHM_PROT_WRITE, &v),
			 -EACCES);
	assert_int_equal(secshm_view_map(obj, 0, LEN, SECSHM_PROT_READ, &v), 0);
	secshm_view_unmap(v);
	secshm_object_put(obj);
	assert_int_equal(secshm_handle_close(srv, NULL, h, SECSHM_TRUSTED), 0);
	secshm_server_free(srv);
	close(ro);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_view_readonly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
