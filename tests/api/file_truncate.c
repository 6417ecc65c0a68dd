// SPDX-License-Identifier: MIT
/*
 * P5 on file-backed sections: a file cannot be sealed, so a client that can
 * write it can truncate it under the server. The example server keeps
 * checksumming the section while another thread truncates and regrows the
 * file; every request succeeds or fails with -EFAULT and the server keeps
 * serving.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../common/harness.h"
#include "../../examples/example.h"

#define FILE_SIZE (1U << 20)

static atomic_bool stop;

static void *truncator(void *p)
{
	int fd = *(int *)p;

	while (!atomic_load(&stop)) {
		if (ftruncate(fd, 0) || ftruncate(fd, FILE_SIZE))
			break;
	}
	return NULL;
}

/* SPEC: P5 — the server survives its backing file being truncated mid-read. */
static void test_truncate_while_server_reads(void **state)
{
	struct secshm *s = harness_connect();
	char path[] = "/tmp/secshm-trunc.XXXXXX";
	int fd = mkstemp(path), faults = 0, ok = 0;
	struct secshm_ref ref = { .flags = SECSHM_REF_READ, .offset = 0, .length = FILE_SIZE };
	pthread_t t;
	uint64_t sum;
	size_t n;

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, FILE_SIZE), 0);
	assert_ok(secshm_create_file(s, NULL, FILE_SIZE, fd, SECSHM_GENERIC_READ, 0, NULL,
				     &ref.handle));
	atomic_store(&stop, false);
	assert_int_equal(pthread_create(&t, NULL, truncator, &fd), 0);
	for (int i = 0; i < 2000 && (faults < 20 || i < 200); i++) {
		int r = secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 1, &sum, sizeof(sum), &n);

		if (r == -EFAULT)
			faults++;
		else if (r == 0)
			ok++;
		else
			fail_msg("checksum returned %d (%s)", r, secshm_strerror(r));
	}
	atomic_store(&stop, true);
	pthread_join(t, NULL);
	/* The race must have been real: the server saw the file shrink. */
	assert_true(faults > 0);
	print_message("%d requests faulted cleanly, %d succeeded\n", faults, ok);
	assert_int_equal(ftruncate(fd, FILE_SIZE), 0);
	assert_ok(secshm_call(s, EXAMPLE_OP_CHECKSUM, NULL, 0, &ref, 1, &sum, sizeof(sum), &n));
	assert_int_equal(harness_server_check_alive(), 0);
	assert_ok(secshm_close(s, ref.handle));
	secshm_disconnect(s);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_truncate_while_server_reads),
	};

	harness_set_kind(HARNESS_EXAMPLE);
	return harness_finish(cmocka_run_group_tests(tests, harness_group_setup,
						     harness_group_teardown));
}
