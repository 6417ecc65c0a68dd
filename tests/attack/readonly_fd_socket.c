// SPDX-License-Identifier: MIT
/*
 * Read-only stays read-only (H2) for the descriptor the daemon sends with a
 * MAP reply: nobody holds a read-only handle to root's 0644 section, asks
 * for a read-only view by a raw MAP request, and attacks the descriptor it
 * receives with every system call that could write. Root then checks that
 * the section still holds what it wrote.
 */
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include "raw.h"

#define SEED	0x91c3
#define PAGES	4

struct target {
	char name[64];
	uint32_t h;
	uint64_t len;
};

static void target_setup(struct secshm *s, struct target *t)
{
	t->len = PAGES * harness_page();
	attack_named_section(s, "rofd", t->len, 0644, SEED, t->name, sizeof(t->name), &t->h);
}

static void target_check(struct secshm *s, struct target *t)
{
	struct secshm_section_info info;
	void *v;

	assert_ok(secshm_query(s, t->h, &info, NULL));
	assert_int_equal(info.length, t->len);
	assert_ok(secshm_map(s, t->h, 0, t->len, RO, &v));
	assert_true(harness_check_fill(v, t->len, SEED));
	assert_ok(secshm_unmap(s, v));
	assert_ok(secshm_close(s, t->h));
}

