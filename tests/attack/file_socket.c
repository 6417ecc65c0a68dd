// SPDX-License-Identifier: MIT
/*
 * File-backed sections under attack (P5, S1, S3, R4): a file cannot be
 * sealed, so whoever can write it can truncate it under the server; and the
 * descriptor a MAP reply carries is the file's, so it must not reach
 * bytes of the file outside the section. Against the example server, whose
 * EXAMPLE_OP_CHECKSUM reads references through the guarded capture. Daemon
 * only (raw MAP for the descriptor; the device passes the file differently).
 */
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "raw.h"

#define SEED	0xf11e

/* A fresh file of len bytes filled with the pattern, in a private directory. */
static int make_file(char *dir, size_t dir_len, char *path, size_t path_len, size_t len,
		     uint32_t seed)
{
	unsigned char *buf = malloc(len);
	int fd;

	if (!buf)
		return -1;
	snprintf(dir, dir_len, "/tmp/secshm-attack.XXXXXX");
	if (!mkdtemp(dir)) {
		free(buf);
		return -1;
	}
	snprintf(path, path_len, "%s/f", dir);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	harness_fill(buf, len, seed);
	if (fd < 0 || pwrite(fd, buf, len, 0) != (ssize_t)len) {
		free(buf);
		return -1;
	}
	free(buf);
	return fd;
}

static void remove_file(const char *dir, const char *path, int fd)
{
	close(fd);
	unlink(path);
	rmdir(dir);
}

static int checksum(struct secshm *s, uint32_t h, uint64_t off, uint64_t len, uint64_t *sum)
{
	return attack_checksum(s, h, off, len, sum);
}

/* Flip the file between empty and full size until killed. */
static void flip_size(int fd, off_t full)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(30);
	for (unsigned int i = 0;; i++)
		if (ftruncate(fd, i & 1 ? 0 : full))
			_exit(1);
}

static int child_truncate(void *arg)
{
	size_t page = harness_page(), len = 4 * page;
	char dir[64], path[96];
	unsigned char *first;
	struct secshm *s;
	uint64_t sum;
	uint32_t h;
	pid_t flipper;
	int fd, ok = 0, fault = 0;

	fd = make_file(dir, sizeof(dir), path, sizeof(path), len, SEED);
	CHILD_CHECK(fd >= 0);
	first = malloc(page);
	CHILD_CHECK(first && pread(fd, first, page, 0) == (ssize_t)page);
	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_create_file(s, NULL, len, fd, SECSHM_GENERIC_ALL, 0, NULL, &h));
	CHILD_OK(checksum(s, h, 0, page, &sum));
	CHILD_EQ(sum, harness_fnv1a(first, page));

	/* Cut to one page: reads past it fail cleanly, reads before it work. */
	CHILD_SYSOK(ftruncate(fd, (off_t)page));
	CHILD_STATUS(checksum(s, h, 0, len, &sum), -EFAULT);
	CHILD_STATUS(checksum(s, h, page, 1, &sum), -EFAULT);
	CHILD_STATUS(checksum(s, h, len - 1, 1, &sum), -EFAULT);
	CHILD_OK(checksum(s, h, 0, page, &sum));
	CHILD_EQ(sum, harness_fnv1a(first, page));
	CHILD_SYSOK(ftruncate(fd, 0));
	CHILD_STATUS(checksum(s, h, 0, 1, &sum), -EFAULT);

	/* Racing: the size flips while the server reads; 0 or -EFAULT only. */
	flipper = fork();
	CHILD_CHECK(flipper >= 0);
	if (flipper == 0)
		flip_size(fd, (off_t)len);
	for (int i = 0; i < 300; i++) {
		int r = checksum(s, h, 0, len, &sum);

		if (r == 0)
			ok++;
		else if (r == -EFAULT)
			fault++;
		else
			CHILD_STATUS(r, 0);
	}
	kill(flipper, SIGKILL);
	waitpid(flipper, NULL, 0);
	CHILD_EQ(ok + fault, 300);

	/* Grown back: the server reads again (zeros where the data was cut). */
	CHILD_SYSOK(ftruncate(fd, (off_t)len));
	CHILD_OK(checksum(s, h, 0, len, &sum));
	{
		unsigned char *zeros = calloc(1, len);

		CHILD_CHECK(zeros);
		CHILD_EQ(sum, harness_fnv1a(zeros, len));
		free(zeros);
	}
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	free(first);
	remove_file(dir, path, fd);
	return 0;
}

/*
 * SPEC: P5, S1 — nobody truncates the file under its own file-backed
 * section while the server reads references into it: reads past the end
 * are -EFAULT, reads before it are correct, 300 reads racing a process
 * that flips the size are each 0 or -EFAULT, the server never dies, and
 * after regrowing it reads zeros.
 */
