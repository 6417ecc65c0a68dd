// SPDX-License-Identifier: MIT
/*
 * File-backed sections (S1): writes through a view reach the file, the file's
 * writes reach the view, flush succeeds, and bad backing files are refused.
 * (file_restart_socket.c kills and restarts a daemon.)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../common/harness.h"

#define RW (SECSHM_PROT_READ | SECSHM_PROT_WRITE)
#define FILE_SIZE (1U << 20)

static int make_file(char *path, size_t len)
{
	int fd;

	snprintf(path, len, "/tmp/secshm-file.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, FILE_SIZE), 0);
	return fd;
}

/* SPEC: S1 — writes through a view reach the file, and the file's bytes are the view's. */
static void test_writes_reach_file(void **state)
{
	struct secshm *s = harness_connect();
	char path[64], buf[4096];
	unsigned char *v;
	uint32_t h;
	int fd = make_file(path, sizeof(path));

	assert_ok(secshm_create_file(s, NULL, FILE_SIZE, fd, SECSHM_GENERIC_WRITE, 0, NULL, &h));
	assert_ok(secshm_map(s, h, 0, FILE_SIZE, RW, (void **)&v));
	harness_fill(v + 8192, sizeof(buf), 11);
	assert_int_equal(pread(fd, buf, sizeof(buf), 8192), sizeof(buf));
	assert_true(harness_check_fill(buf, sizeof(buf), 11));
	harness_fill(buf, sizeof(buf), 12);
	assert_int_equal(pwrite(fd, buf, sizeof(buf), 65536), sizeof(buf));
	assert_true(harness_check_fill(v + 65536, sizeof(buf), 12));
	assert_ok(secshm_flush(s, h, 0, FILE_SIZE));
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
	close(fd);
	unlink(path);
}

/*
 * SPEC: S1, P9 — bad backing files are refused: too short, longer than the
 * section (a view would hand out the rest), not a regular file; a
 * read-only descriptor backs only a read-only section.
 */
static void test_bad_files(void **state)
{
	struct secshm *s = harness_connect();
	char path[64];
	uint32_t h;
	int fd = make_file(path, sizeof(path)), ro = open(path, O_RDONLY), dir = open("/tmp", O_RDONLY);

	assert_status(secshm_create_file(s, NULL, FILE_SIZE + 4096, fd, SECSHM_GENERIC_WRITE, 0,
					 NULL, &h), -ERANGE);
	assert_status(secshm_create_file(s, NULL, FILE_SIZE / 2, fd, SECSHM_GENERIC_READ, 0, NULL,
					 &h), -ERANGE);
	assert_status(secshm_create_file(s, NULL, FILE_SIZE, ro, SECSHM_GENERIC_WRITE, 0, NULL, &h),
		      -EACCES);
	assert_ok(secshm_create_file(s, NULL, FILE_SIZE, ro, SECSHM_GENERIC_READ, 0, NULL, &h));
	{
		struct secshm_section_info info;

		assert_ok(secshm_query(s, h, &info, NULL));
		assert_true(info.flags & SECSHM_SECTION_READONLY);
		assert_ok(secshm_close(s, h));
	}
	assert_status(secshm_create_file(s, NULL, 4096, dir, SECSHM_GENERIC_READ, 0, NULL, &h),
		      -EINVAL);
	assert_status(secshm_create_file(s, NULL, FILE_SIZE, fd, SECSHM_GENERIC_READ,
					 SECSHM_SECTION_PINNED, NULL, &h), -EINVAL);
	secshm_disconnect(s);
	close(dir);
	close(ro);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_writes_reach_file),
		HARNESS_TEST(test_bad_files),
	};

	harness_set_kind(HARNESS_DAEMON);
	return harness_finish(cmocka_run_group_tests(tests, harness_group_setup,
						     harness_group_teardown));
}