/* In the child: a raw connection, a read-only handle and a MAP descriptor. */
static int open_ro_fd(const struct target *t, int *sock, uint32_t *h, uint32_t *view, int *fd)
{
	*sock = raw_connect();
	CHILD_CHECK(*sock >= 0);
	CHILD_RAW(raw_open(*sock, t->name, SECSHM_GENERIC_READ, h), 0);
	/* Asking for a writable view is refused, and no descriptor comes. */
	CHILD_RAW(raw_map(*sock, *h, 0, t->len, RW, view, fd), -EACCES);
	CHILD_EQ(*fd, -1);
	CHILD_RAW(raw_map(*sock, *h, 0, t->len, RO, view, fd), 0);
	CHILD_CHECK(*fd >= 0);
	CHILD_EQ(fcntl(*fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	return 0;
}

static int close_all(int sock, uint32_t h, uint32_t view, int fd)
{
	close(fd);
	CHILD_RAW(raw_close(sock, view), 0);
	CHILD_RAW(raw_close(sock, h), 0);
	close(sock);
	return 0;
}

static int child_mmap(void *arg)
{
	const struct target *t = arg;
	size_t page = harness_page();
	uint32_t h, view;
	int sock, fd;
	char *v;

	CHILD_CHECK(open_ro_fd(t, &sock, &h, &view, &fd) == 0);
	CHILD_MMAP_FAILS(mmap(NULL, t->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
	CHILD_MMAP_FAILS(mmap(NULL, page, PROT_WRITE, MAP_SHARED, fd, (off_t)page), EACCES);
	CHILD_MMAP_FAILS(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE, fd, 0),
			 EACCES);
	v = mmap(NULL, t->len, PROT_READ, MAP_SHARED, fd, 0);
	CHILD_CHECK(v != MAP_FAILED);
	CHILD_ERRNO(mprotect(v, t->len, PROT_READ | PROT_WRITE), EACCES);
	CHILD_CHECK(harness_check_fill(v, t->len, SEED));
	CHILD_SYSOK(munmap(v, t->len));
	return close_all(sock, h, view, fd);
}

/*
 * SPEC: H2 — the read-only MAP descriptor: a writable MAP_SHARED mapping is
 * refused (EACCES), and a read-only one cannot be mprotect()ed writable.
 */
static void test_fd_writable_mmap(void **state)
{
	struct secshm *s = harness_connect();
	struct target t;

	target_setup(s, &t);
	ATTACK_AS_NOBODY(child_mmap, &t);
	target_check(s, &t);
	secshm_disconnect(s);
}

static int child_reopen(void *arg)
{
	const struct target *t = arg;
	char path[64], map_path[96];
	uint32_t h, view;
	int sock, fd;
	void *v;

	CHILD_CHECK(open_ro_fd(t, &sock, &h, &view, &fd) == 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	CHILD_ERRNO(open(path, O_RDWR | O_CLOEXEC), EACCES);
	CHILD_ERRNO(open(path, O_WRONLY | O_CLOEXEC), EACCES);
	CHILD_ERRNO(open(path, O_RDWR | O_TRUNC | O_CLOEXEC), EACCES);
	/*
	 * The inode is the server's, mode 0600: nobody may not open it, nor
	 * change that. Its own description is not the server's either.
	 */
	{
		struct stat st;

		CHILD_SYSOK(fstat(fd, &st));
		CHILD_EQ(st.st_mode & 07777, 0600);
		CHILD_CHECK(st.st_uid != HARNESS_NOBODY);
		CHILD_ERRNO(fchmod(fd, 0666), EPERM);
		CHILD_ERRNO(fchown(fd, HARNESS_NOBODY, HARNESS_NOGROUP), EPERM);
	}
	/* Nor through a mapping's /proc/self/map_files entry. */
	v = mmap(NULL, t->len, PROT_READ, MAP_SHARED, fd, 0);
	CHILD_CHECK(v != MAP_FAILED);
	snprintf(map_path, sizeof(map_path), "/proc/self/map_files/%lx-%lx",
		 (unsigned long)v, (unsigned long)v + t->len);
	CHILD_CHECK(open(map_path, O_RDWR | O_CLOEXEC) < 0);
	CHILD_CHECK(errno == EPERM || errno == EACCES);
	CHILD_SYSOK(munmap(v, t->len));
	return close_all(sock, h, view, fd);
}

/*
 * SPEC: H2 — reopening the read-only descriptor read-write through
 * /proc/self/fd (or map_files) fails: the inode is mode 0600, owned by the
 * server, and nobody may not chmod or chown it.
 */
static void test_fd_reopen_proc(void **state)
{
	struct secshm *s = harness_connect();
	struct target t;

	target_setup(s, &t);
	ATTACK_AS_NOBODY(child_reopen, &t);
	target_check(s, &t);
	secshm_disconnect(s);
}

static int child_write(void *arg)
{
	const struct target *t = arg;
	char buf[64] = "attack";
	struct iovec iov = { buf, sizeof(buf) };
	uint32_t h, view;
	int sock, fd, src;
	loff_t off = 0;

	CHILD_CHECK(open_ro_fd(t, &sock, &h, &view, &fd) == 0);
	CHILD_ERRNO(write(fd, buf, sizeof(buf)), EBADF);
	CHILD_ERRNO(pwrite(fd, buf, sizeof(buf), 0), EBADF);
	CHILD_ERRNO(pwritev(fd, &iov, 1, 64), EBADF);
	CHILD_ERRNO(pwritev2(fd, &iov, 1, 0, 0), EBADF);
	src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	CHILD_CHECK(src >= 0);
	CHILD_ERRNO(sendfile(fd, src, NULL, 64), EBADF);
	CHILD_ERRNO(copy_file_range(src, NULL, fd, &off, 64, 0), EBADF);
	CHILD_ERRNO(splice(src, NULL, fd, &off, 64, 0), EBADF);
	close(src);
	return close_all(sock, h, view, fd);
}

/* SPEC: H2 — write, pwrite, pwritev, sendfile, copy_file_range and splice into the read-only descriptor fail with EBADF. */
static void test_fd_write(void **state)
{
	struct secshm *s = harness_connect();
	struct target t;

	target_setup(s, &t);
	ATTACK_AS_NOBODY(child_write, &t);
	target_check(s, &t);
	secshm_disconnect(s);
}

static int child_resize(void *arg)
{
	const struct target *t = arg;
	size_t page = harness_page();
	uint32_t h, view;
	int sock, fd;

	CHILD_CHECK(open_ro_fd(t, &sock, &h, &view, &fd) == 0);
	/* Not open for writing: ftruncate is EINVAL, fallocate EBADF. */
	CHILD_ERRNO(ftruncate(fd, 0), EINVAL);
	CHILD_ERRNO(ftruncate(fd, (off_t)t->len / 2), EINVAL);
	CHILD_ERRNO(ftruncate(fd, (off_t)t->len * 2), EINVAL);
	CHILD_ERRNO(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t)page),
		    EBADF);
	CHILD_ERRNO(fallocate(fd, 0, 0, (off_t)t->len * 2), EBADF);
	CHILD_ERRNO(fallocate(fd, FALLOC_FL_KEEP_SIZE, (off_t)t->len, (off_t)page), EBADF);
	CHILD_ERRNO(fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, (off_t)page), EBADF);
	return close_all(sock, h, view, fd);
}

/*
 * SPEC: H2, P5 — ftruncate (shrink or grow) and fallocate (punch hole,
 * grow, zero range) on the read-only descriptor fail.
 */
static void test_fd_truncate_fallocate(void **state)
{
	struct secshm *s = harness_connect();
	struct target t;

	target_setup(s, &t);
	ATTACK_AS_NOBODY(child_resize, &t);
	target_check(s, &t);
	secshm_disconnect(s);
}

static int child_seals(void *arg)
{
	const struct target *t = arg;
	int seals[] = { F_SEAL_WRITE, F_SEAL_FUTURE_WRITE, F_SEAL_SHRINK, F_SEAL_SEAL };
	uint32_t h, view;
	int sock, fd;

	CHILD_CHECK(open_ro_fd(t, &sock, &h, &view, &fd) == 0);
	CHILD_EQ(fcntl(fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	for (size_t i = 0; i < sizeof(seals) / sizeof(seals[0]); i++)
		CHILD_ERRNO(fcntl(fd, F_ADD_SEALS, seals[i]), EPERM);
	CHILD_EQ(fcntl(fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	return close_all(sock, h, view, fd);
}

/*
 * SPEC: H2, P5 — F_ADD_SEALS on the read-only descriptor is EPERM (and the
 * section carries SHRINK|GROW|SEAL already).
 */
static void test_fd_add_seals_readonly(void **state)
{
	struct secshm *s = harness_connect();
	struct target t;

	target_setup(s, &t);
	ATTACK_AS_NOBODY(child_seals, &t);
	target_check(s, &t);
	secshm_disconnect(s);
}

static int child_seals_rw(void *arg)
{
	const struct target *t = arg;
	int seals[] = { F_SEAL_WRITE, F_SEAL_FUTURE_WRITE, F_SEAL_SHRINK, F_SEAL_GROW,
			F_SEAL_SEAL };
	uint32_t h, view;
	int sock, fd;

	sock = raw_connect();
	CHILD_CHECK(sock >= 0);
	CHILD_RAW(raw_open(sock, t->name, SECSHM_GENERIC_WRITE, &h), 0);
	CHILD_RAW(raw_map(sock, h, 0, t->len, RW, &view, &fd), 0);
	CHILD_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	for (size_t i = 0; i < sizeof(seals) / sizeof(seals[0]); i++)
		CHILD_ERRNO(fcntl(fd, F_ADD_SEALS, seals[i]), EPERM);
	CHILD_EQ(fcntl(fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
	return close_all(sock, h, view, fd);
}

/*
 * SPEC: H2, P5 — even with a writable handle, F_ADD_SEALS fails (EPERM:
 * F_SEAL_SEAL is set), so no client can seal the server's own writes away.
 */
static void test_fd_add_seals_writable(void **state)
{
	struct secshm *s = harness_connect();
	struct target t;

	t.len = PAGES * harness_page();
	attack_named_section(s, "rwseal", t.len, 0666, SEED, t.name, sizeof(t.name), &t.h);
	ATTACK_AS_NOBODY(child_seals_rw, &t);
	target_check(s, &t);
	secshm_disconnect(s);
}

static int child_private(void *arg)
{
	const struct target *t = arg;
	uint32_t h, view, view2;
	int sock, fd, fd2;
	char *p, *fresh;

	CHILD_CHECK(open_ro_fd(t, &sock, &h, &view, &fd) == 0);
	/* The kernel allows a writable private mapping: it must stay private. */
	p = mmap(NULL, t->len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHILD_CHECK(p != MAP_FAILED);
	memset(p, 0xee, t->len);
	CHILD_ERRNO(madvise(p, t->len, MADV_REMOVE), EACCES);
	CHILD_RAW(raw_map(sock, h, 0, t->len, RO, &view2, &fd2), 0);
	fresh = mmap(NULL, t->len, PROT_READ, MAP_SHARED, fd2, 0);
	CHILD_CHECK(fresh != MAP_FAILED);
	CHILD_CHECK(harness_check_fill(fresh, t->len, SEED));
	CHILD_SYSOK(munmap(fresh, t->len));
	CHILD_SYSOK(munmap(p, t->len));
	close(fd2);
	CHILD_RAW(raw_close(sock, view2), 0);
	return close_all(sock, h, view, fd);
}

/*
 * SPEC: H2 — a writable MAP_PRIVATE mapping of the read-only descriptor
 * does not change the shared bytes (another view and root see the
 * original), and MADV_REMOVE on it is refused.
 */
static void test_fd_private_mapping(void **state)
{
	struct secshm *s = harness_connect();
	struct target t;

	target_setup(s, &t);
	ATTACK_AS_NOBODY(child_private, &t);
	target_check(s, &t);
	secshm_disconnect(s);
}

static const struct CMUnitTest tests[] = {
	HARNESS_TEST(test_fd_writable_mmap),
	HARNESS_TEST(test_fd_reopen_proc),
	HARNESS_TEST(test_fd_write),
	HARNESS_TEST(test_fd_truncate_fallocate),
	HARNESS_TEST(test_fd_add_seals_readonly),
	HARNESS_TEST(test_fd_add_seals_writable),
	HARNESS_TEST(test_fd_private_mapping),
};

HARNESS_MAIN(tests, HARNESS_DAEMON)