static void test_file_truncated_under_server(void **state)
{
	ATTACK_AS_NOBODY(child_truncate, NULL);
}

static int child_shorter(void *arg)
{
	size_t page = harness_page();
	char dir[64], path[96];
	struct secshm *s;
	uint32_t h;
	int fd;

	fd = make_file(dir, sizeof(dir), path, sizeof(path), 4 * page, SEED);
	CHILD_CHECK(fd >= 0);
	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_STATUS(secshm_create_file(s, NULL, page, fd, SECSHM_GENERIC_ALL, 0, NULL, &h),
		     -ERANGE);
	CHILD_STATUS(secshm_create_file(s, NULL, 3 * page, fd, SECSHM_GENERIC_ALL, 0, NULL, &h),
		     -ERANGE);
	CHILD_STATUS(secshm_create_file(s, NULL, 5 * page, fd, SECSHM_GENERIC_ALL, 0, NULL, &h),
		     -ERANGE);
	CHILD_OK(secshm_create_file(s, NULL, 4 * page, fd, SECSHM_GENERIC_ALL, 0, NULL, &h));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	remove_file(dir, path, fd);
	return 0;
}

/*
 * SPEC: S3, S1 — a file-backed section must cover its whole file (a view
 * hands out the file's own descriptor): shorter or longer is -ERANGE,
 * exactly the file's size works. (A shorter section used to give every
 * reader the rest of the file, and every writer write access to it.)
 */
static void test_file_section_covers_file(void **state)
{
	ATTACK_AS_NOBODY(child_shorter, NULL);
}

struct shared_file {
	char name[64];
	uint64_t len;
};

static int child_ro_file(void *arg)
{
	const struct shared_file *f = arg;
	size_t page = harness_page();
	unsigned char buf[64] = "attack";
	char path[64];
	uint32_t h, view;
	int sock, fd;
	char *p;

	sock = raw_connect();
	CHILD_CHECK(sock >= 0);
	CHILD_RAW(raw_open(sock, f->name, SECSHM_GENERIC_READ, &h), 0);
	CHILD_RAW(raw_map(sock, h, 0, f->len, RW, &view, &fd), -EACCES);
	CHILD_RAW(raw_map(sock, h, 0, f->len, RO, &view, &fd), 0);
	CHILD_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	/* Nothing past the section; nothing written, resized or reopened. */
	CHILD_EQ(pread(fd, buf, sizeof(buf), (off_t)f->len), 0);
	CHILD_ERRNO(pwrite(fd, buf, sizeof(buf), 0), EBADF);
	CHILD_ERRNO(write(fd, buf, sizeof(buf)), EBADF);
	CHILD_ERRNO(ftruncate(fd, 0), EINVAL);
	CHILD_ERRNO(ftruncate(fd, (off_t)f->len * 16), EINVAL);
	CHILD_ERRNO(fallocate(fd, 0, 0, (off_t)f->len * 16), EBADF);
	CHILD_ERRNO(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t)page),
		    EBADF);
	CHILD_MMAP_FAILS(mmap(NULL, f->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	CHILD_ERRNO(open(path, O_RDWR | O_CLOEXEC), EACCES);
	p = mmap(NULL, f->len, PROT_READ, MAP_SHARED, fd, 0);
	CHILD_CHECK(p != MAP_FAILED);
	CHILD_ERRNO(mprotect(p, f->len, PROT_READ | PROT_WRITE), EACCES);
	CHILD_CHECK(harness_check_fill(p, f->len, SEED));
	CHILD_SYSOK(munmap(p, f->len));
	close(fd);
	CHILD_RAW(raw_close(sock, view), 0);
	CHILD_RAW(raw_close(sock, h), 0);
	close(sock);
	return 0;
}

/*
 * SPEC: H2, S3 — root shares its own file (mode 0600 on disk) as a named
 * section others may read (0644): the read-only descriptor nobody gets
 * from MAP reads nothing past the section and cannot write, resize, punch,
 * map writable or be reopened read-write; root's file is unchanged.
 */
static void test_file_readonly_descriptor(void **state)
{
	struct secshm_sd sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER,
				.mode = 0644 };
	struct shared_file f = { .len = 2 * harness_page() };
	struct secshm *s = harness_connect();
	unsigned char *buf = malloc(f.len);
	char dir[64], path[96];
	bool intact;
	struct stat st;
	uint32_t h;
	int fd, child;

	assert_non_null(buf);
	fd = make_file(dir, sizeof(dir), path, sizeof(path), f.len, SEED);
	assert_true(fd >= 0);
	harness_name(f.name, sizeof(f.name), "fro");
	assert_ok(secshm_create_file(s, f.name, f.len, fd, SECSHM_GENERIC_ALL, 0, &sd, &h));
	child = harness_as_nobody(child_ro_file, &f);
	/* Clean up before judging, so a failure costs no wait for the baseline. */
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
	intact = fstat(fd, &st) == 0 && (uint64_t)st.st_size == f.len &&
		 pread(fd, buf, f.len, 0) == (ssize_t)f.len && harness_check_fill(buf, f.len, SEED);
	remove_file(dir, path, fd);
	free(buf);
	assert_int_equal(child, 0);
	assert_true(intact);
}

static int child_cut_others(void *arg)
{
	const struct shared_file *f = arg;
	uint32_t h, view;
	uint64_t sum;
	int sock, fd;
	struct secshm *s;
	uint32_t hs;

	sock = raw_connect();
	CHILD_CHECK(sock >= 0);
	CHILD_RAW(raw_open(sock, f->name, SECSHM_GENERIC_WRITE, &h), 0);
	CHILD_RAW(raw_map(sock, h, 0, f->len, RW, &view, &fd), 0);
	CHILD_OK(secshm_connect(NULL, &s));
	CHILD_OK(secshm_open(s, f->name, SECSHM_GENERIC_READ, &hs));
	/* Writers of the file may cut it: the server fails cleanly, then recovers. */
	CHILD_SYSOK(ftruncate(fd, 0));
	CHILD_STATUS(checksum(s, hs, 0, f->len, &sum), -EFAULT);
	CHILD_SYSOK(ftruncate(fd, (off_t)f->len));
	CHILD_OK(checksum(s, hs, 0, f->len, &sum));
	CHILD_OK(secshm_close(s, hs));
	secshm_disconnect(s);
	close(fd);
	CHILD_RAW(raw_close(sock, view), 0);
	CHILD_RAW(raw_close(sock, h), 0);
	close(sock);
	return 0;
}

/*
 * SPEC: P5, S1 — nobody, given write access to root's file-backed section
 * (0666), truncates root's file under the server: the server's reads of it
 * fail with -EFAULT (for nobody and for root) instead of crashing, and work
 * again once the file is long enough.
 */
static void test_file_writer_cuts_others_file(void **state)
{
	struct secshm_sd sd = { .owner = SECSHM_ID_CALLER, .group = SECSHM_ID_CALLER,
				.mode = 0666 };
	struct shared_file f = { .len = 2 * harness_page() };
	struct secshm *s = harness_connect();
	char dir[64], path[96];
	uint64_t sum;
	uint32_t h;
	int fd, child;

	fd = make_file(dir, sizeof(dir), path, sizeof(path), f.len, SEED);
	assert_true(fd >= 0);
	harness_name(f.name, sizeof(f.name), "fcut");
	assert_ok(secshm_create_file(s, f.name, f.len, fd, SECSHM_GENERIC_ALL, 0, &sd, &h));
	child = harness_as_nobody(child_cut_others, &f);
	assert_ok(checksum(s, h, 0, f.len, &sum));
	assert_int_equal(ftruncate(fd, 0), 0);
	assert_status(checksum(s, h, 0, f.len, &sum), -EFAULT);
	assert_ok(secshm_close(s, h));
	secshm_disconnect(s);
	remove_file(dir, path, fd);
	assert_int_equal(child, 0);
}

static int child_bad_files(void *arg)
{
	size_t page = harness_page();
	char dir[64], path[96];
	int fd, ro, wo, opath, p[2], sv[2], null;
	struct secshm *s;
	uint32_t h;

	fd = make_file(dir, sizeof(dir), path, sizeof(path), 4 * page, SEED);
	CHILD_CHECK(fd >= 0);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	wo = open(path, O_WRONLY | O_CLOEXEC);
	opath = open(path, O_PATH | O_CLOEXEC);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHILD_CHECK(ro >= 0 && wo >= 0 && opath >= 0 && null >= 0);
	CHILD_SYSOK(pipe2(p, O_CLOEXEC));
	CHILD_SYSOK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	CHILD_OK(secshm_connect(NULL, &s));

	/* Read-only descriptors make read-only sections (P9); they cannot give write. */
	CHILD_STATUS(secshm_create_file(s, NULL, 4 * page, ro, SECSHM_GENERIC_WRITE, 0, NULL, &h),
		     -EACCES);
	CHILD_OK(secshm_create_file(s, NULL, 4 * page, ro, SECSHM_GENERIC_READ, 0, NULL, &h));
	{
		struct secshm_section_info info;
		uint32_t d;
		void *v;

		CHILD_OK(secshm_query(s, h, &info, NULL));
		CHILD_CHECK(info.flags & SECSHM_SECTION_READONLY);
		CHILD_STATUS(secshm_map(s, h, 0, page, SECSHM_PROT_READ | SECSHM_PROT_WRITE, &v),
			     -EACCES);
		CHILD_STATUS(secshm_duplicate(s, h, SECSHM_GENERIC_WRITE, &d), -EACCES);
		CHILD_OK(secshm_map(s, h, 0, page, SECSHM_PROT_READ, &v));
		CHILD_CHECK(harness_check_fill(v, page, SEED));
		CHILD_OK(secshm_unmap(s, v));
	}
	CHILD_OK(secshm_close(s, h));
	CHILD_STATUS(secshm_create_file(s, NULL, 4 * page, wo, SECSHM_GENERIC_READ, 0, NULL, &h),
		     -EACCES);
	CHILD_STATUS(secshm_create_file(s, NULL, 4 * page, opath, SECSHM_GENERIC_READ, 0, NULL,
					&h), -EBADF);
	/* Device, pipe and socket filesystems may not back a section. */
	CHILD_STATUS(secshm_create_file(s, NULL, page, null, SECSHM_GENERIC_READ, 0, NULL, &h),
		     -EOPNOTSUPP);
	CHILD_STATUS(secshm_create_file(s, NULL, page, p[1], SECSHM_GENERIC_READ, 0, NULL, &h),
		     -EOPNOTSUPP);
	CHILD_STATUS(secshm_create_file(s, NULL, page, sv[0], SECSHM_GENERIC_READ, 0, NULL, &h),
		     -EOPNOTSUPP);
	CHILD_STATUS(secshm_create_file(s, NULL, 4 * page + 1, fd, SECSHM_GENERIC_READ, 0, NULL,
					&h), -ERANGE);
	CHILD_STATUS(secshm_create_file(s, NULL, 0, fd, SECSHM_GENERIC_READ, 0, NULL, &h),
		     -EINVAL);
	CHILD_STATUS(secshm_create_file(s, NULL, 4 * page, fd, SECSHM_GENERIC_READ,
					SECSHM_SECTION_PINNED, NULL, &h), -EINVAL);

	/* Raw: the flag without a descriptor, or with two; both are closed. */
	{
		struct secshm_create_args c = { .size = sizeof(c), .flags = SECSHM_CREATE_FILE,
						.length = 4 * page, .access = SECSHM_GENERIC_ALL };
		static unsigned char msg[1024];
		struct raw_reply r;
		int sock = raw_connect(), two[2] = { fd, p[1] };
		size_t len = raw_build(msg, sizeof(msg), SECSHM_OP_CREATE, 1, &c, sizeof(c), NULL, 0);
		char ch;

		CHILD_CHECK(sock >= 0);
		CHILD_RAW(raw_xfer(sock, msg, len, NULL, 0, &r), -EBADMSG);
		raw_reply_done(&r);
		CHILD_RAW(raw_xfer(sock, msg, len, two, 2, &r), -EBADMSG);
		raw_reply_done(&r);
		close(p[1]);
		CHILD_EQ(read(p[0], &ch, 1), 0);	/* the server closed its copy */
		close(sock);
	}
	CHILD_OK(secshm_create_file(s, NULL, 4 * page, fd, SECSHM_GENERIC_READ, 0, NULL, &h));
	CHILD_OK(secshm_close(s, h));
	secshm_disconnect(s);
	close(p[0]);
	close(sv[0]);
	close(sv[1]);
	close(null);
	close(opath);
	close(wo);
	close(ro);
	remove_file(dir, path, fd);
	return 0;
}

/*
 * SPEC: P9, S1, R4 — backing files a client may not use as it asks: a
 * read-only descriptor gives a read-only section (write access -EACCES,
 * a writable view or duplicate -EACCES, the file's bytes readable); a
 * write-only descriptor -EACCES, an O_PATH one -EBADF; /dev/null, a pipe,
 * a socket are on filesystems that may not back a section (-EOPNOTSUPP);
 * a size a byte past the file's (-ERANGE), zero (-EINVAL), pinned
 * (-EINVAL); the file flag with no descriptor or two is -EBADMSG and the
 * server closes what came.
 */
static void test_file_hostile_descriptors(void **state)
{
	ATTACK_AS_NOBODY(child_bad_files, NULL);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_file_truncated_under_server),
	HARNESS_TEST(test_file_section_covers_file),
	HARNESS_TEST(test_file_readonly_descriptor),
	HARNESS_TEST(test_file_writer_cuts_others_file),
	HARNESS_TEST(test_file_hostile_descriptors),
};

HARNESS_MAIN(tests, HARNESS_EXAMPLE)
